// Answers stored as pieces of other answers (zones/answer_pieces.h): the splitting
// itself, then a Service's bare-name SRV answer as the responder sends it; and PTR
// answers that name their target by its name record (zones/snapshot_chunk.h).

#include "zones/answer_pieces.h"

#include <gtest/gtest.h>

#include "tests/zones/responder_test_util.h"
#include "zones/answer_encoder.h"

namespace clusterdns::zones::testing {
namespace {

constexpr uint16_t kPTR = 12, kSRV = 33;

// One record owned by the question (pointer to offset 12) with `rdata` octets.
std::vector<uint8_t> record(uint8_t fill, uint8_t rdata) {
  std::vector<uint8_t> octets(12 + size_t{rdata}, fill);
  const uint8_t fixed[] = {0xc0, 0x0c, 0, 33, 0, 1, 0, 0, 0, 5, 0, rdata};
  std::copy(std::begin(fixed), std::end(fixed), octets.begin());
  return octets;
}

std::vector<uint8_t> joined(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> octets;
  for (const auto& part : parts) octets.insert(octets.end(), part.begin(), part.end());
  return octets;
}

// An arena as a chunk fills it: each section remembered where it was appended.
struct Arena {
  uint32_t store(const std::vector<uint8_t>& section) {
    const auto offset = static_cast<uint32_t>(octets.size());
    octets.insert(octets.end(), section.begin(), section.end());
    stored.remember({offset, static_cast<uint32_t>(section.size())}, section);
    return offset;
  }
  std::vector<uint8_t> octets;
  StoredAnswers stored;
};

TEST(RecordLength, WalksOwnerFixedFieldsAndRdata) {
  const auto compressed = record('a', 6);
  EXPECT_EQ(record_length(compressed, 0), compressed.size());
  // An owner written out in labels: 3 "www" 0.
  std::vector<uint8_t> spelled = {3, 'w', 'w', 'w', 0, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 1, 2, 3, 4};
  EXPECT_EQ(record_length(spelled, 0), spelled.size());
  // The section ends inside the RDATA.
  spelled.pop_back();
  EXPECT_EQ(record_length(spelled, 0), 0u);
}

TEST(StoredAnswers, SplitsIntoRememberedSectionsInOrder) {
  Arena arena;
  const auto first = joined({record('a', 6), record('b', 6)});
  const auto second = joined({record('c', 9)});
  const uint32_t first_at = arena.store(first);
  const uint32_t second_at = arena.store(second);

  std::vector<AnswerPiece> pieces;
  ASSERT_TRUE(arena.stored.split(joined({first, second}), 8, pieces));
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].offset, first_at);
  EXPECT_EQ(pieces[0].length, first.size());
  EXPECT_EQ(pieces[1].offset, second_at);
  EXPECT_EQ(pieces[1].length, second.size());

  // The other order, and a section stored whole, work too.
  ASSERT_TRUE(arena.stored.split(joined({second, first}), 8, pieces));
  EXPECT_EQ(pieces[0].offset, second_at);
  ASSERT_TRUE(arena.stored.split(first, 8, pieces));
  ASSERT_EQ(pieces.size(), 1u);
}

TEST(StoredAnswers, GivesBackTheStoredFormItWasTold) {
  // An answer stored in another form (an SRV template) is found by its octets.
  StoredAnswers stored;
  const auto section = joined({record('a', 6)});
  const AnswerPiece as_template{40, 22 | AnswerPiece::kTemplatePiece};
  stored.remember(as_template, section);
  std::vector<AnswerPiece> pieces;
  ASSERT_TRUE(stored.split(joined({section, section}), 8, pieces));
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[1].offset, 40u);
  EXPECT_EQ(pieces[1].length, as_template.length);
}

TEST(StoredAnswers, RefusesWhatIsNotMadeOfStoredSections) {
  Arena arena;
  const auto first = joined({record('a', 6), record('b', 6)});
  arena.store(first);
  std::vector<AnswerPiece> pieces;
  // A record nobody stored.
  EXPECT_FALSE(arena.stored.split(joined({first, record('z', 6)}), 8, pieces));
  // Only part of a stored section: pieces are whole stored sections.
  EXPECT_FALSE(arena.stored.split(record('a', 6), 8, pieces));
  // More pieces than allowed.
  EXPECT_FALSE(arena.stored.split(joined({first, first, first}), 2, pieces));
  // Forgotten after clear().
  arena.stored.clear();
  EXPECT_FALSE(arena.stored.split(first, 8, pieces));
}

std::string endpoint_name(int i) {
  return "10-244-0-" + std::to_string(i + 1) + ".db.default.svc.cluster.local.";
}

// A headless Service with two ports and `count` endpoints, as build_records writes it:
// the bare name's SRV records ordered by port, then target.
std::vector<Record> two_port_headless(int count) {
  std::vector<Record> records = apex_records();
  const auto weight = static_cast<uint16_t>(100 / count);
  const std::pair<const char*, uint16_t> ports[] = {
      {"_pg._tcp.db.default.svc.cluster.local.", 5432},
      {"_metrics._tcp.db.default.svc.cluster.local.", 9090}};
  for (int i = 0; i < count; ++i) {
    const std::string ip = "10.244.0." + std::to_string(i + 1);
    records.push_back(address("db.default.svc.cluster.local.", ip.c_str()));
    records.push_back(address(endpoint_name(i), ip.c_str()));
  }
  for (const auto& [owner, port] : ports) {
    for (int i = 0; i < count; ++i) {
      records.push_back(srv(owner, weight, port, endpoint_name(i)));
      records.push_back(srv("db.default.svc.cluster.local.", weight, port, endpoint_name(i)));
    }
  }
  return records;
}

