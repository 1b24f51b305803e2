#include "dns/server/listen_address.h"

#include <arpa/inet.h>
#include <net/if.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

namespace clusterdns::dns {
namespace {

Error listen_error(std::string_view text, std::string_view problem) {
  return Error{std::string("--listen '").append(text).append("': ").append(problem)};
}

// Decimal digits only, 0-65535.
std::optional<uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  uint32_t port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port > 65535) return std::nullopt;
  return static_cast<uint16_t>(port);
}

std::optional<Endpoint> parse_v4(std::string_view host, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (inet_pton(AF_INET, std::string(host).c_str(), &address.sin_addr) != 1) return std::nullopt;
  return Endpoint(reinterpret_cast<const sockaddr*>(&address), sizeof address);
}

// "fe80::1%eth0" or "fe80::1%2": the scope is an interface name or index.
std::optional<Endpoint> parse_v6(std::string_view host, uint16_t port) {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(port);
  const size_t percent = host.find('%');
  if (percent != std::string_view::npos) {
    const std::string scope(host.substr(percent + 1));
    if (scope.empty()) return std::nullopt;
    address.sin6_scope_id = if_nametoindex(scope.c_str());
    if (address.sin6_scope_id == 0) {
      const std::optional<uint16_t> index = parse_port(scope);  // small decimal number
      if (!index || *index == 0) return std::nullopt;
      address.sin6_scope_id = *index;
    }
    host = host.substr(0, percent);
  }
  if (inet_pton(AF_INET6, std::string(host).c_str(), &address.sin6_addr) != 1) {
    return std::nullopt;
  }
  return Endpoint(reinterpret_cast<const sockaddr*>(&address), sizeof address);
}

Result<Endpoint> parse_bracketed(std::string_view text) {
  const size_t close = text.find(']');
  if (close == std::string_view::npos)
    return listen_error(text, "missing ']' after the IPv6 address");
  const std::string_view host = text.substr(1, close - 1);
  const std::string_view rest = text.substr(close + 1);
  uint16_t port = kDefaultDnsPort;
  if (!rest.empty()) {
    if (rest[0] != ':') return listen_error(text, "expected ':PORT' after ']'");
    if (rest.size() == 1) return listen_error(text, "missing port after ':'");
    const std::optional<uint16_t> parsed = parse_port(rest.substr(1));
    if (!parsed) return listen_error(text, "port must be 0-65535");
    port = *parsed;
  }
  std::optional<Endpoint> endpoint = parse_v6(host, port);
  if (!endpoint) {
    return listen_error(text, std::string("'").append(host).append("' is not an IPv6 address"));
  }
  return *endpoint;
}

}  // namespace

Result<Endpoint> parse_listen_address(std::string_view text) {
  if (text.empty()) return listen_error(text, "expected ADDR:PORT, [IPV6]:PORT or ADDR");
  if (text.front() == '[') return parse_bracketed(text);

  const auto colons = std::count(text.begin(), text.end(), ':');
  if (colons > 1) {
    // A bare IPv6 address; its port cannot be told apart from its last group.
    std::optional<Endpoint> endpoint = parse_v6(text, kDefaultDnsPort);
    if (!endpoint) {
      return listen_error(text,
                          "not an IPv6 address (write an IPv6 address with a port as [ADDR]:PORT)");
    }
    return *endpoint;
  }

  std::string_view host = text;
  uint16_t port = kDefaultDnsPort;
  if (colons == 1) {
    const size_t colon = text.find(':');
    host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);
    if (port_text.empty()) return listen_error(text, "missing port after ':'");
    const std::optional<uint16_t> parsed = parse_port(port_text);
    if (!parsed) return listen_error(text, "port must be 0-65535");
    port = *parsed;
  }
  if (host.empty()) return listen_error(text, "missing address before ':'");
  std::optional<Endpoint> endpoint = parse_v4(host, port);
  if (!endpoint) {
    return listen_error(text, std::string("'").append(host).append(
                                  "' is not an IP address (names are not resolved; an IPv6 "
                                  "address goes in brackets: [::1]:53)"));
  }
  return *endpoint;
}

}  // namespace clusterdns::dns
