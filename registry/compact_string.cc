#include "registry/compact_string.h"

#include <cstring>
#include <new>
#include <ostream>

namespace clusterdns::registry {

CompactString::CompactString(std::string_view text) {
  if (text.empty()) return;
  void* memory = ::operator new(sizeof(Block) + text.size());
  block_ = new (memory) Block{};
  block_->references.store(1, std::memory_order_relaxed);
  block_->size = static_cast<uint32_t>(text.size());
  std::memcpy(block_->text(), text.data(), text.size());
}

CompactString::CompactString(const CompactString& other) noexcept : block_(other.block_) {
  if (block_ != nullptr) block_->references.fetch_add(1, std::memory_order_relaxed);
}

CompactString& CompactString::operator=(const CompactString& other) noexcept {
  Block* const block = other.block_;  // read first: `other` may be this very string
  if (block != nullptr) block->references.fetch_add(1, std::memory_order_relaxed);
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
  if (block_->references.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    block_->~Block();
    ::operator delete(block_);
  }
  block_ = nullptr;
}

std::ostream& operator<<(std::ostream& out, const CompactString& text) {
  return out << text.view();
}

}  // namespace clusterdns::registry
