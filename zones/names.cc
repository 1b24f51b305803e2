#include "zones/names.h"

#include <algorithm>
#include <cstddef>

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
  std::string label;
  append_dashed_ip_label(label, address);
  return label;
}

std::string& append_dashed_ip_label(std::string& out, const registry::IpAddress& address) {
  if (!address.v6) {
    append_ipv4(address, '-', out);
    return out;
  }
  const size_t start = out.size();
  out.append(address.to_string());
  std::replace_if(
      out.begin() + static_cast<std::ptrdiff_t>(start), out.end(),
      [](char c) { return c == '.' || c == ':'; }, '-');
  return out;
}

std::string reverse_name(const registry::IpAddress& address) {
  std::string name;
  append_reverse_name(name, address);
  return name;
}

std::string& append_reverse_name(std::string& out, const registry::IpAddress& address) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (!address.v6) {
    registry::IpAddress reversed = address;
    std::reverse(reversed.bytes.begin(), reversed.bytes.begin() + 4);
    out.reserve(out.size() + 16 + 13);
    append_ipv4(reversed, '.', out);
    return out.append(".in-addr.arpa.");
  }
  out.reserve(out.size() + 32 * 2 + 9);
  for (size_t i = 16; i-- > 0;) {  // least significant nibble first
    out += kHex[address.bytes[i] & 0x0f];
    out += '.';
    out += kHex[address.bytes[i] >> 4];
    out += '.';
  }
  return out.append("ip6.arpa.");
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
  append_service_name(name, service, namespace_name, zone);
  return name;
}

std::string& append_service_name(std::string& out, std::string_view service,
                                 std::string_view namespace_name, std::string_view zone) {
  out.reserve(out.size() + service.size() + namespace_name.size() + zone.size() + 6);
  append_lower_case(out, service).append(".");
  return append_lower_case(out, namespace_name).append(".svc.").append(zone);
}

}  // namespace clusterdns::zones
