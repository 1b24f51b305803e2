#pragma once
// Parses a --listen value into the endpoint to bind.

#include <string_view>

#include "dns/result.h"
#include "dns/server/endpoint.h"

namespace clusterdns::dns {

inline constexpr uint16_t kDefaultDnsPort = 53;

// Accepts "ADDR:PORT", "[V6ADDR]:PORT", a bare "ADDR" or "[V6ADDR]" (port 53), and a
// bare IPv6 address without brackets (port 53). Addresses are literal IPs (names are
// not resolved); an IPv6 scope is written "[fe80::1%eth0]:53". Errors name the flag
// and the value: "--listen '1.2.3.4:99999': port must be 0-65535".
Result<Endpoint> parse_listen_address(std::string_view text);

}  // namespace clusterdns::dns
