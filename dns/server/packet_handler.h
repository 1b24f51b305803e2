#pragma once
// The seam between the transports (UDP/TCP sockets) and the DNS logic. The server
// knows framing and sockets; a PacketHandler knows DNS. Implementations must be
// callable concurrently from every serving thread, and must not allocate or lock when
// they answer at once.
//
// A handler that cannot answer at once (a query forwarded upstream) defers: it asks
// client.deferrer for a DeferredReply, keeps it, returns kDeferred, and later calls
// send() from any thread. Deferring may allocate; the synchronous path never does.

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

namespace clusterdns::dns {

enum class Transport : uint8_t { kUdp, kTcp };

// handle()'s return value for "the answer will come later through a DeferredReply".
inline constexpr size_t kDeferred = static_cast<size_t>(-1);

// One answer owed to one client. Keeps what it needs to reach the client (socket,
// peer, the serving thread's io_context) alive, and keeps that io_context running,
// until send() is called or the reply is destroyed (dropped: the client gets nothing).
class DeferredReply {
 public:
  virtual ~DeferredReply() = default;
  // Sends `response` (copied) to the client; any thread, at most once. TCP answers may
  // arrive out of order (RFC 7766 §7); a connection closed meanwhile drops it.
  virtual void send(std::span<const uint8_t> response) = 0;
  // Runs `task` on the thread that serves this client (e.g. to fill that thread's cache).
  virtual void post(std::function<void()> task) = 0;
};

// Provided by the transport for one query; only valid during handle().
class ReplyDeferrer {
 public:
  virtual std::unique_ptr<DeferredReply> defer() = 0;

 protected:
  ~ReplyDeferrer() = default;
};

struct ClientInfo {
  Transport transport = Transport::kUdp;
  const sockaddr* address = nullptr;  // the peer (sockaddr_in or sockaddr_in6)
  socklen_t address_length = 0;
  ReplyDeferrer* deferrer = nullptr;  // null: this transport cannot defer
};

class PacketHandler {
 public:
  virtual ~PacketHandler() = default;
  // Writes the response to `response` (at most response.size() bytes: 65535 for
  // TCP, 65535 for UDP too; the handler applies the UDP size rules itself) and
  // returns its length, 0 to send nothing (e.g. a packet with QR=1), or kDeferred.
  virtual size_t handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                        const ClientInfo& client) = 0;
  // A hint before a batch of handle() calls for these queries: the handler may bring
  // what they will read into cache. Changes nothing else; no allocation, no lock.
  virtual void prefetch(std::span<const std::span<const uint8_t>> queries) { (void)queries; }
};

}  // namespace clusterdns::dns
