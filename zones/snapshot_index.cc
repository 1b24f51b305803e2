#include "zones/snapshot_index.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace clusterdns::zones {
namespace {

// The probe's names are at most 255 octets: compare inline, eight octets per step,
// instead of a call into the C library for a few dozen octets.
bool same_name(const uint8_t* a, const uint8_t* b, size_t size) {
  for (; size >= 8; a += 8, b += 8, size -= 8) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
  }
  for (; size > 0; ++a, ++b, --size) {
    if (*a != *b) return false;
  }
  return true;
}

}  // namespace

SnapshotIndex::SnapshotIndex(std::vector<const SnapshotChunk*> chunks,
                             const std::vector<std::string>& apexes)
    : chunks_(std::move(chunks)) {
  for (const std::string& apex : apexes) apex_lengths_.push_back(static_cast<uint8_t>(apex.size()));
  size_t names = 0;
  for (const SnapshotChunk* chunk : chunks_) names += chunk ? chunk->names().size() : 0;
  // Room for the names and as many empty non-terminals again before growing.
  table_.assign(std::bit_ceil(std::max<size_t>(16, 2 * names + names / 3 + 1)), IndexEntry{});
  mask_ = table_.size() - 1;
  for (uint32_t chunk = 0; chunk < chunks_.size(); ++chunk) {
    if (chunks_[chunk] != nullptr) insert_names(chunk);
  }
  // Ancestors after every name, so that a name some chunk holds is never taken for an
  // empty non-terminal. A present ancestor stops the walk: its own ancestors are (or
  // will be) walked from it.
  std::vector<IndexEntry> named;
  named.reserve(size_);
  for (const IndexEntry& entry : table_) {
    if (entry.length != 0) named.push_back(entry);
  }
  for (const IndexEntry& entry : named) insert_ancestors(entry);
}

uint64_t SnapshotIndex::hash_name(std::span<const uint8_t> wire) {
  // Eight octets per step (names are short, so this beats a byte-wise hash); the
  // final mix spreads the high bits into the low ones the table indexes by.
  constexpr uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;
  uint64_t hash = 0x2545f4914f6cdd1dULL ^ wire.size();
  const uint8_t* at = wire.data();
  size_t left = wire.size();
  for (; left >= 8; at += 8, left -= 8) {
    uint64_t word;
    std::memcpy(&word, at, 8);
    hash = (hash ^ word) * kMultiplier;
    hash ^= hash >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, at, left);
  hash = (hash ^ tail) * kMultiplier;
  return hash ^ (hash >> 32);
}

std::span<const uint8_t> SnapshotIndex::entry_name(const IndexEntry& entry) const {
  const SnapshotChunk& chunk = *chunks_[entry.chunk];
  const ChunkName& name = chunk.names()[entry.name];
  return chunk.bytes(name.name_offset + entry.skip, entry.length);
}

const IndexEntry* SnapshotIndex::find(std::span<const uint8_t> qname, uint64_t hash) const {
  if (table_.empty()) return nullptr;
  uint64_t slot = hash & mask_;
  // Bounded: the table is at most 3/4 full, so an empty slot is always reached.
  for (const IndexEntry* entry = &table_[slot]; entry->length != 0; entry = &table_[slot]) {
    if (entry->hash == static_cast<uint32_t>(hash) && entry->length == qname.size() &&
        same_name(entry_name(*entry).data(), qname.data(), qname.size())) {
      return entry;
    }
    slot = (slot + 1) & mask_;
  }
  return nullptr;
}

IndexEntry* SnapshotIndex::slot_for(std::span<const uint8_t> name, uint64_t hash) {
  uint64_t slot = hash & mask_;
  while (table_[slot].length != 0) {
    IndexEntry& entry = table_[slot];
    if (entry.hash == static_cast<uint32_t>(hash) && entry.length == name.size() &&
        same_name(entry_name(entry).data(), name.data(), name.size())) {
      return &entry;
    }
    slot = (slot + 1) & mask_;
  }
  return &table_[slot];
}

void SnapshotIndex::grow() {
  std::vector<IndexEntry> old = std::move(table_);
  table_.assign(old.size() * 2, IndexEntry{});
  mask_ = table_.size() - 1;
  for (const IndexEntry& entry : old) {
    if (entry.length == 0) continue;
    uint64_t slot = entry.hash & mask_;
    while (table_[slot].length != 0) slot = (slot + 1) & mask_;
    table_[slot] = entry;
  }
}

void SnapshotIndex::insert_names(uint32_t chunk_position) {
  const SnapshotChunk& chunk = *chunks_[chunk_position];
  const auto names = chunk.names();
  for (uint32_t i = 0; i < names.size(); ++i) {
    const auto wire = chunk.name_bytes(names[i]);
    const uint64_t hash = hash_name(wire);
    IndexEntry* entry = slot_for(wire, hash);
    if (entry->length == 0) {
      *entry = {.hash = static_cast<uint32_t>(hash), .chunk = chunk_position, .name = i,
                .skip = 0, .length = names[i].name_length, .zone = names[i].zone, .unused = 0};
      ++size_;
      continue;
    }
    // Held twice. A name without records only says "exists": the other copy serves.
    const SnapshotChunk& held = *chunks_[entry->chunk];
    const bool held_has_records = held.names()[entry->name].block_count > 0;
    if (names[i].block_count == 0) continue;
    if (!held_has_records) {
      entry->chunk = chunk_position;
      entry->name = i;
      continue;
    }
    const std::string key(wire.begin(), wire.end());
    auto clash = std::find_if(clashes_.begin(), clashes_.end(),
                              [&](const NameClash& known) { return known.name == key; });
    if (clash == clashes_.end()) {
      clashes_.push_back({key, {entry->chunk}});
      clash = clashes_.end() - 1;
    }
    clash->chunks.push_back(chunk_position);
  }
}

void SnapshotIndex::insert_ancestors(IndexEntry entry) {
  const auto wire = entry_name(entry);
  const size_t apex_length = entry.zone < apex_lengths_.size() ? apex_lengths_[entry.zone] : 1;
  size_t skip = entry.skip;
  for (size_t position = size_t{wire[0]} + 1; wire.size() - position > apex_length;
       position += size_t{wire[position]} + 1) {
    const auto ancestor = wire.subspan(position);
    const uint64_t hash = hash_name(ancestor);
    IndexEntry* slot = slot_for(ancestor, hash);
    if (slot->length != 0) return;
    if (4 * (size_ + 1) > 3 * table_.size()) {
      grow();
      slot = slot_for(ancestor, hash);
    }
    *slot = {.hash = static_cast<uint32_t>(hash), .chunk = entry.chunk, .name = entry.name,
             .skip = static_cast<uint8_t>(skip + position), .length = static_cast<uint8_t>(ancestor.size()),
             .zone = entry.zone, .unused = 0};
    ++size_;
  }
}

uint32_t SnapshotIndex::attach(const SnapshotChunk* chunk) {
  chunks_.push_back(chunk);
  return static_cast<uint32_t>(chunks_.size() - 1);
}

bool SnapshotIndex::repoint(std::span<const uint8_t> name, uint32_t chunk, uint32_t name_index) {
  IndexEntry* entry = slot_for(name, hash_name(name));
  if (entry->length == 0 || entry->skip != 0) return false;
  entry->chunk = chunk;
  entry->name = name_index;
  return true;
}

size_t SnapshotIndex::memory_bytes() const {
  return table_.capacity() * sizeof(IndexEntry) + chunks_.capacity() * sizeof(void*);
}

}  // namespace clusterdns::zones
