#include "registry/ip_list.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

namespace clusterdns::registry {

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
  if (other.size_ <= 1) {
    one_ = other.one_;
  } else {
    set_many(other.many());
  }
  size_ = other.size_;
  new (&other.one_) IpAddress();  // `other` no longer owns the heap array
  other.size_ = 0;
  return *this;
}

const IpAddress& IpList::at(size_t i) const {
  if (i >= size_) throw std::out_of_range("IpList::at");
  return begin()[i];
}

void IpList::push_back(const IpAddress& ip) {
  if (size_ == 0) {
    one_ = ip;
  } else {
    // Exactly the room needed: these lists are short and kept for long.
    auto* items = new IpAddress[size_ + 1];
    std::copy(begin(), end(), items);
    items[size_] = ip;
    if (size_ > 1) delete[] many();
    set_many(items);
  }
  ++size_;
}

void IpList::clear() noexcept {
  if (size_ > 1) delete[] many();
  new (&one_) IpAddress();
  size_ = 0;
}

bool operator==(const IpList& a, const IpList& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

std::strong_ordering operator<=>(const IpList& a, const IpList& b) {
  return std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
}

IpAddress* IpList::many() const {
  IpAddress* items = nullptr;
  std::memcpy(&items, many_.data(), sizeof(items));
  return items;
}

void IpList::set_many(IpAddress* items) {
  new (&many_) std::array<unsigned char, sizeof(IpAddress*)>();
  std::memcpy(many_.data(), &items, sizeof(items));
}

}  // namespace clusterdns::registry
