#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "dns/wire/builder.h"
#include "dns/wire/message.h"
#include "dns/wire/rdata.h"
#include "tests/dns/wire_test_util.h"

namespace clusterdns::dns {
namespace {

using testing::name;

struct Built {
  std::array<uint8_t, 65535> buffer{};
  std::vector<uint8_t> octets;
};

Message parse(std::span<const uint8_t> octets) {
  auto message = parse_message(octets);
  EXPECT_TRUE(message.ok()) << message.error().message;
  return message.ok() ? std::move(message.value()) : Message{};
}

std::vector<uint8_t> a_rdata(uint8_t last) {
  return encode_a({10, 0, 0, last});
}

TEST(MessageBuilder, RoundTripsEveryRecordType) {
  Ipv6Bytes v6{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  std::vector<std::pair<RRType, std::vector<uint8_t>>> records = {
      {RRType::kA, encode_a({10, 96, 0, 10})},
      {RRType::kAAAA, encode_aaaa(v6)},
      {RRType::kNS, encode_name_rdata(name("ns.dns.cluster.local"))},
      {RRType::kCNAME, encode_name_rdata(name("Target.Example.org"))},
      {RRType::kPTR, encode_name_rdata(name("web.default.svc.cluster.local"))},
      {RRType::kSOA, encode_soa({name("ns.dns.cluster.local"), name("hostmaster.cluster.local"), 1,
                                 7200, 1800, 86400, 5})},
      {RRType::kTXT, *encode_txt({"1.1.0", "", "x y"})},
      {RRType::kSRV, encode_srv({0, 100, 443, name("web.default.svc.cluster.local")})},
      {RRType::kHINFO, *encode_hinfo({"RFC8482", ""})},
      {RRType::kMX, encode_mx({10, name("mail.cluster.local")})},
      {static_cast<RRType>(65280), {1, 2, 3}},
      {static_cast<RRType>(99), {}},
  };
  Built built;
  MessageBuilder builder(built.buffer);
  builder.set_id(0x4242);
  builder.set_flag(kFlagQR);
  builder.set_flag(kFlagAA);
  ASSERT_TRUE(builder.add_question(name("cluster.local"), RRType::kANY));
  for (const auto& [type, rdata] : records) {
    ASSERT_TRUE(builder.add_record(Section::kAnswer, name("cluster.local"), type, 5, rdata))
        << type_name(type);
  }
  Message message = parse(builder.finish());
  EXPECT_EQ(message.header.id, 0x4242);
  EXPECT_TRUE(message.header.has(kFlagAA));
  ASSERT_EQ(message.answers.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(message.answers[i].type, records[i].first);
    EXPECT_EQ(message.answers[i].rdata, records[i].second) << type_name(records[i].first);
    EXPECT_EQ(message.answers[i].ttl, 5u);
    EXPECT_EQ(message.answers[i].owner, name("cluster.local"));
  }
}

TEST(MessageBuilder, PointsTheOwnerAtTheQuestionKeepingItsCase) {
  Built built;
  MessageBuilder builder(built.buffer);
  ASSERT_TRUE(builder.add_question(name("Web.Default.SVC.cluster.local"), RRType::kA));
  ASSERT_TRUE(builder.add_record(Section::kAnswer, name("web.default.svc.cluster.local"),
                                 RRType::kA, 5, a_rdata(1)));
  auto octets = builder.finish();
  size_t answer = 12 + 31 + 4;
  ASSERT_EQ(octets.size(), answer + 2 + 10 + 4);
  EXPECT_EQ(octets[answer], 0xC0);
  EXPECT_EQ(octets[answer + 1], 12);
  EXPECT_EQ(parse(octets).answers[0].owner.to_text(), "Web.Default.SVC.cluster.local.");
}

TEST(MessageBuilder, CompressesSuffixesInsideRdataButNotSrvTargets) {
  Built built;
  MessageBuilder builder(built.buffer);
  ASSERT_TRUE(builder.add_question(name("cluster.local"), RRType::kNS));
  ASSERT_TRUE(builder.add_record(Section::kAnswer, name("cluster.local"), RRType::kNS, 5,
                                 encode_name_rdata(name("ns.dns.cluster.local"))));
  size_t before_srv = builder.size();
  ASSERT_TRUE(builder.add_record(Section::kAnswer, name("cluster.local"), RRType::kSRV, 5,
                                 encode_srv({0, 100, 53, name("ns.dns.cluster.local")})));
  auto octets = builder.finish();
  // NS rdata: "ns" "dns" + pointer = 3 + 4 + 2.
  size_t ns_rdata = 12 + 15 + 4 + 2 + 8;
  EXPECT_EQ((octets[ns_rdata] << 8) | octets[ns_rdata + 1], 9);
  // SRV rdata: 6 + the full 22-octet name, uncompressed (RFC 2782).
  size_t srv_rdlength = before_srv + 2 + 8;
  EXPECT_EQ((octets[srv_rdlength] << 8) | octets[srv_rdlength + 1], 6 + 22);
  Message message = parse(octets);
  EXPECT_EQ(rdata_to_text(RRType::kSRV, message.answers[1].rdata),
            "0 100 53 ns.dns.cluster.local.");
}

TEST(MessageBuilder, LaterNamesMayPointIntoSrvTargets) {
  Built built;
  MessageBuilder builder(built.buffer);
  ASSERT_TRUE(builder.add_question(name("_http._tcp.web.ns.svc.cluster.local"), RRType::kSRV));
  ASSERT_TRUE(builder.add_record(Section::kAnswer, name("_http._tcp.web.ns.svc.cluster.local"),
                                 RRType::kSRV, 5,
                                 encode_srv({0, 100, 80, name("pod-1.web.ns.svc.cluster.local")})));
  size_t before = builder.size();
  ASSERT_TRUE(builder.add_record(Section::kAdditional, name("pod-1.web.ns.svc.cluster.local"),
                                 RRType::kA, 5, a_rdata(7)));
  EXPECT_EQ(builder.size() - before, 2u + 10u + 4u) << "owner is one pointer";
  Message message = parse(builder.finish());
  EXPECT_EQ(message.additional[0].owner.to_text(), "pod-1.web.ns.svc.cluster.local.");
}

// A response limited to `limit` octets with `answers` A records in one RRset and one
// A record per additional RRset.
TEST(MessageBuilder, TruncatesWholeAnswerRrsetsAndSetsTc) {
  Built built;
  MessageBuilder builder(built.buffer, 512);
  Name owner = name("headless.default.svc.cluster.local");
  ASSERT_TRUE(builder.add_question(owner, RRType::kA));
  // First RRset: 10 records of 16 octets; second: 30 records (does not fit in 512).
  builder.begin_rrset();
  for (uint8_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(builder.add_record(Section::kAnswer, owner, RRType::kA, 5, a_rdata(i)));
  }
  ASSERT_TRUE(builder.commit_rrset());
  size_t after_first = builder.size();
  Name other = name("other.default.svc.cluster.local");
  builder.begin_rrset();
  bool all_added = true;
  for (uint8_t i = 0; i < 30; ++i) {
    all_added = builder.add_record(Section::kAnswer, other, RRType::kA, 5, a_rdata(i)) && all_added;
  }
  EXPECT_FALSE(all_added);
  EXPECT_FALSE(builder.commit_rrset());
  EXPECT_TRUE(builder.truncated());
  EXPECT_EQ(builder.size(), after_first);
  EXPECT_EQ(builder.count(Section::kAnswer), 10);
  EXPECT_FALSE(builder.add_record(Section::kAdditional, owner, RRType::kA, 5, a_rdata(1)))
      << "nothing is added after TC";
  auto octets = builder.finish();
  EXPECT_LE(octets.size(), 512u);
  Message message = parse(octets);
  EXPECT_TRUE(message.header.has(kFlagTC));
  EXPECT_EQ(message.answers.size(), 10u);
  for (const auto& record : message.answers) EXPECT_EQ(record.owner, owner);
}

TEST(MessageBuilder, TruncatesInTheAuthoritySectionToo) {
  Built built;
  MessageBuilder builder(built.buffer, 60);
  ASSERT_TRUE(builder.add_question(name("x.cluster.local"), RRType::kA));
  EXPECT_FALSE(builder.add_record(
      Section::kAuthority, name("cluster.local"), RRType::kSOA, 5,
      encode_soa({name("ns.dns.cluster.local"), name("hostmaster.cluster.local"), 1, 2, 3, 4, 5})));
  EXPECT_TRUE(builder.truncated());
  EXPECT_EQ(builder.count(Section::kAuthority), 0);
}

TEST(MessageBuilder, DropsAdditionalRecordsWithoutTc) {
  // Header 12 + question 46 + SRV 51 (uncompressed target) = 109; the OPT takes 11;
  // 20 octets remain: an A (16, owner a pointer into the SRV target) but not an AAAA (28).
  Built built;
  MessageBuilder builder(built.buffer, 140);
  builder.reserve_opt();
  Name owner = name("_http._tcp.web.default.svc.cluster.local");
  ASSERT_TRUE(builder.add_question(owner, RRType::kSRV));
  ASSERT_TRUE(
      builder.add_record(Section::kAnswer, owner, RRType::kSRV, 5,
                         encode_srv({0, 100, 80, name("a.web.default.svc.cluster.local")})));
  size_t before = builder.size();
  builder.begin_rrset();
  Ipv6Bytes v6{};
  EXPECT_FALSE(builder.add_record(Section::kAdditional, name("a.web.default.svc.cluster.local"),
                                  RRType::kAAAA, 5, encode_aaaa(v6)))
      << "28 octets of AAAA do not fit beside the OPT room";
  EXPECT_FALSE(builder.commit_rrset());
  EXPECT_EQ(builder.size(), before);
  EXPECT_FALSE(builder.truncated());
  ASSERT_TRUE(builder.add_record(Section::kAdditional, name("a.web.default.svc.cluster.local"),
                                 RRType::kA, 5, a_rdata(1)))
      << "a smaller additional RRset still fits";
  ASSERT_TRUE(builder.add_opt({}));
  auto octets = builder.finish();
  EXPECT_LE(octets.size(), 140u);
  Message message = parse(octets);
  EXPECT_FALSE(message.header.has(kFlagTC));
  EXPECT_EQ(message.additional.size(), 2u);
  EXPECT_NE(message.opt(), nullptr);
}

TEST(MessageBuilder, RolledBackNamesAreNotCompressionTargets) {
  Built built;
  MessageBuilder builder(built.buffer, 80);
  ASSERT_TRUE(builder.add_question(name("q.example"), RRType::kA));
  // Too big for the limit: rolled back, and with it the "long.name.example" entry.
  EXPECT_FALSE(builder.add_record(Section::kAdditional, name("long.name.example"),
                                  static_cast<RRType>(65280), 5, std::vector<uint8_t>(60)));
  ASSERT_TRUE(
      builder.add_record(Section::kAdditional, name("name.example"), RRType::kA, 5, a_rdata(1)));
  Message message = parse(builder.finish());
  EXPECT_EQ(message.additional[0].owner.to_text(), "name.example.");
}

TEST(MessageBuilder, KeepsExactlyTheSizeLimit) {
  Built built;
  // Header 12 + question (3 + 4) + A record with pointer owner (16) = 35.
  MessageBuilder exact(built.buffer, 35);
  ASSERT_TRUE(exact.add_question(name("a"), RRType::kA));
  EXPECT_TRUE(exact.add_record(Section::kAnswer, name("a"), RRType::kA, 5, a_rdata(1)));
  EXPECT_EQ(exact.finish().size(), 35u);
  MessageBuilder short_one(built.buffer, 34);
  ASSERT_TRUE(short_one.add_question(name("a"), RRType::kA));
  EXPECT_FALSE(short_one.add_record(Section::kAnswer, name("a"), RRType::kA, 5, a_rdata(1)));
  EXPECT_TRUE(short_one.truncated());
  EXPECT_EQ(short_one.finish().size(), 12u + 7u);
}

TEST(MessageBuilder, ReservedOptRoomIsKeptForTheOpt) {
  Built built;
  MessageBuilder builder(built.buffer, 35 + kOptRecordSize - 1);
  builder.reserve_opt();
  ASSERT_TRUE(builder.add_question(name("a"), RRType::kA));
  EXPECT_FALSE(builder.add_record(Section::kAnswer, name("a"), RRType::kA, 5, a_rdata(1)));
  EXPECT_TRUE(builder.add_opt({}));
  Message message = parse(builder.finish());
  EXPECT_TRUE(message.header.has(kFlagTC));
  EXPECT_NE(message.opt(), nullptr) << "OPT goes in even after TC";
}

TEST(MessageBuilder, WritesOptWithExtendedRcodeVersionPayloadAndDo) {
  Built built;
  MessageBuilder builder(built.buffer);
  builder.set_flag(kFlagQR);
  builder.set_rcode(Rcode::kBadVers);
  ASSERT_TRUE(builder.add_question(name("a.example"), RRType::kA));
  EdnsOut edns;
  edns.dnssec_ok = true;
  ASSERT_TRUE(builder.add_opt(edns));
  auto octets = builder.finish();
  Message message = parse(octets);
  EXPECT_EQ(message.header.rcode(), 0) << "BADVERS = 16: low 4 bits are zero";
  EXPECT_EQ(message.rcode(), 16);
  const ResourceRecord* opt = message.opt();
  ASSERT_NE(opt, nullptr);
  EXPECT_TRUE(opt->owner.is_root());
  EXPECT_EQ(opt->klass, 1232);
  EXPECT_EQ(opt->ttl, 0x01008000u);
  EXPECT_TRUE(opt->rdata.empty());
  // A query parser sees the same OPT.
  QueryParse query = parse_query(octets);
  EXPECT_TRUE(query.edns.present);
  EXPECT_EQ(query.edns.extended_rcode, 1);
  EXPECT_TRUE(query.edns.dnssec_ok());
}

TEST(MessageBuilder, LowRcodesStayInTheHeader) {
  Built built;
  MessageBuilder builder(built.buffer);
  builder.set_rcode(Rcode::kNXDomain);
  ASSERT_TRUE(builder.add_opt({.udp_payload = 4096, .version = 0, .dnssec_ok = false}));
  Message message = parse(builder.finish());
  EXPECT_EQ(message.header.rcode(), 3);
  EXPECT_EQ(message.rcode(), 3);
  EXPECT_EQ(message.opt()->ttl, 0u);
  EXPECT_EQ(message.opt()->klass, 4096);
}

TEST(MessageBuilder, RefusesSectionsOutOfOrder) {
  Built built;
  MessageBuilder builder(built.buffer);
  ASSERT_TRUE(builder.add_record(Section::kAuthority, name("a"), RRType::kA, 5, a_rdata(1)));
  EXPECT_FALSE(builder.add_record(Section::kAnswer, name("a"), RRType::kA, 5, a_rdata(1)));
  EXPECT_FALSE(builder.add_question(name("a"), RRType::kA));
  EXPECT_FALSE(builder.truncated());
}

TEST(MessageBuilder, ManyDistinctNamesOverflowTheTableSafely) {
  Built built;
  MessageBuilder builder(built.buffer);
  ASSERT_TRUE(builder.add_question(name("zone.example"), RRType::kA));
  std::vector<Name> owners;
  for (int i = 0; i < 100; ++i) {
    std::string text = "h";
    text += std::to_string(i);
    text += ".zone.example";
    owners.push_back(name(text.c_str()));
  }
  for (const Name& owner : owners) {
    ASSERT_TRUE(builder.add_record(Section::kAnswer, owner, RRType::kA, 5, a_rdata(1)));
  }
  Message message = parse(builder.finish());
  ASSERT_EQ(message.answers.size(), owners.size());
  for (size_t i = 0; i < owners.size(); ++i) EXPECT_EQ(message.answers[i].owner, owners[i]);
}

TEST(MessageBuilder, BuildsOddPacketsForTests) {
  Built built;
  MessageBuilder builder(built.buffer);
  builder.set_opcode(Opcode::kUpdate);
  builder.set_flag(kFlagQR);
  ASSERT_TRUE(builder.add_question(name("a"), RRType::kA));
  builder.override_counts(2, 0, 0, 0);
  auto octets = builder.finish();
  QueryParse query = parse_query(octets);
  EXPECT_EQ(query.header.opcode(), 5);
  EXPECT_TRUE(query.header.has(kFlagQR));
  EXPECT_EQ(query.status, QueryStatus::kFormErr);
  EXPECT_EQ(query.error, WireError::kTruncated) << "the second question is missing";
}

TEST(MessageBuilder, AppendsPrecomputedSections) {
  Built source;
  MessageBuilder answer(source.buffer);
  ASSERT_TRUE(answer.add_question(name("svc.ns.svc.cluster.local"), RRType::kA));
  size_t question_end = answer.size();
  ASSERT_TRUE(answer.add_record(Section::kAnswer, name("svc.ns.svc.cluster.local"), RRType::kA, 5,
                                a_rdata(9)));
  auto full = answer.finish();
  std::vector<uint8_t> tail(full.begin() + static_cast<long>(question_end), full.end());

  Built built;
  MessageBuilder builder(built.buffer);
  ASSERT_TRUE(builder.add_question(name("SVC.ns.svc.cluster.local"), RRType::kA));
  ASSERT_TRUE(builder.append_raw(tail, 1, 0, 0));
  Message message = parse(builder.finish());
  ASSERT_EQ(message.answers.size(), 1u);
  EXPECT_EQ(message.answers[0].owner.to_text(), "SVC.ns.svc.cluster.local.");
}

TEST(MessageBuilder, ABufferSmallerThanAHeaderBuildsNothing) {
  std::array<uint8_t, 8> small{};
  MessageBuilder builder(small);
  EXPECT_FALSE(builder.add_question(name("a"), RRType::kA));
  EXPECT_FALSE(builder.add_opt({}));
  EXPECT_TRUE(builder.finish().empty());
}

}  // namespace
}  // namespace clusterdns::dns
