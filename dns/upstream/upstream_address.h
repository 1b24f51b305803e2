#pragma once
// The upstream servers a forwarder asks (DESIGN.md §5 --upstream, --forward), where
// they come from by default (/etc/resolv.conf), and which clients may recurse
// (--allow-recursion).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/result.h"
#include "dns/server/endpoint.h"
#include "dns/wire/name.h"

namespace clusterdns::dns {

// "ADDR", "ADDR:PORT", "[V6]:PORT", "[V6]" or a bare IPv6 address; port 53 by default,
// port 0 refused. Errors read "--upstream '1.2.3.4:0': port must be 1-65535".
Result<Endpoint> parse_upstream_address(std::string_view text);

// --forward DOMAIN=ADDR[:PORT]: queries at or below `domain` go to `server`.
struct DomainRoute {
  Name domain;
  std::vector<Endpoint> servers;
};
Result<DomainRoute> parse_forward_route(std::string_view text);
// Merges routes of the same domain (repeated flags add servers) and orders them most
// specific first, so the first route a name falls under is the longest suffix match.
std::vector<DomainRoute> merge_routes(std::vector<DomainRoute> routes);
// The route for `name` (nullptr: the default upstreams).
const DomainRoute* find_route(const std::vector<DomainRoute>& routes, const Name& name);

// The `nameserver` lines of a resolv.conf text, port 53, in order; lines that do not
// parse are skipped (as the libc resolver does).
std::vector<Endpoint> nameservers_from_resolv_conf(std::string_view text);
// The domains of the last `search` or `domain` line of resolv.conf text (resolv.conf(5):
// the last such line wins), as written.
std::vector<std::string> resolv_conf_search(std::string_view text);

// True when a query sent to `upstream` would reach one of our own sockets: the same
// address and port, or a wildcard listen address on that port with a loopback upstream.
bool is_own_address(const Endpoint& upstream, const std::vector<Endpoint>& listening);

// An address prefix, "10.0.0.0/8" or "fc00::/7" (a bare address is a /32 or /128).
class Cidr {
 public:
  static Result<Cidr> parse(std::string_view text);
  bool contains(const sockaddr* address, socklen_t length) const;
  std::string to_string() const;

 private:
  bool v6_ = false;
  uint8_t bytes_[16] = {};
  uint8_t prefix_ = 0;
};

// DESIGN §4: loopback, RFC 1918 ranges and ULA: a resolver for the cluster, not the world.
std::vector<Cidr> default_recursion_clients();

}  // namespace clusterdns::dns
