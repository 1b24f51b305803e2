#include "dns/server/endpoint.h"

#include <arpa/inet.h>
#include <net/if.h>

#include <cstring>

namespace clusterdns::dns {

Endpoint::Endpoint(const sockaddr* address, socklen_t length) {
  if (address == nullptr) return;
  if ((address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) ||
      (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6))) {
    length_ = address->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    std::memcpy(&storage_, address, length_);
  }
}

uint16_t Endpoint::port() const {
  if (storage_.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  }
  if (storage_.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  }
  return 0;
}

void Endpoint::set_port(uint16_t port) {
  if (storage_.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  } else if (storage_.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
  }
}

std::string Endpoint::to_string() const {
  char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 2] = {};
  if (storage_.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&storage_);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(port());
  }
  if (storage_.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&storage_);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    std::string host = text;
    if (v6->sin6_scope_id != 0) {
      char interface[IF_NAMESIZE] = {};
      host += "%";
      host += if_indextoname(v6->sin6_scope_id, interface) != nullptr
                  ? std::string(interface)
                  : std::to_string(v6->sin6_scope_id);
    }
    return "[" + host + "]:" + std::to_string(port());
  }
  return "(no address)";
}

}  // namespace clusterdns::dns
