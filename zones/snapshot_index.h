#pragma once
// The one hash index over every name of a snapshot's chunks (snapshot_chunk.h), plus
// the empty non-terminals (RFC 8020): each proper ancestor of a name, down to its zone
// apex, exists while some name below it does.
//
// Chunks sit in numbered slots. replace() swaps the chunk of one slot and updates only
// the names that chunk had or has, so a reload that re-encodes a few chunks costs a
// copy of the table plus work in proportion to the change (issue 6), not a rebuild over
// every name. Each entry counts the entries directly below it; an empty non-terminal
// goes when its count drops to zero.
//
// Open addressing with linear probing over 12-octet entries, load at most 3/4, any
// table size (it grows by half); deletion shifts entries back, so there are no
// tombstones. Built and changed off the serving threads; a published snapshot holds
// its own copy, which find() only reads.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "zones/snapshot_chunk.h"

namespace clusterdns::zones {

// 12 octets a slot: the table is a fifth of a snapshot's memory (issue 8). A name's id
// is a multiple of four (name records are padded to four octets, and so are the empty
// non-terminals' labels in the index's arena), so 24 bits of id reach 64 MiB of names
// per chunk. The zone takes two bits (SnapshotIndex::kMaxZones) and the count of
// children the other fourteen; a name with more children than that (a namespace of
// over 16,383 Services) counts the rest in SnapshotIndex::extra_children_.
struct IndexEntry {
  static constexpr uint32_t kIdLimit = uint32_t{1} << 26;
  static constexpr uint16_t kMaxChildren = 0x3fff;

  uint32_t hash = 0;   // low bits of hash_name(): picks the slot, skips most compares
  uint16_t chunk = 0;  // slot of the chunk holding the name; kNoChunk: none

  IndexEntry() = default;
  IndexEntry(uint32_t hash, uint32_t name, uint16_t chunk, uint8_t length, uint8_t zone)
      : hash(hash), chunk(chunk), zone_and_children_(static_cast<uint16_t>(zone << 14)) {
    set_name(name);
    name_and_length_ |= length;
  }
  // The name's id in its chunk (SnapshotChunk::name_ids()), or (no chunk) the offset
  // of its labels in the index's arena of empty non-terminals.
  uint32_t name() const { return (name_and_length_ >> 8) << 2; }
  void set_name(uint32_t id);  // throws std::length_error past kIdLimit
  uint8_t length() const { return static_cast<uint8_t>(name_and_length_); }  // 0: empty slot
  uint8_t zone() const { return static_cast<uint8_t>(zone_and_children_ >> 14); }
  // Entries whose parent this is, up to kMaxChildren.
  uint16_t children() const { return zone_and_children_ & kMaxChildren; }
  void set_children(uint16_t children) {
    zone_and_children_ = static_cast<uint16_t>((zone_and_children_ & ~kMaxChildren) | children);
  }

 private:
  uint16_t zone_and_children_ = 0;  // zone in the top two bits
  uint32_t name_and_length_ = 0;    // id / 4 above, length in the low octet
};
static_assert(sizeof(IndexEntry) == 12);

class SnapshotIndex {
 public:
  static constexpr uint16_t kNoChunk = 0xffff;

  SnapshotIndex() = default;
  // `apexes`: wire names of the served zones in ChunkName::zone order; `slots`: how
  // many chunk slots (below kNoChunk).
  SnapshotIndex(const std::vector<std::string>& apexes, size_t slots);

  // Hash of the lower-case wire name; the index and its callers must agree.
  static uint64_t hash_name(std::span<const uint8_t> wire);

  // A chunk name's whole wire form: its labels above the apex, then the apex.
  using NameBuffer = std::array<uint8_t, 256>;
  std::span<const uint8_t> full_name(const SnapshotChunk& chunk, const ChunkName& name,
                                     NameBuffer& buffer) const;

  const IndexEntry* find(std::span<const uint8_t> qname, uint64_t hash) const;
  // Brings into cache what find() and the answer will read for these names (by hash),
  // in stages across the batch so that the memory loads overlap. A hint only.
  static constexpr size_t kMaxPrefetch = 64;
  void prefetch(std::span<const uint64_t> hashes) const;
  const IndexEntry* find_name(std::span<const uint8_t> name) const {
    return find(name, hash_name(name));
  }
  // The chunk an entry's name is in, null for an empty non-terminal.
  const SnapshotChunk* chunk(const IndexEntry& entry) const {
    return entry.chunk == kNoChunk ? nullptr : chunks_[entry.chunk];
  }
  const SnapshotChunk* chunk_at(uint16_t slot) const { return chunks_[slot]; }

  // Room for this many names without growing.
  void reserve(size_t names);
  // Gives back the slack of the empty non-terminals' arena after a first build, most
  // of which is garbage: parents come in as empty non-terminals before the chunk that
  // holds them is indexed. (Rehashing the table down too would cost more start-up time
  // than the 10 B/object it saves at 50k objects.)
  void shrink_to_fit();
  // Puts `chunk` (may be null) in `slot` in place of the chunk there.
  void replace(uint16_t slot, const SnapshotChunk* chunk);
  // Puts `chunk` in `slot` without indexing its names: it only serves redirect()s.
  void attach_unindexed(uint16_t slot, const SnapshotChunk* chunk) { chunks_[slot] = chunk; }

