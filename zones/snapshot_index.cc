#include "zones/snapshot_index.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace clusterdns::zones {
namespace {

template <class Word>
bool same_word(const uint8_t* a, const uint8_t* b) {
  Word x;
  Word y;
  std::memcpy(&x, a, sizeof(Word));
  std::memcpy(&y, b, sizeof(Word));
  return x == y;
}

// The probe's names are at most 255 octets: compare inline, eight octets per step,
// instead of a call into the C library for a few dozen octets. The last step
// overlaps the one before rather than going octet by octet (a name is compared in
// two parts, the labels above the apex and the apex, so tails are common).
bool same_name(const uint8_t* a, const uint8_t* b, size_t size) {
  if (size >= 8) {
    for (size_t at = 0; at + 8 < size; at += 8) {
      if (!same_word<uint64_t>(a + at, b + at)) return false;
    }
    return same_word<uint64_t>(a + size - 8, b + size - 8);
  }
  if (size >= 4) return same_word<uint32_t>(a, b) && same_word<uint32_t>(a + size - 4, b + size - 4);
  for (size_t at = 0; at < size; ++at) {
    if (a[at] != b[at]) return false;
  }
  return true;
}

std::string_view view_of(std::span<const uint8_t> wire) {
  return {reinterpret_cast<const char*>(wire.data()), wire.size()};
}

std::span<const uint8_t> parent_of(std::span<const uint8_t> wire) {
  return wire.subspan(size_t{wire[0]} + 1);
}

// Arena offsets are name ids too (IndexEntry keeps them divided by four).
size_t padded(size_t size) {
  return (size + 3) & ~size_t{3};
}

}  // namespace

void IndexEntry::set_name(uint32_t id) {
  if (id >= kIdLimit || id % 4 != 0) {
    throw std::length_error("snapshot index: name id " + std::to_string(id) +
                            " is not a multiple of four below 64 MiB");
  }
  name_and_length_ = (id >> 2) << 8 | (name_and_length_ & 0xff);
}

