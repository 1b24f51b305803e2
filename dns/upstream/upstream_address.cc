#include "dns/upstream/upstream_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "dns/server/listen_address.h"

namespace clusterdns::dns {
namespace {

Error upstream_error(std::string_view flag, std::string_view text, std::string_view why) {
  return Error{std::string(flag) + " '" + std::string(text) + "': " + std::string(why)};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

bool is_loopback(const Endpoint& endpoint) {
  if (endpoint.is_v6()) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(endpoint.data());
    return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
  }
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(endpoint.data());
  return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
}

bool is_wildcard(const Endpoint& endpoint) {
  if (endpoint.is_v6()) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(endpoint.data());
    return IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr);
  }
  return reinterpret_cast<const sockaddr_in*>(endpoint.data())->sin_addr.s_addr == INADDR_ANY;
}

bool same_address(const Endpoint& a, const Endpoint& b) {
  if (a.is_v6() != b.is_v6() || a.port() != b.port()) return false;
  if (a.is_v6()) {
    const auto* x = reinterpret_cast<const sockaddr_in6*>(a.data());
    const auto* y = reinterpret_cast<const sockaddr_in6*>(b.data());
    return std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
  }
  return reinterpret_cast<const sockaddr_in*>(a.data())->sin_addr.s_addr ==
         reinterpret_cast<const sockaddr_in*>(b.data())->sin_addr.s_addr;
}

}  // namespace

Result<Endpoint> parse_upstream_address(std::string_view text) {
  auto endpoint = parse_listen_address(text);
  if (!endpoint) {
    std::string message = endpoint.error().message;
    const std::string listen = "--listen";
    if (message.rfind(listen, 0) == 0) message.replace(0, listen.size(), "--upstream");
    return Error{message};
  }
  if (endpoint->port() == 0) return upstream_error("--upstream", text, "port must be 1-65535");
  return *endpoint;
}

Result<DomainRoute> parse_forward_route(std::string_view text) {
  const size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0 || equals + 1 == text.size()) {
    return upstream_error("--forward", text, "expected DOMAIN=ADDR[:PORT]");
  }
  auto domain = Name::from_text(text.substr(0, equals));
  if (!domain) {
    std::string why = "'";
    why.append(text.substr(0, equals)).append("' is not a domain name");
    return upstream_error("--forward", text, why);
  }
  auto server = parse_upstream_address(text.substr(equals + 1));
  if (!server) {
    return upstream_error("--forward", text,
                          server.error().message.substr(server.error().message.find(": ") + 2));
  }
  return DomainRoute{domain->lowered(), {*server}};
}

std::vector<DomainRoute> merge_routes(std::vector<DomainRoute> routes) {
  std::vector<DomainRoute> merged;
  for (DomainRoute& route : routes) {
    auto same = std::find_if(merged.begin(), merged.end(), [&](const DomainRoute& other) {
      return other.domain == route.domain;
    });
    if (same == merged.end()) {
      merged.push_back(std::move(route));
    } else {
      same->servers.insert(same->servers.end(), route.servers.begin(), route.servers.end());
    }
  }
  std::stable_sort(merged.begin(), merged.end(), [](const DomainRoute& a, const DomainRoute& b) {
    return a.domain.label_count() > b.domain.label_count();
  });
  return merged;
}

const DomainRoute* find_route(const std::vector<DomainRoute>& routes, const Name& name) {
  for (const DomainRoute& route : routes) {
    if (name.is_subdomain_of(route.domain)) return &route;
  }
  return nullptr;
}

namespace {

// Calls visit(keyword, rest) for each resolv.conf(5) line that has a keyword and an
// argument, with comments (`#` or `;` to the end of the line) cut and blanks trimmed.
template <class Visit>
void for_each_resolv_conf_line(std::string_view text, Visit visit) {
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    line = trim(line.substr(0, line.find_first_of("#;")));
    const size_t gap = line.find_first_of(" \t");
    if (gap == std::string_view::npos) continue;
    visit(line.substr(0, gap), trim(line.substr(gap)));
  }
}

}  // namespace

