#pragma once
// The immutable, wire-ready answer table the serving threads read (DESIGN.md §4).
//
// For every owner name and type the snapshot holds the encoded answer, authority and
// additional sections of the response, compressed as if the question (the same name,
// lower-cased, at offset 12) came first. Serving is one hash probe on the lower-cased
// qname, then copying header, the client's question bytes and these octets: pointers
// into the question stay valid because the client's name has the same length.
//
// The octets live in chunks (snapshot_chunk.h) that consecutive snapshots share when
// their records did not change; one index (snapshot_index.h) covers them all. Lookup
// never allocates.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "registry/ip_address.h"
#include "zones/options.h"
#include "zones/snapshot_chunk.h"
#include "zones/snapshot_index.h"

namespace clusterdns::zones {

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
  kAnswer,     // `block` (in `chunk`) holds the response body
  kNoData,     // the name exists, not this type: NOERROR + SOA (RFC 2308 §2.2, RFC 8020)
  kNXDomain,   // nothing at or below the name in a served zone: NXDOMAIN + SOA
  kAnyExists,  // qtype ANY at an existing name: RFC 8482 §4.2 synthesized HINFO
  kAddress,    // one A/AAAA record of `address`: a name's inline answer, or from the
               // name itself under `--pods insecure`
  kNamedPtr,   // one PTR record naming `target` (in `chunk`): a name's inline answer
  kOutOfZone,  // not ours: REFUSED, or the forwarder's
};

struct LookupResult {
  LookupKind kind = LookupKind::kOutOfZone;
  const AnswerBlock* block = nullptr;   // kAnswer
  const SnapshotChunk* chunk = nullptr;  // kAnswer, kNamedPtr: where the octets are
  const ChunkName* target = nullptr;     // kNamedPtr
  const ServedZone* zone = nullptr;     // every kind but kOutOfZone
  registry::IpAddress address;          // kAddress
};

// What a snapshot is made of; the builders (snapshot_builder.h, cluster_snapshot.h)
// fill it in.
struct SnapshotParts {
  // Every chunk the index points into (the index holds plain pointers to these).
  std::vector<std::shared_ptr<const SnapshotChunk>> chunks;
  // Shared with the builder, which copies it to make the next snapshot's.
  std::shared_ptr<const SnapshotIndex> index;
  std::vector<uint8_t> zone_arena;  // apex names, negative SOA records, "pod.<zone>."
  std::vector<ServedZone> zones;    // [0] is the cluster zone, then in-addr.arpa., ip6.arpa.
  RecordOptions options;
  uint32_t pod_zone_offset = 0;
  uint8_t pod_zone_length = 0;
  size_t records = 0;  // how many records went into the chunks, for the log line
};

class Snapshot {
 public:
  explicit Snapshot(SnapshotParts parts) : parts_(std::move(parts)) {}

  // `qname` is the lower-cased uncompressed wire name; `qtype` the question type.
  // Never allocates.
  LookupResult lookup(std::span<const uint8_t> qname, uint16_t qtype) const;
  // A hint: lookups of these hashed names (SnapshotIndex::hash_name) follow soon.
  void prefetch(std::span<const uint64_t> hashes) const { parts_.index->prefetch(hashes); }

  std::span<const uint8_t> zone_bytes(uint32_t offset, uint32_t length) const {
    return {parts_.zone_arena.data() + offset, length};
  }
  std::span<const ServedZone> zones() const { return parts_.zones; }
  const RecordOptions& options() const { return parts_.options; }
  // TTL of synthesized records (ANY's HINFO, insecure pod addresses).
  uint32_t ttl() const { return parts_.options.ttl; }

  // Names held, empty non-terminals included.
  size_t name_count() const { return parts_.index->size(); }
  size_t record_count() const { return parts_.records; }
  const std::vector<std::shared_ptr<const SnapshotChunk>>& chunks() const { return parts_.chunks; }
  // Heap octets held (chunks shared with another snapshot included), for accounting.
  size_t memory_bytes() const;

 private:
  const ServedZone* zone_of(std::span<const uint8_t> qname) const;
  LookupResult found(const SnapshotChunk& chunk, const ChunkName& name, uint16_t qtype) const;
  LookupResult missing(std::span<const uint8_t> qname, uint16_t qtype) const;
  LookupResult pod_name(std::span<const uint8_t> qname, uint16_t qtype,
                        const ServedZone* zone) const;

  SnapshotParts parts_;
};

}  // namespace clusterdns::zones