  // Names that two or more chunks hold with records (wire octets), with those slots:
  // the index serves the first; the builder encodes them jointly and redirects them.
  std::vector<std::pair<std::string, std::vector<uint16_t>>> clashes() const;
  // Points a name the chunks hold at the name with id `name_index` of the chunk in
  // `slot` until restore_redirects(). False if no chunk holds the name.
  bool redirect(std::span<const uint8_t> name, uint16_t slot, uint32_t name_index);
  void restore_redirects();

  size_t size() const { return size_; }
  size_t memory_bytes() const;

 private:
  // One chunk holding a name, where several do.
  struct Holder {
    uint16_t slot = 0;
    uint32_t name = 0;
    bool has_records = false;
  };
  struct Redirect {
    std::string name;
    uint16_t slot = 0;
    uint32_t name_index = 0;
  };

  // Labels above an apex, then the apex of `zone`, in `buffer`.
  std::span<const uint8_t> joined(const NameLabels& labels, uint8_t zone, NameBuffer& buffer) const;
  // The entry's whole name, put together in `buffer`.
  std::span<const uint8_t> entry_name(const IndexEntry& entry, NameBuffer& buffer) const;
  // An empty non-terminal's labels above its apex, in the arena (its apex is the
  // zone's, held once like a chunk name's).
  std::span<const uint8_t> empty_non_terminal_prefix(const IndexEntry& entry) const {
    return {arena_.data() + entry.name(), entry.length() - apex(entry.zone()).size()};
  }
  // Appends those labels of `name` to the arena; their offset.
  uint32_t store_empty_non_terminal(std::span<const uint8_t> name, uint8_t zone);
  // Whether the entry is `name` (of the entry's length): compares in place, no copy.
  bool entry_is(const IndexEntry& entry, std::span<const uint8_t> name) const;
  std::span<const uint8_t> apex(uint8_t zone) const {
    if (zone >= apex_count_) return {};
    return {apex_bytes_.data() + apex_offset_[zone], apex_length_[zone]};
  }
  // Where an entry of this hash starts probing: the hash scaled to the table (any size,
  // not only powers of two), and the probe's next position.
  size_t home(uint32_t hash) const {
    return static_cast<size_t>((static_cast<uint64_t>(hash) * table_.size()) >> 32);
  }
  size_t next(size_t slot) const { return slot + 1 == table_.size() ? 0 : slot + 1; }
  // Steps from `from` forward to `to`, wrapping.
  size_t distance(size_t from, size_t to) const {
    return to >= from ? to - from : to + table_.size() - from;
  }
  size_t slot_of(std::span<const uint8_t> name, uint64_t hash) const;
  bool has_records(uint16_t slot, uint32_t name) const;
  void add_name(uint16_t slot, uint32_t name);
  void remove_name(uint16_t slot, uint32_t name);
  // Creates the entry for the parent of `name` or counts one more child in it.
  void add_child_to_parent(std::span<const uint8_t> name, uint8_t zone);
  // One more child, or one fewer, for the entry at `position` whose name is `name`;
  // remove_child() is true while some remain.
  void add_child(size_t position, std::span<const uint8_t> name);
  bool remove_child(size_t position, std::span<const uint8_t> name);
  void remove_child_from_parent(std::span<const uint8_t> name, uint8_t zone);
  void turn_into_empty_non_terminal(size_t position);
  void erase_at(size_t position);
  // True when it grew (positions found before are stale then).
  bool grow_if_needed();
  void rehash(size_t capacity);
  void compact_arena();

  std::vector<const SnapshotChunk*> chunks_;
  std::vector<IndexEntry> table_;
  // The served zones' apexes (wire), by ChunkName::zone, in the index itself: every
  // lookup compares one, and a separate allocation would be one more cache miss.
  static constexpr size_t kMaxZones = 4;
  static_assert(kMaxZones <= 4, "IndexEntry keeps the zone in two bits");
  std::array<uint8_t, 3 * 256> apex_bytes_{};
  std::array<uint16_t, kMaxZones> apex_offset_{};
  std::array<uint8_t, kMaxZones> apex_length_{};
  uint8_t apex_count_ = 0;
  size_t size_ = 0;
  std::vector<uint8_t> arena_;  // labels of empty non-terminals, above their apex, each
                                // padded to four octets (see IndexEntry)
  size_t arena_garbage_ = 0;
  // Names held by more than one chunk (rare: two Services' endpoints on one address).
  std::unordered_map<std::string, std::vector<Holder>> shared_;
  std::vector<Redirect> redirects_;  // where restore_redirects() puts names back
  // Children past IndexEntry::kMaxChildren, by name (wire octets).
  std::unordered_map<std::string, uint32_t> extra_children_;
};

}  // namespace clusterdns::zones
