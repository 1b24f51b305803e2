// Answers kept in compact forms (zones/snapshot_chunk.h): held in a name's record
// rather than in an answer block (InlineAnswer: one A record, or one PTR record naming
// a name of the chunk), SRV additional sections of A records kept as pointer and
// address (CompactAddress), and SRV templates (priority, weight, port and target id). What a client
// gets must not depend on how the answer is kept, so each case is checked on the wire, next to one
// the compact form cannot hold.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/zones/responder_test_util.h"
#include "zones/answer_encoder.h"

namespace clusterdns::zones::testing {
namespace {

constexpr uint16_t kA = 1, kPTR = 12, kAAAA = 28, kSRV = 33;

LookupKind kind_of(const Snapshot& snapshot, const std::string& name, uint16_t type) {
  return snapshot.lookup(name_to_wire(name), type).kind;
}

std::vector<uint8_t> ipv4(const char* text) {
  const auto address = ip(text);
  return {address.bytes.begin(), address.bytes.begin() + 4};
}

TEST(InlineAnswer, OneAddressAnswersFromTheNameRecord) {
  std::vector<Record> records = apex_records();
  records.push_back(address("web.default.svc.cluster.local.", "10.96.1.1"));
  records.push_back(
      srv("web.default.svc.cluster.local.", 100, 80, "web.default.svc.cluster.local."));
  const auto snapshot = build_snapshot(records, RecordOptions{});

  EXPECT_EQ(kind_of(*snapshot, "web.default.svc.cluster.local.", kA), LookupKind::kAddress);
  // The name's other type still has its block.
  EXPECT_EQ(kind_of(*snapshot, "web.default.svc.cluster.local.", kSRV), LookupKind::kAnswer);
  EXPECT_EQ(kind_of(*snapshot, "web.default.svc.cluster.local.", kAAAA), LookupKind::kNoData);

  const auto message = ask(*snapshot, "Web.Default.svc.cluster.local", kA);
  EXPECT_TRUE(message.header.has(dns::kFlagAA));
  ASSERT_EQ(message.answers.size(), 1u);
  EXPECT_EQ(text(message.answers[0].owner), "Web.Default.svc.cluster.local.");
  EXPECT_EQ(message.answers[0].ttl, 5u);
  EXPECT_EQ(message.answers[0].rdata, ipv4("10.96.1.1"));
  EXPECT_TRUE(message.additional.empty());

  const auto srv_answer = ask(*snapshot, "web.default.svc.cluster.local", kSRV);
  EXPECT_EQ(rdata_texts(srv_answer.answers),
            std::vector<std::string>{"0 100 80 web.default.svc.cluster.local."});
  // The SRV target's address, in additional, is the same record.
  ASSERT_EQ(srv_answer.additional.size(), 1u);
  EXPECT_EQ(srv_answer.additional[0].rdata, ipv4("10.96.1.1"));
}

TEST(InlineAnswer, WhatTheOwnedFormCannotSayKeepsItsBlock) {
  std::vector<Record> records = apex_records();
  // Another TTL than the snapshot's.
  records.push_back(address("slow.default.svc.cluster.local.", "10.96.1.2", 30));
  // Two records.
  records.push_back(address("db.default.svc.cluster.local.", "10.244.0.1"));
  records.push_back(address("db.default.svc.cluster.local.", "10.244.0.2"));
  const auto snapshot = build_snapshot(records, RecordOptions{});

  EXPECT_EQ(kind_of(*snapshot, "slow.default.svc.cluster.local.", kA), LookupKind::kAnswer);
  const auto slow = ask(*snapshot, "slow.default.svc.cluster.local", kA);
  ASSERT_EQ(slow.answers.size(), 1u);
  EXPECT_EQ(slow.answers[0].ttl, 30u);

  EXPECT_EQ(kind_of(*snapshot, "db.default.svc.cluster.local.", kA), LookupKind::kAnswer);
  EXPECT_EQ(ask(*snapshot, "db.default.svc.cluster.local", kA).answers.size(), 2u);
}

TEST(InlineAnswer, PtrNamesItsTargetWhereverTheTargetIsInTheChunk) {
  std::vector<Record> records = apex_records();
  // The reverse names come first: their targets' ids are only known later.
  records.push_back(name_record("1.1.96.10.in-addr.arpa.", kPTR, "web.default.svc.cluster.local."));
  records.push_back(name_record("2.1.96.10.in-addr.arpa.", kPTR, "gateway.example.com."));
  records.push_back(address("web.default.svc.cluster.local.", "10.96.1.1"));
  records.push_back(name_record("3.1.96.10.in-addr.arpa.", kPTR, "web.default.svc.cluster.local."));
  const auto snapshot = build_snapshot(records, RecordOptions{});

  for (const char* name : {"1.1.96.10.in-addr.arpa.", "3.1.96.10.in-addr.arpa."}) {
    const LookupResult found = snapshot->lookup(name_to_wire(name), kPTR);
    ASSERT_EQ(found.kind, LookupKind::kNamedPtr) << name;
    // "web.default.svc." in wire octets
    EXPECT_EQ(found.chunk->name_prefix(*found.target).size(), 16u) << name;
  }
  // A target outside our zones has no record to name: its answer is stored whole.
  EXPECT_EQ(kind_of(*snapshot, "2.1.96.10.in-addr.arpa.", kPTR), LookupKind::kAnswer);
  EXPECT_EQ(kind_of(*snapshot, "1.1.96.10.in-addr.arpa.", kA), LookupKind::kNoData);

  for (const auto& [question, target] :
       {std::pair{"1.1.96.10.IN-ADDR.arpa", "web.default.svc.cluster.local."},
        std::pair{"3.1.96.10.in-addr.arpa", "web.default.svc.cluster.local."},
        std::pair{"2.1.96.10.in-addr.arpa", "gateway.example.com."}}) {
    const auto message = ask(*snapshot, question, kPTR);
    EXPECT_TRUE(message.header.has(dns::kFlagAA)) << question;
    ASSERT_EQ(message.answers.size(), 1u) << question;
    EXPECT_EQ(text(message.answers[0].owner), std::string(question) + ".");
    EXPECT_EQ(message.answers[0].ttl, 5u);
    EXPECT_EQ(rdata_texts(message.answers), std::vector<std::string>{target}) << question;
  }
}

TEST(InlineAnswer, PtrThatDoesNotFitIsTruncated) {
  // A 255-octet target and a long question: 524 octets, more than 512 without EDNS.
  std::string target;
  for (int i = 0; i < 3; ++i) target += std::string(63, 'a' + i) + ".";
  target += std::string(61 - 14, 'd') + ".cluster.local.";
  std::string owner;
  for (int i = 0; i < 3; ++i) owner += std::string(60, 'u' + i) + ".";
  owner += std::string(40, 'x') + ".10.in-addr.arpa.";  // 241 octets
  std::vector<Record> records = apex_records();
  records.push_back(address(target, "10.96.1.1"));
  records.push_back(name_record(owner, kPTR, target));
  const auto snapshot = build_snapshot(records, RecordOptions{});
  ASSERT_EQ(kind_of(*snapshot, owner, kPTR), LookupKind::kNamedPtr);

  const auto udp = ask(*snapshot, owner, kPTR);
  EXPECT_TRUE(udp.header.has(dns::kFlagTC));
  EXPECT_TRUE(udp.answers.empty());
  const auto tcp = ask(*snapshot, owner, kPTR, dns::Transport::kTcp);
  EXPECT_FALSE(tcp.header.has(dns::kFlagTC));
  EXPECT_EQ(rdata_texts(tcp.answers), std::vector<std::string>{target});
}

std::string target(int i) {
  std::string name = "e";
  name += std::to_string(i);
  name += ".db.default.svc.cluster.local.";  // (not "e" + …: a false -Wrestrict in g++ 12)
  return name;
}

constexpr const char* kPortName = "_pg._tcp.db.default.svc.cluster.local.";

LookupResult port_answer(const Snapshot& snapshot) {
  return snapshot.lookup(name_to_wire(kPortName), kSRV);
}

// An SRV RRset of `count` records at kPortName, each target with one A record.
std::vector<Record> srv_with_targets(int count) {
  std::vector<Record> records = apex_records();
  for (int i = 0; i < count; ++i) {
    const std::string address_text = "10.244.0." + std::to_string(i + 1);
    records.push_back(address(target(i), address_text.c_str()));
    records.push_back(srv(kPortName, 10, 5432, target(i)));
  }
  return records;
}

TEST(CompactAdditional, TargetsAddressesPointAtTheTargetsInTheAnswer) {
  const auto snapshot = build_snapshot(srv_with_targets(3), RecordOptions{});
  const LookupResult found = port_answer(*snapshot);
  ASSERT_EQ(found.kind, LookupKind::kAnswer);
  EXPECT_TRUE(found.block->compact_additional);

  const auto response = ask_raw(*snapshot, kPortName, kSRV, std::nullopt, dns::Transport::kUdp);
  const auto message = parse(response);
  ASSERT_EQ(message.answers.size(), 3u);
  ASSERT_EQ(message.additional.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(text(message.additional[i].owner), target(i));
    EXPECT_EQ(message.additional[i].ttl, 5u);
    EXPECT_EQ(message.additional[i].rdata, ipv4(("10.244.0." + std::to_string(i + 1)).c_str()));
  }
  // Each owner is a pointer (two octets) to its target, spelled out in the answer.
  const std::string first = target(0);
  const auto spelled = name_to_wire(first);
  const auto at = std::search(response.begin(), response.end(), spelled.begin(), spelled.end());
  ASSERT_NE(at, response.end());
  const auto offset = static_cast<uint16_t>(at - response.begin());
  const size_t additional_start = response.size() - 3 * 16;
  EXPECT_EQ(response[additional_start], 0xc0 | (offset >> 8));
  EXPECT_EQ(response[additional_start + 1], offset & 0xff);
}

TEST(CompactAdditional, KeepsTheAddressesThatFitWithoutTruncating) {
  // 8 answers take 455 octets: 3 of the 8 additional records fit in 512.
  const auto snapshot = build_snapshot(srv_with_targets(8), RecordOptions{});
  const auto response = ask_raw(*snapshot, kPortName, kSRV, std::nullopt, dns::Transport::kUdp);
  EXPECT_LE(response.size(), 512u);
  const auto message = parse(response);
  EXPECT_FALSE(message.header.has(dns::kFlagTC));
  EXPECT_EQ(message.answers.size(), 8u);
  ASSERT_EQ(message.additional.size(), 3u);
  EXPECT_EQ(text(message.additional[2].owner), target(2));
  // With room, all of them.
  const auto large =
      parse(ask_raw(*snapshot, kPortName, kSRV, uint16_t{1232}, dns::Transport::kUdp));
  EXPECT_EQ(large.additional.size(), 8u + 1u);  // and our OPT record
}

TEST(CompactAdditional, OtherAddressRecordsAreSentAsTheyAre) {
  std::vector<Record> records = srv_with_targets(2);
  records.push_back(address(target(0), "fd00::1"));  // an AAAA record too
  records.back().ttl = 5;
  records.push_back(address(target(5), "10.244.0.6", 30));  // another TTL
  records.push_back(srv(kPortName, 10, 5432, target(5)));
  const auto snapshot = build_snapshot(records, RecordOptions{});
  const LookupResult found = port_answer(*snapshot);
  ASSERT_EQ(found.kind, LookupKind::kAnswer);
  EXPECT_FALSE(found.block->compact_additional);

  const auto message = ask(*snapshot, kPortName, kSRV);
  ASSERT_EQ(message.additional.size(), 4u);
  EXPECT_EQ(text(message.additional[0].owner), target(0));
  EXPECT_EQ(message.additional[0].type, dns::RRType::kA);
  EXPECT_EQ(text(message.additional[1].owner), target(0));
  EXPECT_EQ(message.additional[1].type, dns::RRType::kAAAA);
  EXPECT_EQ(text(message.additional[3].owner), target(5));
  EXPECT_EQ(message.additional[3].ttl, 30u);
}

TEST(SrvTemplate, KeepsPriorityWeightPortAndWritesTheRestPerTarget) {
  std::vector<Record> records = srv_with_targets(2);
  // Targets of different lengths: each record's RDLENGTH is its own.
  records.push_back(address("long-target-name.db.default.svc.cluster.local.", "10.244.0.9"));
  records.push_back(Record{kPortName, kSRV, 5,
                           SrvData{7, 3, 6543, "long-target-name.db.default.svc.cluster.local."}});
  const auto snapshot = build_snapshot(records, RecordOptions{});
  const LookupResult found = port_answer(*snapshot);
  ASSERT_EQ(found.kind, LookupKind::kAnswer);
  EXPECT_EQ(found.block->answer_pieces, kSrvTemplate);

  const auto message = ask(*snapshot, kPortName, kSRV);
  EXPECT_EQ(rdata_texts(message.answers),
            (std::vector<std::string>{"0 10 5432 " + target(0), "0 10 5432 " + target(1),
                                      "7 3 6543 long-target-name.db.default.svc.cluster.local."}));
  for (const auto& answer : message.answers) EXPECT_EQ(answer.ttl, 5u);
}

TEST(SrvTemplate, AnotherTtlIsSentAsItIs) {
  std::vector<Record> records = srv_with_targets(2);
  for (Record& record : records) {
    if (record.type == kSRV) record.ttl = 30;
  }
  const auto snapshot = build_snapshot(records, RecordOptions{});
  const LookupResult found = port_answer(*snapshot);
  ASSERT_EQ(found.kind, LookupKind::kAnswer);
  EXPECT_NE(found.block->answer_pieces, kSrvTemplate);
  const auto message = ask(*snapshot, kPortName, kSRV);
  ASSERT_EQ(message.answers.size(), 2u);
  for (const auto& answer : message.answers) EXPECT_EQ(answer.ttl, 30u);
  EXPECT_EQ(rdata_texts(message.answers)[1], "0 10 5432 " + target(1));
}

}  // namespace
}  // namespace clusterdns::zones::testing
