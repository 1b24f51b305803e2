#include "zones/answer_pod_address.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace clusterdns::zones {
namespace {

std::optional<registry::IpAddress> parse_dashed_v4(std::span<const uint8_t> label) {
  registry::IpAddress address;
  size_t octet = 0;
  size_t i = 0;
  while (octet < 4) {
    size_t digits = 0;
    unsigned value = 0;
    while (i < label.size() && label[i] >= '0' && label[i] <= '9' && digits < 4) {
      value = value * 10 + (label[i] - '0');
      ++digits;
      ++i;
    }
    // A leading zero would read as octal to some tools: refuse the ambiguity.
    if (digits == 0 || digits > 3 || value > 255) return std::nullopt;
    if (digits > 1 && label[i - digits] == '0') return std::nullopt;
    address.bytes[octet++] = static_cast<uint8_t>(value);
    if (octet < 4) {
      if (i >= label.size() || label[i] != '-') return std::nullopt;
      ++i;
    }
  }
  if (i != label.size()) return std::nullopt;
  return address;
}

std::optional<registry::IpAddress> parse_dashed_v6(std::span<const uint8_t> label) {
  // The longest IPv6 text form is 45 characters (with an embedded IPv4 tail).
  std::array<char, 64> text{};
  if (label.size() < 2 || label.size() >= text.size()) return std::nullopt;
  for (size_t i = 0; i < label.size(); ++i) {
    const auto c = static_cast<char>(label[i]);
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (c == '-') {
      text[i] = ':';
    } else if (hex) {
      text[i] = c;
    } else {
      return std::nullopt;
    }
  }
  registry::IpAddress address;
  address.v6 = true;
  if (inet_pton(AF_INET6, text.data(), address.bytes.data()) != 1) return std::nullopt;
  return address;
}

}  // namespace

std::optional<registry::IpAddress> parse_dashed_address(std::span<const uint8_t> label) {
  if (auto v4 = parse_dashed_v4(label)) return v4;
  return parse_dashed_v6(label);
}

}  // namespace clusterdns::zones
