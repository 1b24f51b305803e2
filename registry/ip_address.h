#pragma once
// IPv4/IPv6 addresses and prefixes as the registry stores them: fixed-size, no heap.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clusterdns::registry {

struct IpAddress {
  bool v6 = false;
  // IPv4 uses bytes[0..3]; IPv6 all 16 (network order).
  std::array<uint8_t, 16> bytes{};

  static std::optional<IpAddress> parse(std::string_view text);
  // Canonical text: dotted quad, or RFC 5952 compressed IPv6 ("fd00::1").
  std::string to_string() const;
  size_t size() const { return v6 ? 16 : 4; }

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

struct IpPrefix {
  IpAddress base;  // host bits zero
  uint8_t length = 0;

  // "10.96.0.0/12" or "fd00::/108"; host bits must be zero.
  static std::optional<IpPrefix> parse(std::string_view text);
  bool contains(const IpAddress& address) const;
  // The address at `offset` from the base (offset 0 is the base itself);
  // nullopt when outside the prefix.
  std::optional<IpAddress> at(uint64_t offset) const;
  // Number of addresses, saturated at 2^63.
  uint64_t size() const;
  std::string to_string() const;
};

}  // namespace clusterdns::registry
