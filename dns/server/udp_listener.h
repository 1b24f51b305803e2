#pragma once
// Receives queries on one UDP socket in batches and sends back the handler's answers
// (DESIGN.md §4). When the socket turns readable, recvmmsg takes up to kUdpBatch
// datagrams at once into preallocated buffers, each is answered into its own response
// slot, and one sendmmsg sends the batch: two system calls per batch instead of two
// per query, no heap allocation, no lock. Several threads serve one address through
// several sockets (SO_REUSEPORT), one listener each, so nothing here is shared.

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <memory>

#include "dns/server/asio.h"
#include "dns/server/packet_handler.h"

namespace clusterdns::dns {

// RFC 1035 §2.3.4 caps UDP messages at 512 bytes without EDNS; with EDNS the IP limit.
inline constexpr size_t kMaxUdpMessage = 65535;
// Datagrams per recvmmsg/sendmmsg. Buffers are reserved for the full message size
// but only the pages a datagram touches become resident.
inline constexpr size_t kUdpBatch = 32;

class UdpListener : private ReplyDeferrer {
 public:
  UdpListener(asio::ip::udp::socket socket, PacketHandler& handler);
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  // Both run on the socket's io_context thread.
  void start();
  void close();

 private:
  // ReplyDeferrer: the reply remembers the socket, this query's peer and the io_context.
  std::unique_ptr<DeferredReply> defer() override;
  void wait();
  void on_readable(const ErrorCode& error);
  // Receives, answers and sends one batch; returns the datagrams received.
  size_t serve_batch();
  void send_replies(size_t count);

  uint8_t* query_slot(size_t i) { return buffers_.get() + 2 * i * kMaxUdpMessage; }
  uint8_t* response_slot(size_t i) { return query_slot(i) + kMaxUdpMessage; }

  asio::ip::udp::socket socket_;
  PacketHandler& handler_;
  // Slot i: its query, then its response (left uninitialized: untouched pages stay free).
  std::unique_ptr<uint8_t[]> buffers_;
  std::array<sockaddr_storage, kUdpBatch> peers_;
  std::array<iovec, kUdpBatch> query_iov_;
  std::array<mmsghdr, kUdpBatch> queries_;
  std::array<iovec, kUdpBatch> reply_iov_;
  std::array<mmsghdr, kUdpBatch> replies_;
  size_t current_ = 0;  // the datagram being answered, for defer()
};

}  // namespace clusterdns::dns
