#pragma once
// The immutable, wire-ready answer table the serving threads read (DESIGN.md §4).
//
// For every owner name and type the snapshot holds the encoded answer, authority and
// additional sections of the response, compressed as if the question (the same name,
// lower-cased, at offset 12) came first. Serving is one hash probe on the lower-cased
// qname, then copying header, the client's question bytes and these octets: pointers
// into the question stay valid because the client's name has the same length.
//
// Everything lives in a few flat vectors: one byte arena for answer octets and names,
// compact index entries with 32-bit offsets. Lookup never allocates.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "registry/ip_address.h"
#include "zones/options.h"

namespace clusterdns::zones {

// The end of one RRset within a section: octets and records from the section start.
// Truncation keeps whole RRsets (RFC 2181 §9), so it cuts only here.
struct RRsetCut {
  uint32_t end = 0;
  uint32_t count = 0;
};

// One precomputed response body for (name, type). In the arena: answer octets, then
// authority, then additional. Cuts: `answer_rrsets` entries for the answer section,
// then `additional_rrsets` entries for the additional section, from `first_cut`.
struct AnswerBlock {
  uint16_t type = 0;
  uint16_t answer_rrsets = 0;
  uint16_t additional_rrsets = 0;
  uint16_t authority_count = 0;
  uint32_t offset = 0;
  uint32_t answer_length = 0;
  uint32_t authority_length = 0;
  uint32_t additional_length = 0;
  uint32_t first_cut = 0;
};

// A name we hold (with records, or an empty non-terminal with none). 16 octets.
struct NameNode {
  uint32_t hash = 0;  // low bits of hash_name(): picks the slot, skips most compares
  uint32_t name_offset = 0;  // lower-case uncompressed wire name in the arena
  uint8_t name_length = 0;
  uint8_t zone = 0;          // index into zones()
  uint16_t block_count = 0;  // AnswerBlocks, sorted by type, from first_block
  uint32_t first_block = 0;
};

// A served zone: its apex and the SOA record of its negative answers (RFC 2308 §3).
// The SOA record's first two octets are a placeholder for a compression pointer to
// the apex inside the question, patched at serve time; its RDATA is uncompressed.
struct ServedZone {
  uint32_t apex_offset = 0;
  uint8_t apex_length = 0;
  uint32_t negative_soa_offset = 0;
  uint32_t negative_soa_length = 0;
};

enum class LookupKind : uint8_t {
  kAnswer,      // `block` holds the response body
  kNoData,      // the name exists, not this type: NOERROR + SOA (RFC 2308 §2.2, RFC 8020)
  kNXDomain,    // nothing at or below the name in a served zone: NXDOMAIN + SOA
  kAnyExists,   // qtype ANY at an existing name: RFC 8482 §4.2 synthesized HINFO
  kPodAddress,  // `--pods insecure`: A/AAAA synthesized from the name (`address`)
  kOutOfZone,   // not ours: REFUSED today, the upstream forwarder's seam later
};

struct LookupResult {
  LookupKind kind = LookupKind::kOutOfZone;
  const AnswerBlock* block = nullptr;  // kAnswer
  const ServedZone* zone = nullptr;    // every kind but kOutOfZone
  registry::IpAddress address;         // kPodAddress
};

// What the builder hands over; Snapshot only indexes it.
struct SnapshotTables {
  std::vector<uint8_t> arena;
  std::vector<NameNode> names;
  std::vector<AnswerBlock> blocks;
  std::vector<RRsetCut> cuts;
  std::vector<ServedZone> zones;  // [0] is the cluster zone
  RecordOptions options;
  uint32_t pod_zone_offset = 0;  // "pod.<zone>." wire name in the arena
  uint8_t pod_zone_length = 0;
};

class Snapshot {
 public:
  explicit Snapshot(SnapshotTables tables);

  // `qname` is the lower-cased uncompressed wire name; `qtype` the question type.
  // Never allocates.
  LookupResult lookup(std::span<const uint8_t> qname, uint16_t qtype) const;

  std::span<const uint8_t> bytes(uint32_t offset, uint32_t length) const {
    return {tables_.arena.data() + offset, length};
  }
  std::span<const RRsetCut> answer_cuts(const AnswerBlock& block) const {
    return {tables_.cuts.data() + block.first_cut, block.answer_rrsets};
  }
  std::span<const RRsetCut> additional_cuts(const AnswerBlock& block) const {
    return {tables_.cuts.data() + block.first_cut + block.answer_rrsets, block.additional_rrsets};
  }
  std::span<const ServedZone> zones() const { return tables_.zones; }
  const RecordOptions& options() const { return tables_.options; }
  // TTL of synthesized records (ANY's HINFO, insecure pod addresses).
  uint32_t ttl() const { return tables_.options.ttl; }

  size_t name_count() const { return name_count_; }
  // Heap octets held, for memory accounting.
  size_t memory_bytes() const;

  // Hash of the lower-case wire name; the builder and lookup must agree.
  static uint64_t hash_name(std::span<const uint8_t> wire);

 private:
  const NameNode* find(std::span<const uint8_t> qname, uint64_t hash) const;
  const ServedZone* zone_of(std::span<const uint8_t> qname) const;
  LookupResult found(const NameNode& node, uint16_t qtype) const;
  LookupResult missing(std::span<const uint8_t> qname, uint16_t qtype) const;
  LookupResult pod_name(std::span<const uint8_t> qname, uint16_t qtype,
                        const ServedZone* zone) const;

  SnapshotTables tables_;
  // Open addressing over the nodes themselves (tables_.names is moved in here).
  std::vector<NameNode> table_;
  uint64_t slot_mask_ = 0;
  size_t name_count_ = 0;
};

}  // namespace clusterdns::zones
