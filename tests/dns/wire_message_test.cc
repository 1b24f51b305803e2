#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dns/wire/message.h"
#include "dns/wire/rdata.h"
#include "tests/dns/wire_test_util.h"

namespace clusterdns::dns {
namespace {

using testing::name;
using testing::PacketWriter;
using testing::read_data;

std::span<const uint8_t> bytes(const std::vector<uint8_t>& v) {
  return v;
}

TEST(CapturedQuery, DigWithCookieParsesWithEdns) {
  auto packet = read_data("dig_a.bin");
  QueryParse query = parse_query(packet);
  ASSERT_TRUE(query.ok()) << wire_error_name(query.error);
  EXPECT_FALSE(query.header.has(kFlagQR));
  EXPECT_TRUE(query.header.has(kFlagRD));
  EXPECT_TRUE(query.header.has(kFlagAD)) << "dig 9.18 sets AD in queries";
  EXPECT_EQ(query.header.opcode(), 0);
  EXPECT_EQ(query.header.qdcount, 1);
  ASSERT_TRUE(query.has_question);
  EXPECT_EQ(query.qname.to_text(), "kubernetes.default.svc.cluster.local.");
  EXPECT_EQ(query.qtype, RRType::kA);
  EXPECT_EQ(query.qclass, 1);
  EXPECT_EQ(query.question_offset, 12u);
  EXPECT_EQ(query.question_length, 38u + 4u);
  EXPECT_TRUE(query.edns.present);
  EXPECT_EQ(query.edns.opt_count, 1);
  EXPECT_EQ(query.edns.udp_payload, 1232);
  EXPECT_EQ(query.edns.version, 0);
  EXPECT_FALSE(query.edns.dnssec_ok());
  EXPECT_TRUE(query.edns.has_cookie);
  EXPECT_EQ(query.edns.options.size(), 12u) << "cookie option: 4 octets header + 8 client";
}

TEST(CapturedQuery, DigWithoutEdnsKeepsTheQuestionCase) {
  auto packet = read_data("dig_noedns_aaaa.bin");
  QueryParse query = parse_query(packet);
  ASSERT_TRUE(query.ok());
  EXPECT_FALSE(query.edns.present);
  EXPECT_EQ(query.qtype, RRType::kAAAA);
  EXPECT_EQ(query.qname.to_text(), "My-Svc.Default.SVC.Cluster.Local.");
  EXPECT_EQ(query.qname_lower.to_text(), "my-svc.default.svc.cluster.local.");
  auto question = question_bytes(query, packet);
  ASSERT_EQ(question.size(), packet.size() - 12);
  EXPECT_EQ(question[1], 'M') << "the question bytes are the packet's, case and all";
}

TEST(CapturedQuery, DigDnssecSetsTheDoBitAndClearsRd) {
  auto packet = read_data("dig_dnssec_srv.bin");
  QueryParse query = parse_query(packet);
  ASSERT_TRUE(query.ok());
  EXPECT_FALSE(query.header.has(kFlagRD));
  EXPECT_EQ(query.qtype, RRType::kSRV);
  EXPECT_TRUE(query.edns.dnssec_ok());
  EXPECT_EQ(query.qname.label_count(), 7u);
}

TEST(CapturedQuery, DigEdnsVersionOneIsReported) {
  auto packet = read_data("dig_edns1.bin");
  QueryParse query = parse_query(packet);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query.edns.version, 1);
  EXPECT_EQ(query.qtype, RRType::kTXT);
}

TEST(CapturedQuery, DigReverseLookup) {
  auto packet = read_data("dig_ptr.bin");
  QueryParse query = parse_query(packet);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query.qname.to_text(), "10.0.96.10.in-addr.arpa.");
  EXPECT_EQ(query.qtype, RRType::kPTR);
}

TEST(CapturedQuery, KdigAnyWithoutEdns) {
  auto packet = read_data("kdig_any.bin");
  QueryParse query = parse_query(packet);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query.qtype, RRType::kANY);
  EXPECT_FALSE(query.edns.present);
}

