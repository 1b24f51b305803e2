#include "registry/compact_string.h"

#include <cstring>
#include <new>
#include <ostream>

#include "registry/string_arena.h"

namespace clusterdns::registry {

CompactString::CompactString(std::string_view text) {
  if (text.empty()) return;
  void* memory = ::operator new(sizeof(Block) + text.size());
  block_ = new (memory) Block{};
  block_->references.store(1, std::memory_order_relaxed);
  block_->size = static_cast<uint32_t>(text.size());
  std::memcpy(block_->text(), text.data(), text.size());
}

std::atomic<uint32_t>& CompactString::counter_of(Block* block) noexcept {
  const uint32_t word = block->references.load(std::memory_order_relaxed);
  if ((word & kInArena) == 0) return block->references;
  const size_t distance = ((word & ~kInArena) >> kArenaDistanceShift) * 4;
  return *reinterpret_cast<std::atomic<uint32_t>*>(reinterpret_cast<char*>(block) - distance);
}

CompactString::CompactString(Block* block) noexcept : block_(block) {
  counter_of(block_).fetch_add(1, std::memory_order_relaxed);
}

CompactString::CompactString(const CompactString& other) noexcept : block_(other.block_) {
  if (block_ != nullptr) counter_of(block_).fetch_add(1, std::memory_order_relaxed);
}

CompactString& CompactString::operator=(const CompactString& other) noexcept {
  Block* const block = other.block_;  // read first: `other` may be this very string
  if (block != nullptr) counter_of(block).fetch_add(1, std::memory_order_relaxed);
  release();
  block_ = block;
  return *this;
}

CompactString& CompactString::operator=(CompactString&& other) noexcept {
  if (this != &other) {
    release();
    block_ = other.block_;
    other.block_ = nullptr;
  }
  return *this;
}

CompactString::~CompactString() { release(); }

void CompactString::release() noexcept {
  if (block_ == nullptr) return;
  // The last owner frees; acq_rel so that its reads happen before the memory goes.
  std::atomic<uint32_t>& counter = counter_of(block_);
  if (counter.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    if (&counter == &block_->references) {
      block_->~Block();
      ::operator delete(block_);
    } else {
      StringArena::free_block(&counter);
    }
  }
  block_ = nullptr;
}

std::ostream& operator<<(std::ostream& out, const CompactString& text) {
  return out << text.view();
}

}  // namespace clusterdns::registry
