#pragma once
// The addresses of a Service (clusterIPs) or a Pod (podIPs), primary first. Nearly
// always one, two when dual-stack: a std::vector costs 24 octets plus a heap block for
// each of 50k objects (issue 8), so a single address is kept in place and only a longer
// list goes to the heap. Reads like a const std::vector<IpAddress>.

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "registry/ip_address.h"

namespace clusterdns::registry {

class IpList {
 public:
  using value_type = IpAddress;
  using const_iterator = const IpAddress*;
  using iterator = const_iterator;

  IpList() : one_() {}
  IpList(std::initializer_list<IpAddress> ips);
  IpList(const IpList& other);
  IpList(IpList&& other) noexcept;
  IpList& operator=(const IpList& other);
  IpList& operator=(IpList&& other) noexcept;
  ~IpList() { clear(); }

  const IpAddress* begin() const { return size_ <= 1 ? &one_ : many(); }
  const IpAddress* end() const { return begin() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const IpAddress& operator[](size_t i) const { return begin()[i]; }
  const IpAddress& at(size_t i) const;  // throws std::out_of_range
  const IpAddress& front() const { return *begin(); }
  const IpAddress& back() const { return end()[-1]; }

  void push_back(const IpAddress& ip);
  void clear() noexcept;

  friend bool operator==(const IpList& a, const IpList& b);
  friend std::strong_ordering operator<=>(const IpList& a, const IpList& b);

 private:
  IpAddress* many() const;
  void set_many(IpAddress* items);

  // size_ <= 1: the address itself; more: a heap array of size_ addresses, whose
  // pointer is kept in bytes so that the list needs no pointer alignment (it sits
  // between a Pod's or Service's small fields).
  union {
    IpAddress one_;
    std::array<unsigned char, sizeof(IpAddress*)> many_;
  };
  uint32_t size_ = 0;
};

}  // namespace clusterdns::registry
