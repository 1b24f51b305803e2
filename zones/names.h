#pragma once
// Name helpers shared by record derivation and the snapshot: the dashed-address labels
// of endpoint and pod names, reverse-lookup names, and the service name layout of the
// Kubernetes DNS specification 1.1.0.

#include <string>
#include <string_view>

#include "registry/ip_address.h"

namespace clusterdns::zones {

// "10.244.1.7" → "10-244-1-7"; IPv6 from its RFC 5952 compressed text:
// "fd00::1" → "fd00--1" (spec §2.4.1 endpoint names, CoreDNS pod names).
std::string dashed_ip_label(const registry::IpAddress& address);
// The same appended to `out`, which it returns.
std::string& append_dashed_ip_label(std::string& out, const registry::IpAddress& address);

// RFC 1035 §3.5 / RFC 3596 §2.5: "1.0.96.10.in-addr.arpa." or the 32-nibble
// "...ip6.arpa." name, lower-case hex, trailing dot.
std::string reverse_name(const registry::IpAddress& address);
// The same appended to `out`, which it returns.
std::string& append_reverse_name(std::string& out, const registry::IpAddress& address);

// ASCII lower case: DNS names compare case-insensitively (RFC 4343), we store lower case.
std::string lower_case(std::string_view text);
// The same appended to `out`, which it returns.
std::string& append_lower_case(std::string& out, std::string_view text);

// Lower case plus a trailing dot: "Example.COM" → "example.com.".
std::string absolute_name(std::string_view name);

// "<svc>.<ns>.svc.<zone>." where zone is the absolute cluster zone ("cluster.local.").
std::string service_name(std::string_view service, std::string_view namespace_name,
                         std::string_view zone);
// The same appended to `out`, which it returns.
std::string& append_service_name(std::string& out, std::string_view service,
                                 std::string_view namespace_name, std::string_view zone);

}  // namespace clusterdns::zones
