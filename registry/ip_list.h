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

  const IpAddress* begin() const { return kind_ == Kind::kMany ? many() : &one_; }
  const IpAddress* end() const { return begin() + size(); }
  size_t size() const { return kind_ == Kind::kMany ? many_size() : static_cast<size_t>(kind_); }
  bool empty() const { return kind_ == Kind::kEmpty; }
  const IpAddress& operator[](size_t i) const { return begin()[i]; }
  const IpAddress& at(size_t i) const;  // throws std::out_of_range
  const IpAddress& front() const { return *begin(); }
  const IpAddress& back() const { return end()[-1]; }

  void push_back(const IpAddress& ip);
  void clear() noexcept;

  friend bool operator==(const IpList& a, const IpList& b);
  friend std::strong_ordering operator<=>(const IpList& a, const IpList& b);

 private:
  enum class Kind : uint8_t { kEmpty = 0, kOne = 1, kMany = 2 };  // kOne: one address
  // kMany's heap block: the count (four octets), then the addresses.
  IpAddress* many() const;
  size_t many_size() const;
  unsigned char* block() const;
  void set_block(unsigned char* block);

  // kOne: the address itself; kMany: a pointer to the heap block, kept in bytes so that
  // the list needs no alignment: 18 octets, which fit between a Pod's or Service's small
  // fields (issue 8).
  union {
    IpAddress one_;
    std::array<unsigned char, sizeof(unsigned char*)> many_;
  };
  Kind kind_ = Kind::kEmpty;
};

}  // namespace clusterdns::registry
