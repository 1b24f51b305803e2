// libFuzzer target for the wire codec: every input goes through the serving path's
// parse_query and the general parse_message; what parses is re-encoded with the
// MessageBuilder and must parse back to the same records, and every record's
// presentation text must read back to the same RDATA.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>

#include "dns/wire/builder.h"
#include "dns/wire/message.h"
#include "dns/wire/rdata.h"

namespace {

using namespace clusterdns::dns;

#define FUZZ_CHECK(condition)                                                             \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "check failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__); \
      __builtin_trap();                                                                   \
    }                                                                                     \
  } while (0)

void check_query(std::span<const uint8_t> packet) {
  QueryParse query = parse_query(packet);
  FUZZ_CHECK((query.status == QueryStatus::kDrop) == (packet.size() < kHeaderSize));
  if (query.ok()) FUZZ_CHECK(query.has_question && query.header.qdcount == 1);
  if (query.has_question) {
    FUZZ_CHECK(query.question_offset + query.question_length <= packet.size());
    FUZZ_CHECK(query.qname == query.qname_lower);
    FUZZ_CHECK(query.question_length == query.qname.size() + 4 ||
               query.question_length < query.qname.size() + 4);  // compressed qname
  }
  if (query.edns.present) FUZZ_CHECK(query.edns.opt_count >= 1);
}

// Names compare case-insensitively, and compression may borrow an earlier name's case,
// so RDATA holding names is compared folded.
bool same_rdata(RRType type, std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  bool fold = rdata_names(type) != RdataNames::kNone;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((fold ? fold_ascii(a[i]) : a[i]) != (fold ? fold_ascii(b[i]) : b[i])) return false;
  }
  return true;
}

bool same_records(const std::vector<ResourceRecord>& a, const std::vector<ResourceRecord>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i].owner == b[i].owner) || a[i].type != b[i].type || a[i].klass != b[i].klass ||
        a[i].ttl != b[i].ttl || !same_rdata(a[i].type, a[i].rdata, b[i].rdata)) {
      return false;
    }
  }
  return true;
}

void check_text(const ResourceRecord& record) {
  auto owner = Name::from_text(record.owner.to_text());
  FUZZ_CHECK(owner.ok() && owner->exact_equal(record.owner));
  auto rdata = rdata_from_text(record.type, rdata_to_text(record.type, record.rdata));
  FUZZ_CHECK(rdata.ok() && *rdata == record.rdata);
}

std::array<uint8_t, kMaxTcpMessage> g_buffer;

void check_reencode(const Message& message) {
  MessageBuilder builder(g_buffer);
  builder.header() = message.header;
  for (const Question& question : message.questions) {
    FUZZ_CHECK(builder.add_question(question.name, question.type, question.klass));
  }
  const std::pair<Section, const std::vector<ResourceRecord>*> sections[] = {
      {Section::kAnswer, &message.answers},
      {Section::kAuthority, &message.authority},
      {Section::kAdditional, &message.additional}};
  for (const auto& [section, records] : sections) {
    for (const ResourceRecord& record : *records) {
      FUZZ_CHECK(builder.add_record(section, record.owner, record.type, record.klass, record.ttl,
                                    record.rdata));
      check_text(record);
    }
  }
  auto again = parse_message(builder.finish());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->questions.size() == message.questions.size());
  for (size_t i = 0; i < message.questions.size(); ++i) {
    FUZZ_CHECK(again->questions[i].name == message.questions[i].name);
  }
  FUZZ_CHECK(same_records(again->answers, message.answers));
  FUZZ_CHECK(same_records(again->authority, message.authority));
  FUZZ_CHECK(same_records(again->additional, message.additional));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> packet(data, size);
  check_query(packet);
  auto message = parse_message(packet);
  if (message.ok()) check_reencode(*message);
  return 0;
}
