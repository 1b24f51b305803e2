// The protocol rules of DESIGN.md §1: header flags, opcodes, classes, EDNS, transfers
// and malformed packets, asked through the responder with hand-written packets.

#include <gtest/gtest.h>

#include <random>

#include "tests/zones/responder_test_util.h"
#include "zones/snapshot_publisher.h"

namespace clusterdns::zones::testing {
namespace {

constexpr uint16_t kA = 1, kTXT = 16, kAXFR = 252, kIXFR = 251;

class Protocol : public ::testing::Test {
 protected:
  Protocol() {
    std::vector<Record> records = apex_records();
    records.push_back(address("web.default.svc.cluster.local.", "10.96.1.1"));
    records_ = std::move(records);
    snapshot_ = build_snapshot(records_, RecordOptions{});
  }
  std::vector<uint8_t> send(const std::vector<uint8_t>& packet,
                            dns::Transport transport = dns::Transport::kUdp) {
    return respond(snapshot_.get(), packet, transport);
  }
  dns::Message send_spec(const QuerySpec& spec, dns::Transport transport = dns::Transport::kUdp) {
    return parse(send(query(spec), transport));
  }
  // A well-formed query still gets its answer (the responder kept working).
  void expect_still_answers() {
    const auto message = send_spec(QuerySpec{});
    EXPECT_EQ(rcode(message), 0);
    EXPECT_EQ(message.answers.size(), 1u);
  }
  std::vector<Record> records_;
  std::unique_ptr<const Snapshot> snapshot_;
};

TEST_F(Protocol, IdIsEchoedAndRdCopiedAndRaClear) {
  QuerySpec spec;
  spec.id = 0xbeef;
  auto message = send_spec(spec);
  EXPECT_EQ(message.header.id, 0xbeef);
  EXPECT_TRUE(message.header.has(dns::kFlagRD));
  EXPECT_FALSE(message.header.has(dns::kFlagRA));
  spec.flags = 0;
  message = send_spec(spec);
  EXPECT_FALSE(message.header.has(dns::kFlagRD));
}

TEST_F(Protocol, PacketsWithQrSetAreDropped) {
  QuerySpec spec;
  spec.flags = 0x8100;
  EXPECT_TRUE(send(query(spec)).empty());
  expect_still_answers();
}

TEST_F(Protocol, PacketShorterThanAHeaderIsDropped) {
  for (size_t size = 0; size < 12; ++size) {
    EXPECT_TRUE(send(std::vector<uint8_t>(size, 0)).empty()) << size;
  }
  expect_still_answers();
}

TEST_F(Protocol, OpcodeOtherThanQueryIsNotimp) {
  for (uint16_t opcode : {1, 2, 4, 5, 15}) {
    QuerySpec spec;
    spec.flags = static_cast<uint16_t>(0x0100 | (opcode << 11));
    const auto message = send_spec(spec);
    EXPECT_EQ(rcode(message), 4) << opcode;
    EXPECT_EQ(message.header.opcode(), opcode);
    EXPECT_TRUE(message.header.has(dns::kFlagQR));
    EXPECT_FALSE(message.header.has(dns::kFlagAA));
  }
}

TEST_F(Protocol, QdcountZeroIsFormerrWithoutQuestion) {
  Packet packet;
  packet.header(7, 0x0100, 0, 0, 0, 0);
  const auto message = parse(send(packet.bytes));
  EXPECT_EQ(message.header.id, 7);
  EXPECT_EQ(rcode(message), 1);
  EXPECT_TRUE(message.questions.empty());
}

TEST_F(Protocol, QdcountTwoIsFormerr) {
  Packet packet;
  packet.header(7, 0x0100, 2, 0, 0, 0);
  packet.name("web.default.svc.cluster.local").u16(kA).u16(1);
  packet.name("web.default.svc.cluster.local").u16(kA).u16(1);
  const auto message = parse(send(packet.bytes));
  EXPECT_EQ(rcode(message), 1);
  EXPECT_TRUE(message.questions.empty());
  expect_still_answers();
}

TEST_F(Protocol, PointerLoopInQuestionIsFormerr) {
  Packet packet;
  packet.header(9, 0x0100, 1, 0, 0, 0);
  packet.u8(0xc0).u8(12).u16(kA).u16(1);  // the name points at itself
  const auto message = parse(send(packet.bytes));
  EXPECT_EQ(message.header.id, 9);
  EXPECT_EQ(rcode(message), 1);
  EXPECT_TRUE(message.questions.empty());
  expect_still_answers();
}

TEST_F(Protocol, LabelLongerThan63IsFormerr) {
  Packet packet;
  packet.header(9, 0x0100, 1, 0, 0, 0);
  packet.u8(64);
  packet.bytes.insert(packet.bytes.end(), 64, 'a');
  packet.u8(0).u16(kA).u16(1);
  EXPECT_EQ(rcode(parse(send(packet.bytes))), 1);
  expect_still_answers();
}

TEST_F(Protocol, TruncatedQuestionIsFormerr) {
  auto packet = query(QuerySpec{});
  packet.resize(packet.size() - 3);
  const auto message = parse(send(packet));
  EXPECT_EQ(rcode(message), 1);
  EXPECT_EQ(message.header.id, 0x1234);
  expect_still_answers();
}

TEST_F(Protocol, RandomGarbageNeverCrashesAndGetsFormerrOrSilence) {
  std::mt19937 random(20240607);
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> packet(random() % 80);
    for (auto& octet : packet) octet = static_cast<uint8_t>(random());
    const auto response = send(packet);
    if (response.empty()) continue;
    ASSERT_GE(response.size(), 12u);
    EXPECT_TRUE(response[2] & 0x80) << "responses always carry QR";
  }
  expect_still_answers();
}

TEST_F(Protocol, ClassOtherThanInIsRefused) {
  for (uint16_t klass : {3, 4, 254, 255}) {
    QuerySpec spec;
    spec.klass = klass;
    const auto message = send_spec(spec);
    EXPECT_EQ(rcode(message), 5) << klass;
    ASSERT_EQ(message.questions.size(), 1u);
    EXPECT_EQ(message.questions[0].klass, klass);
  }
}

TEST_F(Protocol, ZoneTransferOverUdpIsFormerrAndOverTcpRefused) {
  for (uint16_t type : {kAXFR, kIXFR}) {
    QuerySpec spec;
    spec.name = "cluster.local";
    spec.type = type;
    EXPECT_EQ(rcode(send_spec(spec, dns::Transport::kUdp)), 1) << type;
    EXPECT_EQ(rcode(send_spec(spec, dns::Transport::kTcp)), 5) << type;
  }
}

TEST_F(Protocol, EdnsIsEchoedWithVersion0AndOurPayloadSize) {
  QuerySpec spec;
  spec.edns_payload = 4096;
  const auto message = send_spec(spec);
  const auto* opt = message.opt();
  ASSERT_NE(opt, nullptr);
  EXPECT_EQ(opt->klass, 1232);
  EXPECT_EQ((opt->ttl >> 16) & 0xff, 0u) << "version";
  EXPECT_EQ(opt->ttl & 0x8000, 0u) << "DO not set by the client";
  EXPECT_TRUE(opt->rdata.empty());
  EXPECT_EQ(rcode(message), 0);
}

TEST_F(Protocol, NoEdnsInQueryMeansNoOptInResponse) {
  EXPECT_EQ(send_spec(QuerySpec{}).opt(), nullptr);
}

TEST_F(Protocol, DnssecOkBitIsCopied) {
  QuerySpec spec;
  spec.edns_payload = 1232;
  spec.dnssec_ok = true;
  const auto message = send_spec(spec);
  ASSERT_NE(message.opt(), nullptr);
  EXPECT_EQ(message.opt()->ttl & 0x8000, 0x8000u);
}

TEST_F(Protocol, EdnsVersionAboveZeroIsBadvers) {
  QuerySpec spec;
  spec.edns_payload = 1232;
  spec.edns_version = 1;
  const auto response = send(query(spec));
  const auto message = parse(response);
  EXPECT_EQ(message.header.rcode(), 0);
  EXPECT_EQ(rcode(message), 16);
  ASSERT_NE(message.opt(), nullptr);
  EXPECT_EQ((message.opt()->ttl >> 16) & 0xff, 0u) << "we speak version 0";
  EXPECT_TRUE(message.answers.empty());
}

TEST_F(Protocol, TwoOptRecordsAreFormerr) {
  Packet packet;
  packet.header(3, 0x0100, 1, 0, 0, 2);
  packet.name("web.default.svc.cluster.local").u16(kA).u16(1);
  packet.opt(1232, 0, false).opt(1232, 0, false);
  const auto message = parse(send(packet.bytes));
  EXPECT_EQ(rcode(message), 1);
  EXPECT_EQ(message.opt(), nullptr);
}

TEST_F(Protocol, UnknownEdnsOptionsAreIgnoredAndNotEchoed) {
  QuerySpec spec;
  spec.edns_payload = 1232;
  spec.edns_options = {0xfd, 0xe9, 0, 2, 0xab, 0xcd};  // option 65001, 2 octets
  const auto message = send_spec(spec);
  EXPECT_EQ(rcode(message), 0);
  EXPECT_EQ(message.answers.size(), 1u);
  ASSERT_NE(message.opt(), nullptr);
  EXPECT_TRUE(message.opt()->rdata.empty());
}

TEST_F(Protocol, NoSnapshotYetIsServfail) {
  const auto message = parse(respond(nullptr, query(QuerySpec{})));
  EXPECT_EQ(rcode(message), 2);
}

TEST(ResponderHandle, AnswersFromTheLatestPublishedSnapshot) {
  SnapshotPublisher publisher;
  Responder responder(publisher);
  std::vector<uint8_t> buffer(65535);
  const auto packet = query("dns-version.cluster.local", kTXT);
  dns::ClientInfo client;

  buffer.resize(responder.handle(packet, buffer, client));
  EXPECT_EQ(rcode(parse(buffer)), 2) << "nothing published yet";

  std::vector<Record> first = {txt("dns-version.cluster.local.", "first")};
  publisher.publish(build_snapshot(first, RecordOptions{}));
  buffer.resize(65535);
  buffer.resize(responder.handle(packet, buffer, client));
  EXPECT_EQ(rdata_texts(parse(buffer).answers), std::vector<std::string>{"\"first\""});

  std::vector<Record> second = {txt("dns-version.cluster.local.", "second")};
  publisher.publish(build_snapshot(second, RecordOptions{}));
  buffer.resize(65535);
  buffer.resize(responder.handle(packet, buffer, client));
  EXPECT_EQ(rdata_texts(parse(buffer).answers), std::vector<std::string>{"\"second\""});
  // The first snapshot is no longer announced by this thread: it is freed.
  EXPECT_EQ(publisher.reclaim(), 0u);
}

}  // namespace
}  // namespace clusterdns::zones::testing
