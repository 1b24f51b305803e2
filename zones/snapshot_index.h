#pragma once
// The one hash index over every name of a snapshot's chunks (snapshot_chunk.h), plus
// the empty non-terminals (RFC 8020): each proper ancestor of a name, down to its zone
// apex, exists. An ancestor is not stored again: its entry points into the name bytes
// of one descendant (`skip` octets in), which is why it needs no chunk of its own.
//
// Open addressing over 16-octet entries, load at most 3/4. Built off the serving
// threads; find() never allocates.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "zones/snapshot_chunk.h"

namespace clusterdns::zones {

struct IndexEntry {
  uint32_t hash = 0;   // low bits of hash_name(): picks the slot, skips most compares
  uint32_t chunk = 0;  // position in the index's chunk list
  uint32_t name = 0;   // index into that chunk's names()
  uint8_t skip = 0;    // > 0: an empty non-terminal, this many octets into the name
  uint8_t length = 0;  // name length; 0 marks an empty slot
  uint8_t zone = 0;
  uint8_t unused = 0;
};

// A name that two or more chunks hold with records: the index keeps the first; the
// snapshot builder re-encodes the merged owner and repoints it (repoint()).
struct NameClash {
  std::string name;              // wire octets
  std::vector<uint32_t> chunks;  // every chunk holding it with records, ascending
};

class SnapshotIndex {
 public:
  SnapshotIndex() = default;
  // Indexes every name of `chunks` (null entries are skipped) and their ancestors down
  // to the apex of their zone (`apexes`: wire names in ChunkName::zone order).
  SnapshotIndex(std::vector<const SnapshotChunk*> chunks, const std::vector<std::string>& apexes);

  // Hash of the lower-case wire name; the index and its callers must agree.
  static uint64_t hash_name(std::span<const uint8_t> wire);

  const IndexEntry* find(std::span<const uint8_t> qname, uint64_t hash) const;
  const SnapshotChunk& chunk(const IndexEntry& entry) const { return *chunks_[entry.chunk]; }

  const std::vector<NameClash>& clashes() const { return clashes_; }
  // The chunk holding `name` with records at position `chunk` (the first if several).
  const IndexEntry* find_name(std::span<const uint8_t> name) const {
    return find(name, hash_name(name));
  }

  // Adds a chunk that is not indexed by itself (a re-encoding of names other chunks
  // hold) and returns its position.
  uint32_t attach(const SnapshotChunk* chunk);
  // Points an indexed name at name `name_index` of chunk `chunk`. False if not indexed.
  bool repoint(std::span<const uint8_t> name, uint32_t chunk, uint32_t name_index);

  size_t size() const { return size_; }
  size_t memory_bytes() const;

 private:
  IndexEntry* slot_for(std::span<const uint8_t> name, uint64_t hash);
  std::span<const uint8_t> entry_name(const IndexEntry& entry) const;
  void insert_names(uint32_t chunk);
  void insert_ancestors(IndexEntry entry);
  void grow();

  std::vector<const SnapshotChunk*> chunks_;
  std::vector<IndexEntry> table_;
  uint64_t mask_ = 0;
  size_t size_ = 0;
  std::vector<NameClash> clashes_;
  std::vector<uint8_t> apex_lengths_;
};

}  // namespace clusterdns::zones