TEST(CapturedQuery, KdigLargePayloadWithNsidOption) {
  auto packet = read_data("kdig_payload4096_ns.bin");
  QueryParse query = parse_query(packet);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query.edns.udp_payload, 4096);
  EXPECT_FALSE(query.edns.has_cookie);
  EXPECT_EQ(query.edns.options.size(), 4u) << "an empty NSID option";
}

TEST(CapturedQuery, CaresPlainQueryHasRdAndNoEdns) {
  // c-ares 1.18 as the tests' pod resolver sends it (tests/dns/data/cares_a.bin).
  auto packet = read_data("cares_a.bin");
  QueryParse query = parse_query(packet);
  ASSERT_TRUE(query.ok()) << wire_error_name(query.error);
  EXPECT_TRUE(query.header.has(kFlagRD));
  EXPECT_EQ(query.qname.to_text(), "kubernetes.default.svc.cluster.local.");
  EXPECT_EQ(query.qtype, RRType::kA);
  EXPECT_FALSE(query.edns.present);
}

TEST(CapturedQuery, CaresEdnsSrvQueryAdvertises1280Bytes) {
  // c-ares with ARES_FLAG_EDNS: OPT with its default payload of 1280 and no options.
  auto packet = read_data("cares_edns_srv.bin");
  QueryParse query = parse_query(packet);
  ASSERT_TRUE(query.ok()) << wire_error_name(query.error);
  EXPECT_EQ(query.qname.to_text(), "_http._tcp.frontend.web.svc.cluster.local.");
  EXPECT_EQ(query.qtype, RRType::kSRV);
  EXPECT_TRUE(query.edns.present);
  EXPECT_EQ(query.edns.udp_payload, 1280);
  EXPECT_EQ(query.edns.options.size(), 0u);
}

TEST(CapturedQuery, EveryCapturedQueryAlsoParsesAsAMessage) {
  for (const char* file :
       {"dig_a.bin", "dig_noedns_aaaa.bin", "dig_dnssec_srv.bin", "dig_edns1.bin", "dig_ptr.bin",
        "kdig_any.bin", "kdig_payload4096_ns.bin", "cares_a.bin", "cares_edns_srv.bin"}) {
    auto packet = read_data(file);
    auto message = parse_message(packet);
    ASSERT_TRUE(message.ok()) << file << ": " << message.error().message;
    ASSERT_EQ(message->questions.size(), 1u) << file;
    EXPECT_EQ(message->questions[0].name, parse_query(packet).qname) << file;
  }
}

TEST(TruncatedQuery, EveryPrefixOfARealQueryIsRejected) {
  for (const char* file : {"dig_a.bin", "dig_noedns_aaaa.bin", "kdig_payload4096_ns.bin"}) {
    auto packet = read_data(file);
    for (size_t length = 0; length < packet.size(); ++length) {
      std::span<const uint8_t> prefix(packet.data(), length);
      QueryParse query = parse_query(prefix);
      EXPECT_FALSE(query.ok()) << file << " cut at " << length;
      if (length < kHeaderSize) {
        EXPECT_EQ(query.status, QueryStatus::kDrop) << file << " cut at " << length;
      } else {
        EXPECT_EQ(query.status, QueryStatus::kFormErr) << file << " cut at " << length;
        EXPECT_EQ(query.error, WireError::kTruncated) << file << " cut at " << length;
        EXPECT_EQ(query.header.id, (packet[0] << 8) | packet[1]);
      }
      EXPECT_FALSE(parse_message(prefix).ok()) << file << " cut at " << length;
    }
  }
}

TEST(TruncatedQuery, TrailingOctetsAfterTheLastRecordAreIgnored) {
  auto packet = read_data("dig_noedns_aaaa.bin");
  packet.push_back(0xFF);
  EXPECT_TRUE(parse_query(packet).ok());
}

