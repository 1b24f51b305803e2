#include "zones/answer_pieces.h"

#include <algorithm>
#include <string_view>

#include "registry/stable_hash.h"

namespace clusterdns::zones {
namespace {

constexpr size_t kFixedFields = 10;  // type, class, TTL, RDLENGTH

uint64_t record_hash(std::span<const uint8_t> octets) {
  return registry::fnv1a64({reinterpret_cast<const char*>(octets.data()), octets.size()});
}

// A section's hash folds its records' hashes, so that split() hashes each record once
// and then every run of records with one step per record.
constexpr uint64_t kSectionSeed = registry::kFnvOffsetBasis;
uint64_t fold(uint64_t hash, uint64_t record) {
  hash = (hash ^ record) * 0x9e3779b97f4a7c15ULL;
  return hash ^ (hash >> 29);
}

// The table is keyed by content hash and length together.
uint64_t key_of(uint64_t hash, uint32_t length) {
  const uint64_t key = hash ^ (uint64_t{length} * 0x9e3779b97f4a7c15ULL);
  return key ^ (key >> 29);
}

}  // namespace

size_t record_length(std::span<const uint8_t> section, size_t at) {
  size_t position = at;
  while (true) {  // the owner: labels up to the root or a compression pointer
    if (position >= section.size()) return 0;
    const uint8_t length = section[position];
    if ((length & 0xc0) == 0xc0) {
      position += 2;
      break;
    }
    position += 1 + size_t{length};
    if (length == 0) break;
  }
  if (position + kFixedFields > section.size()) return 0;
  const size_t rdata = (size_t{section[position + 8]} << 8) | section[position + 9];
  position += kFixedFields + rdata;
  return position > section.size() ? 0 : position - at;
}

void StoredAnswers::clear() {
  std::fill(table_.begin(), table_.end(), Entry{});
  octets_.clear();
  size_ = 0;
}

void StoredAnswers::grow() {
  std::vector<Entry> old = std::move(table_);
  table_.assign(std::max<size_t>(64, old.size() * 2), Entry{});
  const size_t mask = table_.size() - 1;
  for (const Entry& entry : old) {
    if (entry.length == 0) continue;
    size_t at = key_of(entry.hash, entry.length) & mask;
    while (table_[at].length != 0) at = (at + 1) & mask;
    table_[at] = entry;
  }
}

void StoredAnswers::remember(AnswerPiece stored, std::span<const uint8_t> section) {
  if (section.empty()) return;
  uint64_t hash = kSectionSeed;
  for (size_t at = 0; at < section.size();) {
    const size_t length = record_length(section, at);
    if (length == 0) return;  // not whole records: never a piece
    hash = fold(hash, record_hash(section.subspan(at, length)));
    at += length;
  }
  if (find(hash, section) != nullptr) return;  // the same octets stored twice: the first serves
  if (2 * (size_ + 1) > table_.size()) grow();
  const auto length = static_cast<uint32_t>(section.size());
  const size_t mask = table_.size() - 1;
  size_t at = key_of(hash, length) & mask;
  while (table_[at].length != 0) at = (at + 1) & mask;
  table_[at] = Entry{hash, static_cast<uint32_t>(octets_.size()), length, stored};
  octets_.insert(octets_.end(), section.begin(), section.end());
  ++size_;
}

const StoredAnswers::Entry* StoredAnswers::find(uint64_t hash,
                                                std::span<const uint8_t> section) const {
  if (table_.empty()) return nullptr;
  const auto length = static_cast<uint32_t>(section.size());
  const size_t mask = table_.size() - 1;
  for (size_t at = key_of(hash, length) & mask; table_[at].length != 0; at = (at + 1) & mask) {
    const Entry& entry = table_[at];
    if (entry.hash != hash || entry.length != length) continue;
    const uint8_t* known = octets_.data() + entry.octets;
    if (std::equal(known, known + length, section.begin())) return &entry;
  }
  return nullptr;
}

bool StoredAnswers::split(std::span<const uint8_t> section, size_t max_pieces,
                          std::vector<AnswerPiece>& pieces) {
  pieces.clear();
  if (size_ == 0) return false;
  records_.clear();
  for (size_t at = 0; at < section.size();) {
    const size_t length = record_length(section, at);
    if (length == 0) return false;
    records_.push_back({at, record_hash(section.subspan(at, length))});
    at += length;
  }
  records_.push_back({section.size(), 0});  // the end
  for (size_t first = 0; first + 1 < records_.size();) {
    if (pieces.size() == max_pieces) return false;
    const Entry* longest = nullptr;
    size_t after_longest = first;
    uint64_t hash = kSectionSeed;
    for (size_t next = first + 1; next < records_.size(); ++next) {
      hash = fold(hash, records_[next - 1].hash);
      const size_t start = records_[first].offset;
      if (const Entry* found = find(hash, section.subspan(start, records_[next].offset - start))) {
        longest = found;
        after_longest = next;
      }
    }
    if (longest == nullptr) return false;
    pieces.push_back(longest->stored);
    first = after_longest;
  }
  return true;
}

}  // namespace clusterdns::zones
