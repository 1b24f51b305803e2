#include "zones/responder.h"

#include <algorithm>
#include <array>

#include "dns/wire/message.h"
#include "dns/wire/types.h"
#include "zones/answer_writer.h"

namespace clusterdns::zones {
namespace {

using dns::Rcode;
using dns::RRType;

// RFC 8482 §4.2: HINFO with CPU "RFC8482" and an empty OS.
constexpr std::array<uint8_t, 9> kAnyHinfo = {7, 'R', 'F', 'C', '8', '4', '8', '2', 0};
constexpr uint8_t kBadVersExtended = dns::to_u16(Rcode::kBadVers) >> 4;  // RFC 6891 §6.1.3

// What every response shares: the query's view plus our decisions about it.
struct Reply {
  const dns::QueryParse& query;
  std::span<uint8_t> out;
  size_t limit = dns::kMinUdpPayload;
  OptReply opt;
  bool with_opt = false;
  ZoneOutcome* outcome = nullptr;
};

void set_outcome(Reply& reply, ZoneOutcome outcome) {
  if (reply.outcome != nullptr) *reply.outcome = outcome;
}

// Flags copied from the query (opcode, RD, CD) plus QR (RFC 1035 §4.1.1).
uint16_t base_flags(const dns::Header& header) {
  return static_cast<uint16_t>(dns::kFlagQR |
                               (header.flags & (dns::kOpcodeMask | dns::kFlagRD | dns::kFlagCD)));
}

// EDNS is echoed only when it was understood: one OPT, well formed.
bool opt_usable(const dns::QueryParse& query) {
  return query.edns.present && query.edns.opt_count == 1 &&
         query.error != dns::WireError::kBadOpt && query.error != dns::WireError::kDuplicateOpt;
}

// RFC 6891 §6.2.5: a payload below 512 counts as 512; we never exceed 1232 (DESIGN §1).
size_t size_limit(const dns::QueryParse& query, const dns::ClientInfo& client, bool edns) {
  if (client.transport == dns::Transport::kTcp) return dns::kMaxTcpMessage;
  if (!edns) return dns::kMinUdpPayload;
  return std::clamp<size_t>(query.edns.udp_payload, dns::kMinUdpPayload, dns::kMaxUdpPayload);
}

// The question as the client wrote it, when it is a plain uncompressed name (a
// pointer could only point into the header, which the parser refuses anyway).
std::span<const uint8_t> echoed_question(const dns::QueryParse& query,
                                         std::span<const uint8_t> packet) {
  if (!query.has_question || query.header.qdcount != 1) return {};
  if (query.question_length != query.qname.size() + 4) return {};
  return dns::question_bytes(query, packet);
}

size_t error_reply(Reply& reply, Rcode rcode, std::span<const uint8_t> question) {
  AnswerWriter writer(reply.out, reply.limit);
  const auto low = static_cast<uint16_t>(dns::to_u16(rcode) & dns::kRcodeMask);
  if (!writer.start(reply.query.header.id, base_flags(reply.query.header) | low, question,
                    reply.with_opt ? &reply.opt : nullptr)) {
    return 0;
  }
  return writer.finish();
}

size_t answer_from_zones(Reply& reply, std::span<const uint8_t> question,
                         const Snapshot& snapshot) {
  const dns::QueryParse& query = reply.query;
  const auto qname = query.qname_lower.wire();
  const LookupResult found = snapshot.lookup(qname, dns::to_u16(query.qtype));
  if (found.kind == LookupKind::kOutOfZone) {
    // Not ours → REFUSED, unless a forwarder takes it (the outcome says so).
    set_outcome(reply, ZoneOutcome::kOutOfZone);
    return error_reply(reply, Rcode::kRefused, question);
  }
  // CoreDNS `fallthrough`: reverse names we hold no PTR for may be forwarded.
  if (found.kind == LookupKind::kNXDomain && found.zone != &snapshot.zones().front()) {
    set_outcome(reply, ZoneOutcome::kNoReversePtr);
  }
  if (found.kind == LookupKind::kAnswer && found.block->type == dns::to_u16(RRType::kCNAME) &&
      query.qtype != RRType::kCNAME) {
    set_outcome(reply, ZoneOutcome::kCnameAnswer);
  }
  uint16_t flags = base_flags(query.header) | dns::kFlagAA;
  if (found.kind == LookupKind::kNXDomain) flags |= dns::to_u16(Rcode::kNXDomain);
  AnswerWriter writer(reply.out, reply.limit);
  if (!writer.start(query.header.id, flags, question, reply.with_opt ? &reply.opt : nullptr)) {
    return 0;
  }
  switch (found.kind) {
    case LookupKind::kAnswer:
      writer.add_block(*found.chunk, *found.block);
      break;
    case LookupKind::kAnyExists:
      writer.add_owned_answer(dns::to_u16(RRType::kHINFO), snapshot.ttl(), kAnyHinfo);
      break;
    case LookupKind::kAddress:
      writer.add_owned_answer(
          dns::to_u16(found.address.v6 ? RRType::kAAAA : RRType::kA), snapshot.ttl(),
          std::span<const uint8_t>(found.address.bytes.data(), found.address.size()));
      break;
    case LookupKind::kNamedPtr:
      writer.add_owned_name(dns::to_u16(RRType::kPTR), snapshot.ttl(),
                            found.chunk->name_prefix(*found.target),
                            found.chunk->target_apex(*found.target));
      break;
    case LookupKind::kNoData:
    case LookupKind::kNXDomain:
      writer.add_negative_soa(snapshot, *found.zone, qname.size());
      break;
    case LookupKind::kOutOfZone:
      break;
  }
  return writer.finish();
}

// Per-thread reader slots, one per publisher this thread has served for.
struct ThreadReaders {
  struct Entry {
    uint64_t publisher_id = 0;
    SnapshotPublisher::Reader reader;
  };
  std::array<Entry, 8> entries;
  size_t next_victim = 0;
};

ThreadReaders& thread_readers() {
  thread_local ThreadReaders readers;
  return readers;
}

}  // namespace

size_t Responder::answer(std::span<const uint8_t> packet, std::span<uint8_t> response,
                         const dns::ClientInfo& client, const Snapshot* snapshot,
                         ZoneOutcome* outcome) {
  if (outcome != nullptr) *outcome = ZoneOutcome::kAnswered;
  const dns::QueryParse query = dns::parse_query(packet);
  // DESIGN §1: no header → silence; responses (QR=1) are never answered (no loops).
  if (query.status == dns::QueryStatus::kDrop || query.header.has(dns::kFlagQR)) return 0;

  Reply reply{
      .query = query, .out = response, .limit = dns::kMinUdpPayload, .opt = {}, .with_opt = false};
  reply.outcome = outcome;
  reply.with_opt = opt_usable(query);
  reply.opt.dnssec_ok = query.edns.dnssec_ok();
  reply.limit = size_limit(query, client, reply.with_opt);

  const auto question = echoed_question(query, packet);
  if (query.header.opcode() != static_cast<uint8_t>(dns::Opcode::kQuery)) {
    return error_reply(reply, Rcode::kNotImp, query.ok() ? question : std::span<const uint8_t>{});
  }
  if (!query.ok() || question.empty()) return error_reply(reply, Rcode::kFormErr, question);
  if (query.edns.version > 0) {
    // RFC 6891 §6.1.3: BADVERS is 16: header rcode 0, upper bits in the OPT.
    reply.opt.extended_rcode = kBadVersExtended;
    return error_reply(reply, Rcode::kNoError, question);
  }
  if (query.qclass != dns::to_u16(dns::RRClass::kIN)) {
    return error_reply(reply, Rcode::kRefused, question);
  }
  if (query.qtype == RRType::kAXFR || query.qtype == RRType::kIXFR) {
    // RFC 5936 §4.2: transfers need TCP; we offer none yet.
    const bool tcp = client.transport == dns::Transport::kTcp;
    return error_reply(reply, tcp ? Rcode::kRefused : Rcode::kFormErr, question);
  }
  if (snapshot == nullptr) return error_reply(reply, Rcode::kServFail, question);
  return answer_from_zones(reply, question, *snapshot);
}

size_t Responder::handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                         const dns::ClientInfo& client) {
  ZoneOutcome ignored;
  return handle(query, response, client, ignored);
}

