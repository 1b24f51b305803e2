#include "zones/names.h"

#include <algorithm>

#include "dns/wire/name.h"

namespace clusterdns::zones {

std::string dashed_ip_label(const registry::IpAddress& address) {
  std::string label = address.to_string();
  std::replace_if(
      label.begin(), label.end(), [](char c) { return c == '.' || c == ':'; }, '-');
  return label;
}

std::string reverse_name(const registry::IpAddress& address) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name;
  if (!address.v6) {
    for (size_t i = 4; i-- > 0;) name += std::to_string(address.bytes[i]) + ".";
    return name + "in-addr.arpa.";
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
  std::string lowered(text);
  for (char& c : lowered) c = static_cast<char>(dns::fold_ascii(static_cast<uint8_t>(c)));
  return lowered;
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
  name.append(lower_case(service)).append(".").append(lower_case(namespace_name));
  name.append(".svc.").append(zone);
  return name;
}

}  // namespace clusterdns::zones