std::vector<Endpoint> nameservers_from_resolv_conf(std::string_view text) {
  std::vector<Endpoint> servers;
  for_each_resolv_conf_line(text, [&](std::string_view keyword, std::string_view rest) {
    if (keyword != "nameserver") return;
    const std::string_view address = rest.substr(0, rest.find_first_of(" \t"));
    if (address.find(':') != std::string_view::npos && address.front() != '[') {
      // resolv.conf writes IPv6 bare; a scope ("%eth0") is kept.
      std::string bracketed = "[";
      bracketed.append(address).append("]:53");
      auto endpoint = parse_listen_address(bracketed);
      if (endpoint) servers.push_back(*endpoint);
      return;
    }
    std::string with_port(address);
    with_port.append(":53");
    auto endpoint = parse_listen_address(with_port);
    if (endpoint) servers.push_back(*endpoint);
  });
  return servers;
}

std::vector<std::string> resolv_conf_search(std::string_view text) {
  std::vector<std::string> search;
  for_each_resolv_conf_line(text, [&](std::string_view keyword, std::string_view rest) {
    if (keyword != "search" && keyword != "domain") return;
    // `search` and `domain` replace each other; the last line wins.
    search.clear();
    while (!rest.empty()) {
      const size_t space = rest.find_first_of(" \t");
      search.emplace_back(rest.substr(0, space));
      if (keyword == "domain") break;  // one domain; anything after it is ignored
      rest = space == std::string_view::npos ? std::string_view{} : trim(rest.substr(space));
    }
  });
  return search;
}

bool is_own_address(const Endpoint& upstream, const std::vector<Endpoint>& listening) {
  return std::any_of(listening.begin(), listening.end(), [&](const Endpoint& own) {
    if (same_address(upstream, own)) return true;
    return is_wildcard(own) && own.is_v6() == upstream.is_v6() && own.port() == upstream.port() &&
           is_loopback(upstream);
  });
}

Result<Cidr> Cidr::parse(std::string_view text) {
  Cidr cidr;
  const size_t slash = text.find('/');
  const std::string address(text.substr(0, slash));
  if (inet_pton(AF_INET, address.c_str(), cidr.bytes_) == 1) {
    cidr.v6_ = false;
    cidr.prefix_ = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), cidr.bytes_) == 1) {
    cidr.v6_ = true;
    cidr.prefix_ = 128;
  } else {
    return upstream_error("--allow-recursion", text, "expected ADDR/PREFIX, e.g. 10.0.0.0/8");
  }
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    unsigned prefix = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (error != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
        prefix > cidr.prefix_) {
      return upstream_error("--allow-recursion", text,
                            cidr.v6_ ? "prefix must be 0-128" : "prefix must be 0-32");
    }
    cidr.prefix_ = static_cast<uint8_t>(prefix);
  }
  return cidr;
}

bool Cidr::contains(const sockaddr* address, socklen_t length) const {
  const uint8_t* bytes = nullptr;
  uint8_t mapped[16] = {};
  if (address == nullptr) return false;
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    bytes =
        reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(address)->sin_addr);
    if (v6_) return false;
  } else if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    const auto* v6 = &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
    if (!v6_) {
      // An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d.
      if (!IN6_IS_ADDR_V4MAPPED(v6)) return false;
      std::memcpy(mapped, reinterpret_cast<const uint8_t*>(v6) + 12, 4);
      bytes = mapped;
    } else {
      bytes = reinterpret_cast<const uint8_t*>(v6);
    }
  } else {
    return false;
  }
  const unsigned whole = prefix_ / 8u;
  if (std::memcmp(bytes, bytes_, whole) != 0) return false;
  const unsigned rest = prefix_ % 8u;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (bytes[whole] & mask) == (bytes_[whole] & mask);
}

std::string Cidr::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6_ ? AF_INET6 : AF_INET, bytes_, text, sizeof text);
  return std::string(text) + "/" + std::to_string(prefix_);
}

std::vector<Cidr> default_recursion_clients() {
  std::vector<Cidr> clients;
  for (const char* text :
       {"127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}) {
    clients.push_back(*Cidr::parse(text));
  }
  return clients;
}

}  // namespace clusterdns::dns