SnapshotIndex::SnapshotIndex(const std::vector<std::string>& apexes, size_t slots)
    : chunks_(slots, nullptr), table_(16) {
  // Three zones (the cluster domain, in-addr.arpa., ip6.arpa.), each at most 255 octets.
  if (apexes.size() > kMaxZones) throw std::invalid_argument("too many served zones");
  size_t used = 0;
  for (const std::string& apex : apexes) {
    if (apex.size() > 255 || used + apex.size() > apex_bytes_.size()) {
      throw std::invalid_argument("served zone apexes too long");
    }
    apex_offset_[apex_count_] = static_cast<uint16_t>(used);
    apex_length_[apex_count_] = static_cast<uint8_t>(apex.size());
    std::copy(apex.begin(), apex.end(), apex_bytes_.begin() + static_cast<ptrdiff_t>(used));
    used += apex.size();
    ++apex_count_;
  }
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

std::span<const uint8_t> SnapshotIndex::full_name(const SnapshotChunk& chunk,
                                                  const ChunkName& name,
                                                  NameBuffer& buffer) const {
  return joined(chunk.name_prefix(name), name.zone, buffer);
}

std::span<const uint8_t> SnapshotIndex::joined(const NameLabels& labels, uint8_t zone,
                                               NameBuffer& buffer) const {
  size_t size = 0;
  for (const auto part : {labels.own, labels.suffix, apex(zone)}) {
    std::copy(part.begin(), part.end(), buffer.begin() + static_cast<ptrdiff_t>(size));
    size += part.size();
  }
  return {buffer.data(), size};
}

std::span<const uint8_t> SnapshotIndex::entry_name(const IndexEntry& entry,
                                                   NameBuffer& buffer) const {
  if (entry.chunk == kNoChunk) {
    return joined({empty_non_terminal_prefix(entry), {}}, entry.zone(), buffer);
  }
  const SnapshotChunk& chunk = *chunks_[entry.chunk];
  return full_name(chunk, chunk.name(entry.name()), buffer);
}

uint32_t SnapshotIndex::store_empty_non_terminal(std::span<const uint8_t> name, uint8_t zone) {
  const size_t labels = name.size() - apex(zone).size();
  const auto offset = static_cast<uint32_t>(arena_.size());
  arena_.insert(arena_.end(), name.begin(), name.begin() + static_cast<ptrdiff_t>(labels));
  arena_.resize(padded(arena_.size()), 0);
  return offset;
}

bool SnapshotIndex::entry_is(const IndexEntry& entry, std::span<const uint8_t> name) const {
  const auto apex_labels = apex(entry.zone());
  if (entry.chunk == kNoChunk) {
    const auto labels = empty_non_terminal_prefix(entry);
    return labels.size() + apex_labels.size() == name.size() &&
           same_name(labels.data(), name.data(), labels.size()) &&
           same_name(apex_labels.data(), name.data() + labels.size(), apex_labels.size());
  }
  const SnapshotChunk& chunk = *chunks_[entry.chunk];
  const ChunkName& record = chunk.name(entry.name());
  // The record's own labels first: they are in the cache line the lookup just read,
  // and a name without a suffix needs no more.
  const auto own = SnapshotChunk::own_labels(record);
  if (own.size() + apex_labels.size() > name.size() ||
      !same_name(own.data(), name.data(), own.size()) ||
      !same_name(apex_labels.data(), name.data() + name.size() - apex_labels.size(),
                 apex_labels.size())) {
    return false;
  }
  if (!record.has_suffix) return own.size() + apex_labels.size() == name.size();
  const auto suffix = chunk.name_prefix(record).suffix;
  return own.size() + suffix.size() + apex_labels.size() == name.size() &&
         same_name(suffix.data(), name.data() + own.size(), suffix.size());
}

const IndexEntry* SnapshotIndex::find(std::span<const uint8_t> qname, uint64_t hash) const {
  if (table_.empty()) return nullptr;
  size_t slot = home(static_cast<uint32_t>(hash));
  // Bounded: the table is at most 3/4 full, so an empty slot is always reached.
  for (const IndexEntry* entry = &table_[slot]; entry->length() != 0; entry = &table_[slot]) {
    if (entry->hash == static_cast<uint32_t>(hash) && entry->length() == qname.size() &&
        entry_is(*entry, qname)) {
      return entry;
    }
    slot = next(slot);
  }
  return nullptr;
}

void SnapshotIndex::prefetch(std::span<const uint64_t> hashes) const {
  if (table_.empty() || hashes.size() > kMaxPrefetch) return;
  const size_t n = hashes.size();
  // Each stage reads what the previous one asked for: the table entries from the home
  // slot on, then the chunk, then the name's record (header and answer blocks), then
  // its labels (with the SuffixRef before them), then the first answer's bytes and the
  // labels of the name's suffix, if another record holds them.
  for (size_t i = 0; i < n; ++i) __builtin_prefetch(&table_[home(static_cast<uint32_t>(hashes[i]))]);
  std::array<const SnapshotChunk*, kMaxPrefetch> chunks{};
  std::array<uint32_t, kMaxPrefetch> names{};
  for (size_t i = 0; i < n; ++i) {
    // The entry of that hash, or the empty slot that ends its probe: in a table over
    // half full many names sit past their home slot, and the home slot's chunk and
    // record would be another name's. perf under dnsperf: entry_is() stalled on the
    // name record for 1.7% of the server's CPU, and no longer does.
    const auto hash = static_cast<uint32_t>(hashes[i]);
    size_t slot = home(hash);
    while (table_[slot].length() != 0 && table_[slot].hash != hash) slot = next(slot);
    const IndexEntry& entry = table_[slot];
    if (entry.length() == 0 || entry.chunk == kNoChunk) continue;
    chunks[i] = chunks_[entry.chunk];
    names[i] = entry.name();
    __builtin_prefetch(chunks[i]);
  }
  std::array<const ChunkName*, kMaxPrefetch> records{};
  for (size_t i = 0; i < n; ++i) {
    if (chunks[i] == nullptr) continue;
    records[i] = &chunks[i]->name(names[i]);
    __builtin_prefetch(records[i]);
  }
  for (size_t i = 0; i < n; ++i) {
    if (records[i] == nullptr) continue;
    __builtin_prefetch(SnapshotChunk::own_labels(*records[i]).data());
  }
  for (size_t i = 0; i < n; ++i) {
    if (records[i] == nullptr) continue;
    if (records[i]->has_suffix)
      __builtin_prefetch(chunks[i]->name_prefix(*records[i]).suffix.data());
    // A name with an inline answer is mostly asked for that one.
    if (records[i]->block_count == 0 || records[i]->has_inline_answer()) continue;
    const AnswerBlock& block = chunks[i]->blocks(*records[i]).front();
    __builtin_prefetch(chunks[i]->bytes(block.offset, 0).data());
  }
}

// The position of the name's entry, or of the empty slot where it would go.
size_t SnapshotIndex::slot_of(std::span<const uint8_t> name, uint64_t hash) const {
  size_t slot = home(static_cast<uint32_t>(hash));
  while (table_[slot].length() != 0) {
    const IndexEntry& entry = table_[slot];
    if (entry.hash == static_cast<uint32_t>(hash) && entry.length() == name.size() &&
        entry_is(entry, name)) {
      return slot;
    }
    slot = next(slot);
  }
  return slot;
}

void SnapshotIndex::rehash(size_t capacity) {
  std::vector<IndexEntry> old = std::move(table_);
  table_.assign(capacity, IndexEntry{});
  for (const IndexEntry& entry : old) {
    if (entry.length() == 0) continue;
    size_t slot = home(entry.hash);
    while (table_[slot].length() != 0) slot = next(slot);
    table_[slot] = entry;
  }
}

void SnapshotIndex::reserve(size_t names) {
  const size_t wanted = std::max<size_t>(16, names + names / 3 + 1);
  if (wanted > table_.size()) rehash(wanted);
}

void SnapshotIndex::shrink_to_fit() {
  if (arena_garbage_ > 0) compact_arena();
  arena_.shrink_to_fit();
  // The first build reserved the table from a sample, with a margin: at 50k objects it
  // ends ~0.63 full. Refilled to ~0.71 (below the 3/4 that makes it grow), it gives
  // back ~16 B/object (issue 8). The entries keep their hashes, and the old table's
  // order is nearly the new one's, so the refill writes mostly in sequence.
  const size_t fitted = size_ + size_ * 2 / 5;
  if (fitted < table_.size() - table_.size() / 10) rehash(fitted);
}

bool SnapshotIndex::grow_if_needed() {
  if (4 * (size_ + 1) <= 3 * table_.size()) return false;
  // By half, not double: a power-of-two table at 50k objects was more than half empty.
  rehash(table_.size() + table_.size() / 2);
  return true;
}

void SnapshotIndex::erase_at(size_t position) {
  // Backward-shift deletion: pull later entries of the probe run into the hole unless
  // their home slot lies after it, so every entry stays reachable from its home.
  --size_;
  size_t hole = position;
  for (size_t at = next(hole); table_[at].length() != 0; at = next(at)) {
    if (distance(home(table_[at].hash), at) >= distance(hole, at)) {
      table_[hole] = table_[at];
      hole = at;
    }
  }
  table_[hole] = IndexEntry{};
}

bool SnapshotIndex::has_records(uint16_t slot, uint32_t name) const {
  return chunks_[slot]->name(name).has_records();
}

void SnapshotIndex::add_child_to_parent(std::span<const uint8_t> name, uint8_t zone) {
  const size_t apex_length = zone < apex_count_ ? apex_length_[zone] : 1;
  if (name.size() <= apex_length) return;  // the apex: nothing above it is ours
  const auto parent = parent_of(name);
  const uint64_t hash = hash_name(parent);
  size_t position = slot_of(parent, hash);
  if (table_[position].length() != 0) {
    add_child(position, parent);
    return;
  }
  if (grow_if_needed()) position = slot_of(parent, hash);
  // `parent` may point into a buffer of the caller's: copy it out first.
  std::array<uint8_t, 256> copy;
  std::copy(parent.begin(), parent.end(), copy.begin());
  const std::span<const uint8_t> own(copy.data(), parent.size());
  table_[position] = IndexEntry(static_cast<uint32_t>(hash), store_empty_non_terminal(own, zone),
                                kNoChunk, static_cast<uint8_t>(own.size()), zone);
  table_[position].set_children(1);
  ++size_;
  add_child_to_parent(own, zone);
}

void SnapshotIndex::add_child(size_t position, std::span<const uint8_t> name) {
  IndexEntry& entry = table_[position];
  if (entry.children() < IndexEntry::kMaxChildren) {
    entry.set_children(static_cast<uint16_t>(entry.children() + 1));
  } else {
    ++extra_children_[std::string(view_of(name))];
  }
}

bool SnapshotIndex::remove_child(size_t position, std::span<const uint8_t> name) {
  IndexEntry& entry = table_[position];
  if (entry.children() == IndexEntry::kMaxChildren) {
    const auto extra = extra_children_.find(std::string(view_of(name)));
    if (extra != extra_children_.end()) {
      if (--extra->second == 0) extra_children_.erase(extra);
      return true;
    }
  }
  entry.set_children(static_cast<uint16_t>(entry.children() - 1));
  return entry.children() > 0;
}

void SnapshotIndex::remove_child_from_parent(std::span<const uint8_t> name, uint8_t zone) {
  const size_t apex_length = zone < apex_count_ ? apex_length_[zone] : 1;
  if (name.size() <= apex_length) return;
  const auto parent = parent_of(name);
  const size_t position = slot_of(parent, hash_name(parent));
  IndexEntry& entry = table_[position];
  if (entry.length() == 0 || entry.children() == 0) return;  // not counted: nothing to undo
  if (remove_child(position, parent) || entry.chunk != kNoChunk) return;
  arena_garbage_ += padded(empty_non_terminal_prefix(entry).size());
  erase_at(position);
  remove_child_from_parent(parent, zone);  // the arena is not compacted meanwhile
}

void SnapshotIndex::turn_into_empty_non_terminal(size_t position) {
  IndexEntry& entry = table_[position];
  NameBuffer buffer;
  const auto name = entry_name(entry, buffer);
  entry.set_name(store_empty_non_terminal(name, entry.zone()));
  entry.chunk = kNoChunk;
}

void SnapshotIndex::add_name(uint16_t slot, uint32_t name_index) {
  const SnapshotChunk& chunk = *chunks_[slot];
  const ChunkName& name = chunk.name(name_index);
  NameBuffer buffer;
  const auto wire = full_name(chunk, name, buffer);
  const uint64_t hash = hash_name(wire);
  size_t position = slot_of(wire, hash);
  if (table_[position].length() == 0) {
    if (grow_if_needed()) position = slot_of(wire, hash);
    table_[position] = IndexEntry(static_cast<uint32_t>(hash), name_index, slot,
                                  static_cast<uint8_t>(wire.size()), name.zone);
    ++size_;
    add_child_to_parent(wire, name.zone);
    return;
  }
  IndexEntry& entry = table_[position];
  if (entry.chunk == kNoChunk) {  // was an empty non-terminal: now held
    arena_garbage_ += padded(empty_non_terminal_prefix(entry).size());
    entry.chunk = slot;
    entry.set_name(name_index);
    return;
  }
  // Another chunk holds it too: remember both, serve one that has records.
  std::vector<Holder>& holders = shared_[std::string(view_of(wire))];
  if (holders.empty()) {
    holders.push_back({entry.chunk, entry.name(), has_records(entry.chunk, entry.name())});
  }
  const bool records = name.has_records();
  holders.push_back({slot, name_index, records});
  if (records && !has_records(entry.chunk, entry.name())) {
    entry.chunk = slot;
    entry.set_name(name_index);
  }
}

void SnapshotIndex::remove_name(uint16_t slot, uint32_t name_index) {
  const SnapshotChunk& chunk = *chunks_[slot];
  const ChunkName& name = chunk.name(name_index);
  NameBuffer buffer;
  const auto wire = full_name(chunk, name, buffer);
  const size_t position = slot_of(wire, hash_name(wire));
  IndexEntry& entry = table_[position];
  if (entry.length() == 0) return;
  if (const auto shared = shared_.find(std::string(view_of(wire))); shared != shared_.end()) {
    std::vector<Holder>& holders = shared->second;
    std::erase_if(holders, [&](const Holder& h) { return h.slot == slot && h.name == name_index; });
    if (entry.chunk == slot && entry.name() == name_index) {
      const auto with_records = std::find_if(holders.begin(), holders.end(),
                                             [](const Holder& h) { return h.has_records; });
      const Holder& next = with_records != holders.end() ? *with_records : holders.front();
      entry.chunk = next.slot;
      entry.set_name(next.name);
    }
    if (holders.size() < 2) shared_.erase(shared);
    return;
  }
  if (entry.children() > 0) {
    turn_into_empty_non_terminal(position);
    return;
  }
  erase_at(position);
  remove_child_from_parent(wire, name.zone);
}

void SnapshotIndex::replace(uint16_t slot, const SnapshotChunk* chunk) {
  const SnapshotChunk* old = chunks_[slot];
  if (old == chunk) return;
  if (old == nullptr) {
    // An empty slot (every slot of a first build): no entry points at it, so the
    // names go straight in, without the scratch slot and the second pass.
    chunks_[slot] = chunk;
    // A name's entry and its parent's are anywhere in a table of megabytes: ask for
    // them a few names ahead, so that the cache misses overlap instead of queueing.
    const auto ids = chunk->name_ids();
    constexpr size_t kAhead = 8;
    auto ahead = ids.begin();
    const auto prefetch = [&] {
      NameBuffer buffer;
      const auto wire = full_name(*chunk, chunk->name(*ahead), buffer);
      __builtin_prefetch(&table_[home(static_cast<uint32_t>(hash_name(wire)))]);
      if (wire.size() > 1) {
        __builtin_prefetch(&table_[home(static_cast<uint32_t>(hash_name(parent_of(wire))))]);
      }
      ++ahead;
    };
    for (size_t i = 0; i < kAhead && ahead != ids.end(); ++i) prefetch();
    for (const uint32_t id : ids) {
      if (ahead != ids.end()) prefetch();
      add_name(slot, id);
    }
    if (arena_garbage_ > 65536 && 2 * arena_garbage_ > arena_.size()) compact_arena();
    return;
  }
  // The new chunk sits in a scratch slot while the old one is still readable, so every
  // entry's name can be read throughout; then its entries move to `slot`.
  const auto scratch = static_cast<uint16_t>(chunks_.size());
  chunks_.push_back(chunk);
  // By whole name: a chunk stores only the labels above each name's apex.
  std::unordered_map<std::string, uint32_t> old_names;
  NameBuffer buffer;
  if (old != nullptr) {
    old_names.reserve(old->name_count());
    for (const uint32_t id : old->name_ids()) {
      old_names.emplace(view_of(full_name(*old, old->name(id), buffer)), id);
    }
  }
  std::vector<size_t> moved;  // positions of entries pointing at the scratch slot
  if (chunk != nullptr) {
    for (const uint32_t i : chunk->name_ids()) {
      const auto wire = full_name(*chunk, chunk->name(i), buffer);
      const auto kept = old_names.find(std::string(view_of(wire)));
      if (kept == old_names.end()) {
        add_name(scratch, i);
        continue;
      }
      // Held before and after: the same entry, now read from the new chunk.
      const uint32_t old_index = kept->second;
      old_names.erase(kept);
      const size_t position = slot_of(wire, hash_name(wire));
      IndexEntry& entry = table_[position];
      if (entry.chunk == slot && entry.name() == old_index) {
        entry.chunk = scratch;
        entry.set_name(i);
      }
      if (auto shared = shared_.find(std::string(view_of(wire))); shared != shared_.end()) {
        for (Holder& holder : shared->second) {
          if (holder.slot == slot && holder.name == old_index) {
            holder = {scratch, i, chunk->name(i).has_records()};
          }
        }
      }
    }
  }
  for (const auto& [name, index] : old_names) remove_name(slot, index);
  // Every entry and holder on the scratch slot moves to `slot`. Positions first: the
  // table must not be searched while entries point at a slot whose chunk is changing.
  if (chunk != nullptr) {
    for (const uint32_t i : chunk->name_ids()) {
      const auto wire = full_name(*chunk, chunk->name(i), buffer);
      const size_t position = slot_of(wire, hash_name(wire));
      if (table_[position].chunk == scratch) moved.push_back(position);
      if (auto shared = shared_.find(std::string(view_of(wire))); shared != shared_.end()) {
        for (Holder& holder : shared->second) {
          if (holder.slot == scratch) holder.slot = slot;
        }
      }
    }
  }
  for (const size_t position : moved) table_[position].chunk = slot;
  chunks_[slot] = chunk;
  chunks_.pop_back();
  if (arena_garbage_ > 65536 && 2 * arena_garbage_ > arena_.size()) compact_arena();
}

void SnapshotIndex::compact_arena() {
  std::vector<uint8_t> arena;
  for (IndexEntry& entry : table_) {
    if (entry.length() == 0 || entry.chunk != kNoChunk) continue;
    const auto prefix = empty_non_terminal_prefix(entry);
    entry.set_name(static_cast<uint32_t>(arena.size()));
    arena.insert(arena.end(), prefix.begin(), prefix.end());
    arena.resize(padded(arena.size()), 0);
  }
  arena_ = std::move(arena);
  arena_garbage_ = 0;
}

std::vector<std::pair<std::string, std::vector<uint16_t>>> SnapshotIndex::clashes() const {
  std::vector<std::pair<std::string, std::vector<uint16_t>>> found;
  for (const auto& [name, holders] : shared_) {
    std::vector<uint16_t> slots;
    for (const Holder& holder : holders) {
      if (holder.has_records) slots.push_back(holder.slot);
    }
    if (slots.size() < 2) continue;
    std::sort(slots.begin(), slots.end());
    found.emplace_back(name, std::move(slots));
  }
  std::sort(found.begin(), found.end());
  return found;
}

bool SnapshotIndex::redirect(std::span<const uint8_t> name, uint16_t slot, uint32_t name_index) {
  const size_t position = slot_of(name, hash_name(name));
  IndexEntry& entry = table_[position];
  if (entry.length() == 0 || entry.chunk == kNoChunk) return false;
  redirects_.push_back({std::string(view_of(name)), entry.chunk, entry.name()});
  entry.chunk = slot;
  entry.set_name(name_index);
  return true;
}

void SnapshotIndex::restore_redirects() {
  // In reverse, so a name redirected twice ends where it started.
  for (auto redirect = redirects_.rbegin(); redirect != redirects_.rend(); ++redirect) {
    const auto name = std::span(reinterpret_cast<const uint8_t*>(redirect->name.data()),
                                redirect->name.size());
    const size_t position = slot_of(name, hash_name(name));
    if (table_[position].length() == 0) continue;
    table_[position].chunk = redirect->slot;
    table_[position].set_name(redirect->name_index);
  }
  redirects_.clear();
}

size_t SnapshotIndex::memory_bytes() const {
  return table_.capacity() * sizeof(IndexEntry) + chunks_.capacity() * sizeof(void*) +
         arena_.capacity();
}

}  // namespace clusterdns::zones
