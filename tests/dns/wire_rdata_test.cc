#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dns/wire/rdata.h"
#include "tests/dns/wire_test_util.h"

namespace clusterdns::dns {
namespace {

using testing::name;

void expect_text_round_trip(RRType type, const std::vector<uint8_t>& rdata,
                            const std::string& text) {
  EXPECT_EQ(rdata_to_text(type, rdata), text) << type_name(type);
  auto parsed = rdata_from_text(type, text);
  ASSERT_TRUE(parsed.ok()) << type_name(type) << ": " << parsed.error().message;
  EXPECT_EQ(*parsed, rdata) << type_name(type);
}

TEST(RdataText, AddressRecords) {
  expect_text_round_trip(RRType::kA, encode_a({10, 96, 0, 10}), "10.96.0.10");
  Ipv6Bytes v6{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  expect_text_round_trip(RRType::kAAAA, encode_aaaa(v6), "fd00::1");
  EXPECT_EQ(*decode_a(encode_a({1, 2, 3, 4})), (Ipv4Bytes{1, 2, 3, 4}));
  EXPECT_FALSE(decode_a(std::vector<uint8_t>{1, 2, 3}).ok());
  EXPECT_FALSE(decode_aaaa(std::vector<uint8_t>(15)).ok());
  EXPECT_FALSE(rdata_from_text(RRType::kA, "10.0.0.256").ok());
}

TEST(RdataText, NameRecords) {
  for (RRType type : {RRType::kNS, RRType::kCNAME, RRType::kPTR}) {
    expect_text_round_trip(type, encode_name_rdata(name("ns.dns.cluster.local")),
                           "ns.dns.cluster.local.");
  }
  EXPECT_EQ(decode_name_rdata(encode_name_rdata(name("A.b")))->to_text(), "A.b.");
}

TEST(RdataText, Soa) {
  SoaRdata soa{
      name("ns.dns.cluster.local"), name("hostmaster.cluster.local"), 12345, 7200, 1800, 86400, 5};
  expect_text_round_trip(RRType::kSOA, encode_soa(soa),
                         "ns.dns.cluster.local. hostmaster.cluster.local. 12345 7200 1800 86400 5");
  EXPECT_EQ(*decode_soa(encode_soa(soa)), soa);
  auto cut = encode_soa(soa);
  cut.pop_back();
  EXPECT_FALSE(decode_soa(cut).ok());
}

TEST(RdataText, SrvAndMx) {
  SrvRdata srv{0, 33, 8080, name("10-0-0-1.web.default.svc.cluster.local")};
  expect_text_round_trip(RRType::kSRV, encode_srv(srv),
                         "0 33 8080 10-0-0-1.web.default.svc.cluster.local.");
  EXPECT_EQ(*decode_srv(encode_srv(srv)), srv);
  MxRdata mx{10, name("mail.example")};
  expect_text_round_trip(RRType::kMX, encode_mx(mx), "10 mail.example.");
  EXPECT_EQ(*decode_mx(encode_mx(mx)), mx);
  EXPECT_FALSE(rdata_from_text(RRType::kSRV, "0 100 65536 x.").ok());
}

TEST(RdataText, TxtQuotesAndEscapes) {
  expect_text_round_trip(RRType::kTXT, *encode_txt({"1.1.0"}), "\"1.1.0\"");
  expect_text_round_trip(RRType::kTXT, *encode_txt({"a \"q\"", "b\\c", std::string("\x01", 1)}),
                         "\"a \\\"q\\\"\" \"b\\\\c\" \"\\001\"");
  EXPECT_FALSE(encode_txt({std::string(256, 'x')}).ok());
  EXPECT_TRUE(encode_txt({std::string(255, 'x')}).ok());
  EXPECT_FALSE(decode_txt(std::vector<uint8_t>{5, 'a'}).ok());
  EXPECT_FALSE(rdata_from_text(RRType::kTXT, "\"unterminated").ok());
}

TEST(RdataText, HinfoAsRfc8482Synthesizes) {
  auto rdata = encode_hinfo({"RFC8482", ""});
  ASSERT_TRUE(rdata.ok());
  EXPECT_EQ(*rdata, (std::vector<uint8_t>{7, 'R', 'F', 'C', '8', '4', '8', '2', 0}));
  expect_text_round_trip(RRType::kHINFO, *rdata, "\"RFC8482\" \"\"");
}

TEST(RdataText, UnknownTypesUseTheGenericForm) {
  auto type = static_cast<RRType>(65280);
  expect_text_round_trip(type, {0xDE, 0xAD, 0x01}, "\\# 3 dead01");
  expect_text_round_trip(type, {}, "\\# 0");
  EXPECT_FALSE(rdata_from_text(type, "\\# 2 dead01").ok());
  EXPECT_EQ(*rdata_from_text(RRType::kA, "\\# 4 0a000001"), encode_a({10, 0, 0, 1}));
  EXPECT_EQ(rdata_to_text(RRType::kA, std::vector<uint8_t>{1, 2}), "\\# 2 0102")
      << "malformed known types fall back to the generic form";
}

TEST(RdataText, OptOptions) {
  std::vector<EdnsOption> options{{10, {1, 2, 3, 4, 5, 6, 7, 8}}, {3, {}}};
  auto rdata = encode_opt(options);
  EXPECT_EQ(rdata.size(), 4u + 8u + 4u);
  EXPECT_EQ(*decode_opt(rdata), options);
  rdata.pop_back();
  EXPECT_FALSE(decode_opt(rdata).ok());
}

TEST(RdataText, RecordLineForMasterFiles) {
  EXPECT_EQ(
      record_to_text(name("dns-version.cluster.local"), 5, 1, RRType::kTXT, *encode_txt({"1.1.0"})),
      "dns-version.cluster.local.\t5\tIN\tTXT\t\"1.1.0\"");
}

}  // namespace
}  // namespace clusterdns::dns
