#pragma once
// The seam between the transports (UDP/TCP sockets) and the DNS logic. The server
// knows framing and sockets; a PacketHandler knows DNS. Implementations must be
// callable concurrently from every serving thread, and must not allocate or lock.

#include <cstddef>
#include <cstdint>
#include <span>
#include <sys/socket.h>

namespace clusterdns::dns {

enum class Transport : uint8_t { kUdp, kTcp };

struct ClientInfo {
  Transport transport = Transport::kUdp;
  const sockaddr* address = nullptr;  // the peer (sockaddr_in or sockaddr_in6)
  socklen_t address_length = 0;
};

class PacketHandler {
 public:
  virtual ~PacketHandler() = default;
  // Writes the response to `response` (at most response.size() bytes: 65535 for
  // TCP, 65535 for UDP too; the handler applies the UDP size rules itself) and
  // returns its length, or 0 to send nothing (e.g. a packet with QR=1).
  virtual size_t handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                        const ClientInfo& client) = 0;
};

}  // namespace clusterdns::dns
