#include "zones/names.h"

#include <algorithm>

#include "dns/wire/name.h"

namespace clusterdns::zones {

namespace {

// "10.244.1.7" with `separator` between the octets, appended to `out` (inet_ntop's
// text, without its call and copy: this runs for every address at start-up).
void append_ipv4(const registry::IpAddress& address, char separator, std::string& out) {
  char buffer[16];
  size_t size = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (i > 0) buffer[size++] = separator;
    const unsigned octet = address.bytes[i];
    if (octet >= 100) buffer[size++] = static_cast<char>('0' + octet / 100);
    if (octet >= 10) buffer[size++] = static_cast<char>('0' + octet / 10 % 10);
    buffer[size++] = static_cast<char>('0' + octet % 10);
  }
  out.append(buffer, size);
}

}  // namespace

std::string dashed_ip_label(const registry::IpAddress& address) {
  if (!address.v6) {
    std::string label;
    append_ipv4(address, '-', label);
    return label;
  }
  std::string label = address.to_string();
  std::replace_if(
      label.begin(), label.end(), [](char c) { return c == '.' || c == ':'; }, '-');
  return label;
}

std::string reverse_name(const registry::IpAddress& address) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name;
  if (!address.v6) {
    registry::IpAddress reversed = address;
    std::reverse(reversed.bytes.begin(), reversed.bytes.begin() + 4);
    name.reserve(16 + 13);
    append_ipv4(reversed, '.', name);
    return name.append(".in-addr.arpa.");
  }
  name.reserve(32 * 2 + 9);
  for (size_t i = 16; i-- > 0;) {  // least significant nibble first
    name += kHex[address.bytes[i] & 0x0f];
    name += '.';
    name += kHex[address.bytes[i] >> 4];
    name += '.';
  }
  return name + "ip6.arpa.";
}

std::string lower_case(std::string_view text) {
  std::string lowered;
  append_lower_case(lowered, text);
  return lowered;
}

std::string& append_lower_case(std::string& out, std::string_view text) {
  const size_t start = out.size();
  out.append(text);
  for (size_t i = start; i < out.size(); ++i) {
    out[i] = static_cast<char>(dns::fold_ascii(static_cast<uint8_t>(out[i])));
  }
  return out;
}

std::string absolute_name(std::string_view name) {
  std::string result = lower_case(name);
  if (result.empty() || result.back() != '.') result += '.';
  return result;
}

std::string service_name(std::string_view service, std::string_view namespace_name,
                         std::string_view zone) {
  std::string name;
  name.reserve(service.size() + namespace_name.size() + zone.size() + 6);
  append_lower_case(name, service).append(".");
  append_lower_case(name, namespace_name).append(".svc.").append(zone);
  return name;
}

}  // namespace clusterdns::zones
