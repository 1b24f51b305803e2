#pragma once
// Assembles one response in the caller's buffer on the serving path: header, the
// client's question octets (case preserved), a body from the snapshot and the OPT
// record, honouring the size limit without re-encoding (RFC 2181 §9, RFC 1035 §4.2.1):
// additional RRsets are dropped first without TC; when the answer or authority does
// not fit, TC is set and the answer keeps the whole RRsets that fit. No allocation.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

#include "zones/snapshot.h"

namespace clusterdns::zones {

// The OPT record we send back (RFC 6891 §6.1.2-6.1.3).
struct OptReply {
  uint16_t udp_payload = 1232;
  uint8_t extended_rcode = 0;  // upper 8 bits of the 12-bit rcode
  bool dnssec_ok = false;      // DO copied from the query (RFC 3225 §3)
};

class AnswerWriter {
 public:
  // `limit` is the largest message allowed (clamped to out.size()).
  AnswerWriter(std::span<uint8_t> out, size_t limit);

  // Header (counts filled in by finish) and question. `opt` reserves room for our OPT
  // record. False when they do not fit: send nothing.
  bool start(uint16_t id, uint16_t flags, std::span<const uint8_t> question, const OptReply* opt);

  // The precomputed body of a positive answer.
  void add_block(const SnapshotChunk& chunk, const AnswerBlock& block);
  // The zone's SOA in the authority section, owner pointing at the apex suffix of the
  // question name (`qname_length` octets at offset 12).
  void add_negative_soa(const Snapshot& snapshot, const ServedZone& zone, size_t qname_length);
  // One answer record owned by the question name (pointer to offset 12).
  void add_owned_answer(uint16_t type, uint32_t ttl, std::span<const uint8_t> rdata) {
    put_owned_record(type, ttl, {rdata});
  }
  // The same whose RDATA is a name of the snapshot (uncompressed): its labels, apex.
  void add_owned_name(uint16_t type, uint32_t ttl, const NameLabels& labels,
                      std::span<const uint8_t> apex) {
    put_owned_record(type, ttl, {labels.own, labels.suffix, apex});
  }

  // Writes counts, flags (TC when set) and the OPT record; returns the length.
  size_t finish();

  bool truncated() const { return truncated_; }

 private:
  size_t room() const { return limit_ - size_ - opt_reserve_; }
  void put(std::span<const uint8_t> bytes);
  // The first `length` octets of the block's answer section, across its pieces.
  void put_answer(const SnapshotChunk& chunk, const AnswerBlock& block, size_t length);
  // Expands stored CompactAddress entries into A records, as many as fit.
  void put_compact_additional(const SnapshotChunk& chunk, std::span<const uint8_t> entries);
  void put_owned_record(uint16_t type, uint32_t ttl,
                        std::initializer_list<std::span<const uint8_t>> rdata);
  void put_u16(uint16_t value);
  void put_u32(uint32_t value);

  std::span<uint8_t> out_;
  size_t limit_ = 0;
  size_t size_ = 0;
  size_t opt_reserve_ = 0;
  OptReply opt_;
  bool has_opt_ = false;
  bool truncated_ = false;
  uint16_t flags_ = 0;
  uint16_t qdcount_ = 0;
  uint32_t ancount_ = 0;
  uint32_t nscount_ = 0;
  uint32_t arcount_ = 0;
};

}  // namespace clusterdns::zones