PacketWriter query_packet(uint16_t qdcount, uint16_t arcount) {
  PacketWriter packet;
  packet.header(0x1234, kFlagRD, qdcount, 0, 0, arcount);
  return packet;
}

PacketWriter& opt(PacketWriter& packet, uint16_t payload, uint32_t ttl,
                  const std::vector<uint8_t>& options = {}) {
  packet.u8(0).u16(41).u16(payload).u32(ttl).u16(static_cast<uint16_t>(options.size()));
  for (uint8_t octet : options) packet.u8(octet);
  return packet;
}

TEST(QueryErrors, NoQuestionIsAFormErrWithHeader) {
  PacketWriter packet = query_packet(0, 0);
  QueryParse query = parse_query(packet.octets());
  EXPECT_EQ(query.status, QueryStatus::kFormErr);
  EXPECT_EQ(query.error, WireError::kBadQuestionCount);
  EXPECT_EQ(query.header.id, 0x1234);
  EXPECT_FALSE(query.has_question);
}

TEST(QueryErrors, AQuestionCutAfterItsNameIsNotReported) {
  PacketWriter packet = query_packet(1, 0);
  packet.name("a.example").u16(1);  // the class is missing
  QueryParse query = parse_query(packet.octets());
  EXPECT_EQ(query.status, QueryStatus::kFormErr);
  EXPECT_EQ(query.error, WireError::kTruncated);
  EXPECT_FALSE(query.has_question);
  EXPECT_TRUE(query.qname.is_root());
  EXPECT_TRUE(query.qname_lower.is_root());
}

TEST(QueryParse, KeepsTheQuestionCaseAndLowersItsCopy) {
  PacketWriter packet = query_packet(1, 0);
  packet.name("WwW.Example.ORG").u16(1).u16(1);
  QueryParse query = parse_query(packet.octets());
  ASSERT_TRUE(query.ok());
  EXPECT_TRUE(query.qname.exact_equal(name("WwW.Example.ORG.")));
  EXPECT_TRUE(query.qname_lower.exact_equal(name("www.example.org.")));
  EXPECT_EQ(query.question_offset, 12u);
  EXPECT_EQ(query.question_length, query.qname.size() + 4);
}

TEST(QueryErrors, TwoQuestionsAreAFormErrButEdnsIsStillRead) {
  PacketWriter packet = query_packet(2, 1);
  packet.name("a.example").u16(1).u16(1).name("b.example").u16(1).u16(1);
  opt(packet, 4096, 0x00008000);
  QueryParse query = parse_query(packet.octets());
  EXPECT_EQ(query.status, QueryStatus::kFormErr);
  EXPECT_EQ(query.error, WireError::kBadQuestionCount);
  EXPECT_TRUE(query.has_question);
  EXPECT_EQ(query.qname.to_text(), "a.example.");
  EXPECT_TRUE(query.edns.present);
  EXPECT_TRUE(query.edns.dnssec_ok());
}

TEST(QueryErrors, TwoOptRecordsAreAFormErr) {
  PacketWriter packet = query_packet(1, 2);
  packet.name("a.example").u16(1).u16(1);
  opt(packet, 1232, 0);
  opt(packet, 512, 0);
  QueryParse query = parse_query(packet.octets());
  EXPECT_EQ(query.status, QueryStatus::kFormErr);
  EXPECT_EQ(query.error, WireError::kDuplicateOpt);
  EXPECT_EQ(query.edns.opt_count, 2);
  EXPECT_EQ(query.edns.udp_payload, 1232) << "the first OPT is the one reported";
  EXPECT_EQ(parse_message_error(packet.octets()), WireError::kDuplicateOpt);
}

TEST(QueryErrors, OptOwnedByANonRootNameIsAFormErr) {
  PacketWriter packet = query_packet(1, 1);
  packet.name("a.example").u16(1).u16(1);
  packet.name("x").u16(41).u16(1232).u32(0).u16(0);
  QueryParse query = parse_query(packet.octets());
  EXPECT_EQ(query.status, QueryStatus::kFormErr);
  EXPECT_EQ(query.error, WireError::kBadOpt);
}

