#pragma once
// Reads the address out of a pod name's first label for `--pods insecure`
// ("10-244-1-7" → 10.244.1.7, "fd00--1" → fd00::1), as CoreDNS's pods plugin mode
// does. Runs on the serving path: no allocation.

#include <cstdint>
#include <optional>
#include <span>

#include "registry/ip_address.h"

namespace clusterdns::zones {

// `label` is the label's octets without its length byte. IPv4: exactly four decimal
// octets 0-255 without leading zeros; IPv6: the text form with ':' written as '-'.
std::optional<registry::IpAddress> parse_dashed_address(std::span<const uint8_t> label);

}  // namespace clusterdns::zones