size_t Responder::handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                         const dns::ClientInfo& client, ZoneOutcome& outcome) {
  SnapshotPublisher::Reader& reader = thread_reader();
  if (!reader.valid()) return answer(query, response, client, nullptr, &outcome);
  return answer(query, response, client, reader.acquire(), &outcome);
}

void Responder::prefetch(std::span<const std::span<const uint8_t>> queries) {
  if (queries.size() > SnapshotIndex::kMaxPrefetch) queries = queries.first(SnapshotIndex::kMaxPrefetch);
  SnapshotPublisher::Reader& reader = thread_reader();
  if (!reader.valid()) return;
  const Snapshot* snapshot = reader.acquire();
  if (snapshot == nullptr) return;
  std::array<uint64_t, SnapshotIndex::kMaxPrefetch> hashes;
  size_t count = 0;
  dns::Name name;
  for (const auto query : queries) {
    // The question name, read as the answer will read it; a malformed one is skipped.
    dns::WireReader reader_of_query(query, dns::kHeaderSize);
    dns::read_name(reader_of_query, name);
    if (!reader_of_query.ok()) continue;
    name.to_lower();
    hashes[count++] = SnapshotIndex::hash_name(name.wire());
  }
  snapshot->prefetch({hashes.data(), count});
}

SnapshotPublisher::Reader& Responder::thread_reader() {
  ThreadReaders& readers = thread_readers();
  const uint64_t id = publisher_.id();
  for (auto& entry : readers.entries) {
    if (entry.publisher_id == id) return entry.reader;
  }
  // First query of this thread for this publisher: take a slot, in a cache entry whose
  // publisher is gone if there is one, else the oldest (its slot goes back).
  ThreadReaders::Entry* entry = nullptr;
  for (auto& candidate : readers.entries) {
    if (candidate.reader.orphaned()) {
      entry = &candidate;
      break;
    }
  }
  if (entry == nullptr) {
    entry = &readers.entries[readers.next_victim];
    readers.next_victim = (readers.next_victim + 1) % readers.entries.size();
  }
  entry->reader = publisher_.register_reader();
  // All slots taken: answer SERVFAIL for now and try again on the next query.
  entry->publisher_id = entry->reader.valid() ? id : 0;
  return entry->reader;
}

void Responder::release_thread_reader() {
  thread_reader().release();
}

}  // namespace clusterdns::zones