TEST(QueryErrors, OptOptionOverrunningItsRdataIsAFormErr) {
  PacketWriter packet = query_packet(1, 1);
  packet.name("a.example").u16(1).u16(1);
  opt(packet, 1232, 0, {0x00, 0x0A, 0x00, 0x09, 1, 2, 3, 4});  // cookie claims 9 octets
  EXPECT_EQ(parse_query(packet.octets()).error, WireError::kBadOpt);
}

TEST(QueryErrors, RecordsInOtherSectionsMustBeWellFormed) {
  PacketWriter packet;
  packet.header(1, 0, 1, 1, 0, 0);
  packet.name("a.example").u16(1).u16(1);
  packet.pointer(12).u16(1).u16(1).u32(60).u16(4).u8(10).u8(0);  // rdata cut short
  QueryParse query = parse_query(packet.octets());
  EXPECT_EQ(query.status, QueryStatus::kFormErr);
  EXPECT_EQ(query.error, WireError::kTruncated);
  EXPECT_TRUE(query.has_question) << "the question can still be echoed";
}

TEST(QueryErrors, CompressionErrorsInTheQuestionAreFormErrs) {
  PacketWriter self_pointer = query_packet(1, 0);
  self_pointer.pointer(12).u16(1).u16(1);
  EXPECT_EQ(parse_query(self_pointer.octets()).error, WireError::kPointerLoop);
  PacketWriter forward = query_packet(1, 0);
  forward.pointer(20).u16(1).u16(1).name("x");
  EXPECT_EQ(parse_query(forward.octets()).error, WireError::kForwardPointer);
  PacketWriter header_pointer = query_packet(1, 0);
  header_pointer.pointer(2).u16(1).u16(1);
  EXPECT_EQ(parse_query(header_pointer.octets()).error, WireError::kPointerIntoHeader)
      << "nothing lies before the first name but the header";
}

TEST(QueryErrors, HugeCountsInAShortPacketFailFast) {
  PacketWriter packet;
  packet.header(1, 0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF);
  packet.name("a").u16(1).u16(1);
  QueryParse query = parse_query(packet.octets());
  EXPECT_EQ(query.status, QueryStatus::kFormErr);
  EXPECT_EQ(query.error, WireError::kTruncated);
  EXPECT_FALSE(parse_message(packet.octets()).ok());
}

TEST(QueryEdns, ReadsPayloadVersionDoAndExtendedRcode) {
  PacketWriter packet = query_packet(1, 1);
  packet.name("a.example").u16(1).u16(1);
  opt(packet, 400, 0x01028000);  // ext rcode 1, version 2, DO
  QueryParse query = parse_query(packet.octets());
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query.edns.udp_payload, 400) << "reported as sent; the responder applies 512";
  EXPECT_EQ(query.edns.extended_rcode, 1);
  EXPECT_EQ(query.edns.version, 2);
  EXPECT_TRUE(query.edns.dnssec_ok());
}

TEST(QueryEdns, UnknownOptionsAreAccepted) {
  PacketWriter packet = query_packet(1, 1);
  packet.name("a.example").u16(1).u16(1);
  opt(packet, 1232, 0,
      {0xFD, 0xE9, 0x00, 0x02, 0xAA, 0xBB, 0x00, 0x0A, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8});
  QueryParse query = parse_query(packet.octets());
  ASSERT_TRUE(query.ok());
  EXPECT_TRUE(query.edns.has_cookie);
}

TEST(QueryEdns, OtherAdditionalRecordsAreSkipped) {
  PacketWriter packet = query_packet(1, 2);
  packet.name("a.example").u16(1).u16(1);
  packet.pointer(12).u16(1).u16(1).u32(5).u16(4).u32(0x0A000001);
  opt(packet, 1232, 0);
  QueryParse query = parse_query(packet.octets());
  ASSERT_TRUE(query.ok());
  EXPECT_TRUE(query.edns.present);
}