TEST(BareNameSrv, IsStoredAsItsPortsAnswersAndAnswersInFull) {
  const auto snapshot = build_snapshot(two_port_headless(3), RecordOptions{});
  const auto bare = name_to_wire("db.default.svc.cluster.local.");
  const LookupResult found = snapshot->lookup(bare, kSRV);
  ASSERT_EQ(found.kind, LookupKind::kAnswer);
  EXPECT_EQ(found.block->answer_pieces, 2);
  // Each port's answer names its targets by their records (an SRV template).
  const LookupResult port =
      snapshot->lookup(name_to_wire("_pg._tcp.db.default.svc.cluster.local."), kSRV);
  ASSERT_EQ(port.kind, LookupKind::kAnswer);
  EXPECT_EQ(port.block->answer_pieces, kSrvTemplate);
  const auto port_message = parse(ask_raw(*snapshot, "_pg._tcp.db.default.svc.cluster.local", kSRV,
                                          std::nullopt, dns::Transport::kUdp));
  EXPECT_EQ(
      rdata_texts(port_message.answers),
      (std::vector<std::string>{"0 33 5432 " + endpoint_name(0), "0 33 5432 " + endpoint_name(1),
                                "0 33 5432 " + endpoint_name(2)}));
  ASSERT_EQ(port_message.additional.size(), 3u);
  EXPECT_EQ(text(port_message.additional[2].owner), endpoint_name(2));

  const auto message = parse(
      ask_raw(*snapshot, "db.default.svc.cluster.local", kSRV, std::nullopt, dns::Transport::kUdp));
  EXPECT_FALSE(message.header.has(dns::kFlagTC));
  ASSERT_EQ(message.answers.size(), 6u);
  EXPECT_EQ(rdata_texts(message.answers)[0], "0 33 5432 " + endpoint_name(0));
  EXPECT_EQ(rdata_texts(message.answers)[3], "0 33 9090 " + endpoint_name(0));
  // Each target's address once, pointing at the target in the answer.
  ASSERT_EQ(message.additional.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(text(message.additional[i].owner), endpoint_name(i));
}

TEST(BareNameSrv, TruncatesAsOneRRsetAndTcpCarriesIt) {
  const auto snapshot = build_snapshot(two_port_headless(20), RecordOptions{});
  const auto udp = parse(
      ask_raw(*snapshot, "db.default.svc.cluster.local", kSRV, std::nullopt, dns::Transport::kUdp));
  EXPECT_TRUE(udp.header.has(dns::kFlagTC));
  EXPECT_TRUE(udp.answers.empty());

  const auto tcp = parse(
      ask_raw(*snapshot, "db.default.svc.cluster.local", kSRV, std::nullopt, dns::Transport::kTcp));
  EXPECT_FALSE(tcp.header.has(dns::kFlagTC));
  EXPECT_EQ(tcp.answers.size(), 40u);
  EXPECT_EQ(tcp.additional.size(), 20u);
}

TEST(NamedTarget, PtrToANameOfTheChunkIsWrittenFromItsRecord) {
  std::vector<Record> records = apex_records();
  records.push_back(address("web.default.svc.cluster.local.", "10.96.1.1"));
  // At another TTL than the snapshot's: not held in its name's record
  // (inline_answer_test.cc), so in a block that names its target.
  records.push_back(
      name_record("1.1.96.10.in-addr.arpa.", kPTR, "web.default.svc.cluster.local.", 30));
  // A target outside our zones has no record to name: stored whole.
  records.push_back(name_record("2.1.96.10.in-addr.arpa.", kPTR, "gateway.example.com."));
  const auto snapshot = build_snapshot(records, RecordOptions{});

  const LookupResult named = snapshot->lookup(name_to_wire("1.1.96.10.in-addr.arpa."), kPTR);
  ASSERT_EQ(named.kind, LookupKind::kAnswer);
  EXPECT_EQ(named.block->answer_pieces, kNamedTarget);
  const LookupResult whole = snapshot->lookup(name_to_wire("2.1.96.10.in-addr.arpa."), kPTR);
  ASSERT_EQ(whole.kind, LookupKind::kAnswer);
  EXPECT_EQ(whole.block->answer_pieces, 0);

  for (const auto& [question, target] :
       {std::pair{"1.1.96.10.in-addr.arpa", "web.default.svc.cluster.local."},
        std::pair{"2.1.96.10.in-addr.arpa", "gateway.example.com."}}) {
    const auto message = ask(*snapshot, question, kPTR);
    EXPECT_TRUE(message.header.has(dns::kFlagAA));
    EXPECT_EQ(rdata_texts(message.answers), std::vector<std::string>{target}) << question;
  }
}

}  // namespace
}  // namespace clusterdns::zones::testing
