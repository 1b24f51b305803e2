#pragma once
// An IP address and port: what the server listens on and reports after binding.
// Holds a sockaddr_in or sockaddr_in6 by value so it can be handed to the socket API.

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace clusterdns::dns {

class Endpoint {
 public:
  Endpoint() = default;
  // Copies a sockaddr_in or sockaddr_in6 (any other family gives an empty Endpoint).
  Endpoint(const sockaddr* address, socklen_t length);

  bool empty() const { return length_ == 0; }
  bool is_v6() const { return storage_.ss_family == AF_INET6; }
  uint16_t port() const;
  void set_port(uint16_t port);

  const sockaddr* data() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t size() const { return length_; }

  // "127.0.0.1:53", "[::1]:53" (with "%scope" inside the brackets when set).
  std::string to_string() const;

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

}  // namespace clusterdns::dns
