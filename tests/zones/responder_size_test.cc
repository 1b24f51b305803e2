// Message size rules (DESIGN.md §1, RFC 2181 §9, RFC 6891 §6.2.5): UDP answers fit in
// min(client payload, 1232), 512 without EDNS; additional records go first without
// TC; TC only when the answer does not fit, and then only whole RRsets; TCP to 65535.

#include <gtest/gtest.h>

#include "tests/zones/responder_test_util.h"

namespace clusterdns::zones::testing {
namespace {

constexpr uint16_t kA = 1, kCNAME = 5, kSRV = 33;

std::string endpoint_ip(int i) {
  return "10.244." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
}

std::string endpoint_name(int i) {
  return "10-244-" + std::to_string(i / 250) + "-" + std::to_string(i % 250 + 1) +
         ".big.default.svc.cluster.local.";
}

// A headless service with `count` endpoints, an SRV per endpoint, and an alias to it.
std::vector<Record> headless(int count) {
  std::vector<Record> records = apex_records();
  for (int i = 0; i < count; ++i) {
    records.push_back(address("big.default.svc.cluster.local.", endpoint_ip(i).c_str()));
    records.push_back(address(endpoint_name(i), endpoint_ip(i).c_str()));
    records.push_back(srv("_p._tcp.big.default.svc.cluster.local.",
                          static_cast<uint16_t>(100 / count), 80, endpoint_name(i)));
  }
  records.push_back(
      name_record("alias.default.svc.cluster.local.", kCNAME, "big.default.svc.cluster.local."));
  return records;
}

TEST(Truncation, HundredEndpointsOverUdpWithoutEdnsSetTcAndFit512) {
  const auto records = headless(100);
  const auto snapshot = build_snapshot(records, RecordOptions{});
  const auto response = ask_raw(*snapshot, "big.default.svc.cluster.local", kA, std::nullopt);
  EXPECT_LE(response.size(), 512u);
  const auto message = parse(response);
  EXPECT_TRUE(message.header.has(dns::kFlagTC));
  EXPECT_TRUE(message.header.has(dns::kFlagAA));
  // The one A RRset does not fit whole, so none of it is sent.
  EXPECT_TRUE(message.answers.empty());
  ASSERT_EQ(message.questions.size(), 1u);
}

TEST(Truncation, AnswerKeepsTheWholeRRsetsThatFit) {
  const auto records = headless(100);
  const auto snapshot = build_snapshot(records, RecordOptions{});
  const auto response = ask_raw(*snapshot, "alias.default.svc.cluster.local", kA, std::nullopt);
  EXPECT_LE(response.size(), 512u);
  const auto message = parse(response);
  EXPECT_TRUE(message.header.has(dns::kFlagTC));
  ASSERT_EQ(message.answers.size(), 1u) << "the CNAME RRset fits, the A RRset does not";
  EXPECT_EQ(message.answers[0].type, dns::RRType::kCNAME);
}

TEST(Truncation, EdnsPayloadIsCappedAt1232) {
  const auto records = headless(100);
  const auto snapshot = build_snapshot(records, RecordOptions{});
  const auto response = ask_raw(*snapshot, "big.default.svc.cluster.local", kA, 4096);
  EXPECT_LE(response.size(), 1232u);
  const auto message = parse(response);
  EXPECT_TRUE(message.header.has(dns::kFlagTC));
  EXPECT_NE(message.opt(), nullptr) << "the OPT record survives truncation";
}

TEST(Truncation, SixtyEndpointsFitWithEdnsButNotWithout) {
  const auto records = headless(60);
  const auto snapshot = build_snapshot(records, RecordOptions{});
  const auto with_edns = parse(ask_raw(*snapshot, "big.default.svc.cluster.local", kA, 1232));
  EXPECT_FALSE(with_edns.header.has(dns::kFlagTC));
  EXPECT_EQ(with_edns.answers.size(), 60u);
  const auto without = parse(ask_raw(*snapshot, "big.default.svc.cluster.local", kA, std::nullopt));
  EXPECT_TRUE(without.header.has(dns::kFlagTC));
}

TEST(Truncation, ClientPayloadBelow512CountsAs512) {
  const auto records = headless(20);  // 20 A records: about 380 octets
  const auto snapshot = build_snapshot(records, RecordOptions{});
  const auto response = ask_raw(*snapshot, "big.default.svc.cluster.local", kA, 100);
  EXPECT_GT(response.size(), 100u);
  const auto message = parse(response);
  EXPECT_FALSE(message.header.has(dns::kFlagTC));
  EXPECT_EQ(message.answers.size(), 20u);
}

TEST(Truncation, TcpCarriesTheWholeAnswer) {
  const auto records = headless(100);
  const auto snapshot = build_snapshot(records, RecordOptions{});
  const auto message = parse(
      ask_raw(*snapshot, "big.default.svc.cluster.local", kA, std::nullopt, dns::Transport::kTcp));
  EXPECT_FALSE(message.header.has(dns::kFlagTC));
  EXPECT_EQ(message.answers.size(), 100u);
}

TEST(Truncation, AnAnswerLongerThanAnyMessageGetsTcEvenOverTcp) {
  // 5,000 addresses: 80,000 octets, more than a TCP message can carry (65,535).
  const auto records = headless(5000);
  const auto snapshot = build_snapshot(records, RecordOptions{});
  const auto direct = parse(
      ask_raw(*snapshot, "big.default.svc.cluster.local", kA, std::nullopt, dns::Transport::kTcp));
  EXPECT_TRUE(direct.header.has(dns::kFlagTC));
  EXPECT_TRUE(direct.answers.empty());

  const auto alias = parse(ask_raw(*snapshot, "alias.default.svc.cluster.local", kA, std::nullopt,
                                   dns::Transport::kTcp));
  EXPECT_TRUE(alias.header.has(dns::kFlagTC));
  ASSERT_EQ(alias.answers.size(), 1u) << "the CNAME RRset fits, the A RRset never does";
  EXPECT_EQ(alias.answers[0].type, dns::RRType::kCNAME);
}

TEST(Truncation, AdditionalRecordsAreDroppedFirstWithoutTc) {
  const auto records = headless(7);
  const auto snapshot = build_snapshot(records, RecordOptions{});
  const auto udp = ask_raw(*snapshot, "_p._tcp.big.default.svc.cluster.local", kSRV, std::nullopt);
  EXPECT_LE(udp.size(), 512u);
  const auto message = parse(udp);
  EXPECT_FALSE(message.header.has(dns::kFlagTC));
  EXPECT_EQ(message.answers.size(), 7u);
  EXPECT_LT(message.additional.size(), 7u);

  const auto tcp = parse(ask_raw(*snapshot, "_p._tcp.big.default.svc.cluster.local", kSRV,
                                 std::nullopt, dns::Transport::kTcp));
  EXPECT_EQ(tcp.answers.size(), 7u);
  EXPECT_EQ(tcp.additional.size(), 7u);
}

TEST(Truncation, ResponsesNeverExceedTheCallersBuffer) {
  const auto records = headless(100);
  const auto snapshot = build_snapshot(records, RecordOptions{});
  QuerySpec spec;
  spec.name = "big.default.svc.cluster.local";
  const auto packet = query(spec);
  std::vector<uint8_t> small(100);
  dns::ClientInfo client;
  client.transport = dns::Transport::kTcp;
  const size_t size = Responder::answer(packet, small, client, snapshot.get());
  ASSERT_GT(size, 0u);
  EXPECT_LE(size, small.size());
  small.resize(size);
  EXPECT_TRUE(parse(small).header.has(dns::kFlagTC));
}

}  // namespace
}  // namespace clusterdns::zones::testing