TEST(Message, DecompressesNamesInsideRdata) {
  PacketWriter packet;
  packet.header(7, kFlagQR | kFlagAA, 1, 3, 1, 0);
  packet.name("web.default.svc.cluster.local").u16(33).u16(1);  // at 12
  // SRV with a compressed target (tolerated on input), CNAME, MX.
  packet.pointer(12).u16(33).u16(1).u32(5).u16(6 + 2).u16(0).u16(100).u16(80).pointer(12);
  packet.pointer(12).u16(5).u16(1).u32(5).u16(4).label("x").pointer(16);
  packet.pointer(12).u16(15).u16(1).u32(5).u16(2 + 2).u16(10).pointer(16);
  // SOA in authority: mname "ns.dns" + pointer to "cluster.local", rname pointer.
  size_t zone = 12 + 1 + 3 + 1 + 7 + 1 + 3;  // "cluster.local" inside the question
  packet.pointer(static_cast<uint16_t>(zone)).u16(6).u16(1).u32(5).u16(3 + 4 + 2 + 2 + 20);
  packet.label("ns")
      .label("dns")
      .pointer(static_cast<uint16_t>(zone))
      .pointer(static_cast<uint16_t>(zone));
  packet.u32(1).u32(7200).u32(1800).u32(86400).u32(5);
  auto message = parse_message(packet.octets());
  ASSERT_TRUE(message.ok()) << message.error().message;
  ASSERT_EQ(message->answers.size(), 3u);
  EXPECT_EQ(rdata_to_text(RRType::kSRV, message->answers[0].rdata),
            "0 100 80 web.default.svc.cluster.local.");
  EXPECT_EQ(rdata_to_text(RRType::kCNAME, message->answers[1].rdata),
            "x.default.svc.cluster.local.");
  EXPECT_EQ(rdata_to_text(RRType::kMX, message->answers[2].rdata), "10 default.svc.cluster.local.");
  ASSERT_EQ(message->authority.size(), 1u);
  EXPECT_EQ(message->authority[0].owner.to_text(), "cluster.local.");
  EXPECT_EQ(rdata_to_text(RRType::kSOA, message->authority[0].rdata),
            "ns.dns.cluster.local. cluster.local. 1 7200 1800 86400 5");
}

TEST(Message, RejectsRdataLongerOrShorterThanItsNames) {
  PacketWriter packet;
  packet.header(7, kFlagQR, 0, 1, 0, 0);
  packet.name("a").u16(5).u16(1).u32(5).u16(5).name("b").u16(0);  // 3 octets name + 2 extra
  EXPECT_EQ(parse_message_error(packet.octets()), WireError::kBadRdata);
  PacketWriter short_a;
  short_a.header(7, kFlagQR, 0, 1, 0, 0);
  short_a.name("a").u16(1).u16(1).u32(5).u16(3).u8(1).u8(2).u8(3);
  EXPECT_EQ(parse_message_error(short_a.octets()), WireError::kBadRdata);
}

TEST(Message, ReportsTheExtendedRcode) {
  PacketWriter packet;
  packet.header(7, kFlagQR, 0, 0, 0, 1);
  opt(packet, 1232, 0x01000000);
  auto message = parse_message(packet.octets());
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->rcode(), 16);
  ASSERT_NE(message->opt(), nullptr);
  EXPECT_EQ(message->opt()->klass, 1232);
}

TEST(Message, ErrorsNameTheFaultAndOffset) {
  PacketWriter packet;
  packet.header(7, 0, 1, 0, 0, 0);
  packet.pointer(12).u16(1).u16(1);
  auto message = parse_message(packet.octets());
  ASSERT_FALSE(message.ok());
  EXPECT_EQ(message.error().message, "compression pointer loop at offset 12");
  EXPECT_FALSE(parse_message(bytes({1, 2, 3})).ok());
}

}  // namespace
}  // namespace clusterdns::dns
