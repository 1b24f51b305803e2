#pragma once
// Parsing whole DNS messages. parse_query is the serving path's parser: it reads a
// query in place with no heap allocation and classifies what is wrong with it, so the
// responder can choose between FORMERR and silence. parse_message is the general,
// allocating parser for tests, tools and upstream answers.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dns/result.h"
#include "dns/wire/header.h"
#include "dns/wire/name.h"
#include "dns/wire/reader.h"
#include "dns/wire/types.h"

namespace clusterdns::dns {

// EDNS(0) as the client sent it (RFC 6891 §6.1.2-6.1.3).
struct EdnsInfo {
  bool present = false;
  uint8_t opt_count = 0;       // OPT records seen (more than 1 is a FORMERR)
  uint16_t udp_payload = 0;    // the requestor's payload size, as sent (CLASS field)
  uint8_t extended_rcode = 0;  // upper 8 bits of the 12-bit rcode
  uint8_t version = 0;
  uint16_t flags = 0;  // DO and Z bits
  bool dnssec_ok() const { return (flags & kEdnsFlagDO) != 0; }
  bool has_cookie = false;           // RFC 7873 option present (we ignore it)
  std::span<const uint8_t> options;  // raw option TLVs, a view into the packet
};

enum class QueryStatus : uint8_t {
  kOk,       // header, question and the rest parsed
  kDrop,     // not even a header: send nothing
  kFormErr,  // header readable, the rest malformed: answer FORMERR (see `error`)
};

// The outcome of parse_query. Views point into the packet; no member owns heap memory.
struct QueryParse {
  QueryStatus status = QueryStatus::kDrop;
  WireError error = WireError::kNone;
  Header header;

  // The first question. has_question is true when it was read in full, even if a
  // later section is malformed (a FORMERR may then echo it).
  bool has_question = false;
  Name qname;        // as it appeared (case preserved)
  Name qname_lower;  // lower-cased copy for lookups
  RRType qtype = RRType::kA;
  uint16_t qclass = 0;
  size_t question_offset = kHeaderSize;  // where the question starts in the packet
  size_t question_length = 0;            // name + type + class octets

  EdnsInfo edns;

  bool ok() const { return status == QueryStatus::kOk; }
};

// Parses a query without allocating. Checks: header present (else kDrop); QDCOUNT == 1
// (else kFormErr/kBadQuestionCount, with the rest still parsed for EDNS); every name
// and RR in every section well formed and within the packet; at most one OPT, owned by
// the root (else kFormErr). Trailing octets after the last RR are ignored.
QueryParse parse_query(std::span<const uint8_t> packet);

// The question section as octets of the packet (empty without a question).
inline std::span<const uint8_t> question_bytes(const QueryParse& query,
                                               std::span<const uint8_t> packet) {
  if (!query.has_question) return {};
  return packet.subspan(query.question_offset, query.question_length);
}

struct Question {
  Name name;
  RRType type = RRType::kA;
  uint16_t klass = to_u16(RRClass::kIN);
  friend bool operator==(const Question&, const Question&) = default;
};

struct ResourceRecord {
  Name owner;
  RRType type = RRType::kA;
  uint16_t klass = to_u16(RRClass::kIN);
  uint32_t ttl = 0;
  // Uncompressed RDATA: names inside NS, CNAME, PTR, SOA, MX and SRV are expanded.
  std::vector<uint8_t> rdata;
  friend bool operator==(const ResourceRecord&, const ResourceRecord&) = default;
};

struct Message {
  Header header;  // counts as in the packet
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authority;
  std::vector<ResourceRecord> additional;  // OPT included, as a record

  // The OPT record, if present (the first one).
  const ResourceRecord* opt() const;
  // The 12-bit rcode: header bits plus OPT's extended bits (RFC 6891 §6.1.3).
  uint16_t rcode() const;
};

// Parses every section; counts are read as upper bounds and never used to reserve
// memory. On failure the Error names the WireError and the offset.
Result<Message> parse_message(std::span<const uint8_t> packet);

// The WireError of a failed parse_message, for tests (kNone on success).
WireError parse_message_error(std::span<const uint8_t> packet);

}  // namespace clusterdns::dns
