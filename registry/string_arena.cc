#include "registry/string_arena.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <unordered_set>

namespace clusterdns::registry {

namespace {

// A block: its count, then each text as CompactString's arena word and the characters,
// every one at a four-octet boundary (the word's alignment).
constexpr size_t kHeader = sizeof(std::atomic<uint32_t>);

std::atomic<uint32_t>* count_of(char* block) {
  return std::launder(reinterpret_cast<std::atomic<uint32_t>*>(block));
}

// Lets go of the arena's own hold on a block.
void release(char* block) {
  std::atomic<uint32_t>* count = count_of(block);
  if (count->fetch_sub(1, std::memory_order_acq_rel) == 1) StringArena::free_block(count);
}

}  // namespace

StringArena::~StringArena() {
  stored_.clear();
  if (block_ != nullptr) release(block_);
}

void StringArena::add(CompactString& text) {
  if (text.in_arena()) return reuse(text);
  // A text too long for the arena word keeps its own block.
  if (!text.empty() && text.size() <= CompactString::kMaxArenaSize) moving_.push_back(&text);
}

void StringArena::reuse(const CompactString& text) {
  if (text.in_arena()) stored_.try_emplace(text.view(), text);
}

void StringArena::start_block(size_t bytes) {
  // Grows with what the file stored so far: one block for a small file, few for a large.
  const size_t wanted = std::max(bytes, std::min(stored_bytes_, kMaxBlockBytes)) + kHeader;
  const size_t capacity = std::min(wanted, kLargestBlock);
  char* const memory = static_cast<char*>(::operator new(capacity));
  new (memory) std::atomic<uint32_t>(1);  // the arena's own hold
  if (block_ != nullptr) release(block_);
  block_ = memory;
  used_ = kHeader;
  capacity_ = capacity;
}

void StringArena::store() {
  static_assert(entry_size(CompactString::kMaxArenaSize) + kHeader <= kLargestBlock,
                "a fresh block holds the longest text");
  static_assert(CompactString::kArenaHeader == kAlign && alignof(std::atomic<uint32_t>) <= kAlign);
  // The new texts, each once. The views point into the moving strings, which stay
  // untouched until their copies exist.
  std::vector<std::string_view> texts;
  std::unordered_set<std::string_view> seen;
  size_t bytes = 0;
  for (const CompactString* text : moving_) {
    if (stored_.count(text->view()) != 0 || !seen.insert(text->view()).second) continue;
    texts.push_back(text->view());
    bytes += entry_size(text->size());
  }
  for (const std::string_view text : texts) {
    const size_t entry = entry_size(text.size());
    if (block_ == nullptr || used_ + entry > capacity_) start_block(bytes);
    const uint32_t word = CompactString::kInArena |
                          static_cast<uint32_t>(used_ / kAlign)
                              << CompactString::kArenaDistanceShift |
                          static_cast<uint32_t>(text.size());
    new (block_ + used_) std::atomic<uint32_t>(word);
    char* const characters = block_ + used_ + CompactString::kArenaHeader;
    std::memcpy(characters, text.data(), text.size());
    auto* const block = reinterpret_cast<Block*>(block_ + used_);
    stored_.try_emplace(std::string_view(characters, text.size()), CompactString(block));
    used_ += entry;
    bytes -= entry;
    stored_bytes_ += entry;
  }
  // Looked up by the string's own view, valid until the string is pointed elsewhere.
  for (CompactString* text : moving_) *text = stored_.at(text->view());
  moving_.clear();
}

void StringArena::free_block(std::atomic<uint32_t>* count) noexcept {
  // The texts need no destructor: only the count was constructed with one.
  count->~atomic();
  ::operator delete(static_cast<void*>(count));
}

}  // namespace clusterdns::registry
