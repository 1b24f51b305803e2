#include "zones/answer_pieces.h"

#include <algorithm>
#include <string_view>

#include "registry/stable_hash.h"

namespace clusterdns::zones {
namespace {

constexpr size_t kFixedFields = 10;  // type, class, TTL, RDLENGTH

uint64_t extend_hash(uint64_t hash, std::span<const uint8_t> octets) {
  return registry::fnv1a64({reinterpret_cast<const char*>(octets.data()), octets.size()}, hash);
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
  const uint64_t hash = extend_hash(registry::kFnvOffsetBasis, section);
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
                          std::vector<AnswerPiece>& pieces) const {
  pieces.clear();
  if (size_ == 0) return false;
  for (size_t start = 0; start < section.size();) {
    if (pieces.size() == max_pieces) return false;
    const Entry* longest = nullptr;
    uint64_t hash = registry::kFnvOffsetBasis;
    for (size_t end = start; end < section.size();) {
      const size_t length = record_length(section, end);
      if (length == 0) return false;
      hash = extend_hash(hash, section.subspan(end, length));
      end += length;
      if (const Entry* found = find(hash, section.subspan(start, end - start))) longest = found;
    }
    if (longest == nullptr) return false;
    pieces.push_back(longest->stored);
    start += longest->length;
  }
  return true;
}

}  // namespace clusterdns::zones
