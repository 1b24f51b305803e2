#include "registry/ip_list.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>

namespace clusterdns::registry {

namespace {
constexpr size_t kCountSize = sizeof(uint32_t);  // in front of a heap block's addresses
}  // namespace

IpList::IpList(std::initializer_list<IpAddress> ips) : IpList() {
  for (const IpAddress& ip : ips) push_back(ip);
}

IpList::IpList(const IpList& other) : IpList() {
  *this = other;
}

IpList::IpList(IpList&& other) noexcept : IpList() {
  *this = std::move(other);
}

IpList& IpList::operator=(const IpList& other) {
  if (this == &other) return *this;
  clear();
  for (const IpAddress& ip : other) push_back(ip);
  return *this;
}

IpList& IpList::operator=(IpList&& other) noexcept {
  if (this == &other) return *this;
  clear();
  if (other.kind_ == Kind::kMany) {
    set_block(other.block());
  } else {
    one_ = other.one_;
  }
  kind_ = other.kind_;
  new (&other.one_) IpAddress();  // `other` no longer owns the heap block
  other.kind_ = Kind::kEmpty;
  return *this;
}

const IpAddress& IpList::at(size_t i) const {
  if (i >= size()) throw std::out_of_range("IpList::at");
  return begin()[i];
}

void IpList::push_back(const IpAddress& ip) {
  if (kind_ == Kind::kEmpty) {
    one_ = ip;
    kind_ = Kind::kOne;
    return;
  }
  // Exactly the room needed: these lists are short and kept for long.
  const size_t count = size() + 1;
  if (count > UINT32_MAX) throw std::length_error("IpList");
  auto* block = static_cast<unsigned char*>(::operator new(kCountSize + count * sizeof(IpAddress)));
  const auto stored = static_cast<uint32_t>(count);
  std::memcpy(block, &stored, kCountSize);
  auto* items = reinterpret_cast<IpAddress*>(block + kCountSize);
  std::uninitialized_copy(begin(), end(), items);
  new (items + count - 1) IpAddress(ip);
  if (kind_ == Kind::kMany) ::operator delete(this->block());
  set_block(block);
  kind_ = Kind::kMany;
}

void IpList::clear() noexcept {
  if (kind_ == Kind::kMany) ::operator delete(block());
  new (&one_) IpAddress();
  kind_ = Kind::kEmpty;
}

bool operator==(const IpList& a, const IpList& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

std::strong_ordering operator<=>(const IpList& a, const IpList& b) {
  return std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
}

unsigned char* IpList::block() const {
  unsigned char* block = nullptr;
  std::memcpy(&block, many_.data(), sizeof(block));
  return block;
}

void IpList::set_block(unsigned char* block) {
  new (&many_) std::array<unsigned char, sizeof(unsigned char*)>();
  std::memcpy(many_.data(), &block, sizeof(block));
}

IpAddress* IpList::many() const {
  return std::launder(reinterpret_cast<IpAddress*>(block() + kCountSize));
}

size_t IpList::many_size() const {
  uint32_t count = 0;
  std::memcpy(&count, block(), kCountSize);
  return count;
}

}  // namespace clusterdns::registry
