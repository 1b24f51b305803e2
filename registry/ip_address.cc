#include "registry/ip_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace clusterdns::registry {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; addresses are short.
  char buffer[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buffer)) return std::nullopt;
  text.copy(buffer, text.size());
  buffer[text.size()] = '\0';
  IpAddress address;
  if (inet_pton(AF_INET, buffer, address.bytes.data()) == 1) return address;
  if (inet_pton(AF_INET6, buffer, address.bytes.data()) == 1) {
    address.v6 = true;
    return address;
  }
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  char buffer[INET6_ADDRSTRLEN];
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buffer, sizeof(buffer));
  return buffer;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto base = IpAddress::parse(text.substr(0, slash));
  if (!base) return std::nullopt;
  const std::string_view length_text = text.substr(slash + 1);
  unsigned length = 0;
  auto [end, error] =
      std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
  if (error != std::errc() || end != length_text.data() + length_text.size() ||
      length_text.empty() || length > base->size() * 8) {
    return std::nullopt;
  }
  IpPrefix prefix{*base, static_cast<uint8_t>(length)};
  for (size_t bit = length; bit < base->size() * 8; ++bit) {
    if (base->bytes[bit / 8] & (0x80 >> (bit % 8))) return std::nullopt;  // host bits set
  }
  return prefix;
}

bool IpPrefix::contains(const IpAddress& address) const {
  if (address.v6 != base.v6) return false;
  for (size_t bit = 0; bit < length; ++bit) {
    const uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
    if ((address.bytes[bit / 8] & mask) != (base.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

uint64_t IpPrefix::size() const {
  const unsigned host_bits = static_cast<unsigned>(base.size() * 8) - length;
  return host_bits >= 63 ? (uint64_t{1} << 63) : (uint64_t{1} << host_bits);
}

std::optional<IpAddress> IpPrefix::at(uint64_t offset) const {
  if (offset >= size()) return std::nullopt;
  IpAddress address = base;
  // Add offset to the address, big-endian, from the last byte.
  uint64_t carry = offset;
  for (size_t i = base.size(); i-- > 0 && carry != 0;) {
    const uint64_t sum = address.bytes[i] + (carry & 0xff);
    address.bytes[i] = static_cast<uint8_t>(sum);
    carry = (carry >> 8) + (sum >> 8);
  }
  return address;
}

std::string IpPrefix::to_string() const {
  return base.to_string() + "/" + std::to_string(length);
}

}  // namespace clusterdns::registry
