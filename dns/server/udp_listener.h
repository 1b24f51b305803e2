#pragma once
// Receives queries on one UDP socket and sends back the handler's answers. One receive
// is in flight at a time, so the preallocated buffers are never shared: several threads
// serve one address through several sockets (SO_REUSEPORT), one listener each.
// (A recvmmsg/sendmmsg batch loop can replace this class without touching the rest.)

#include <array>
#include <cstdint>

#include "dns/server/asio.h"
#include "dns/server/packet_handler.h"

namespace clusterdns::dns {

// RFC 1035 §2.3.4 caps UDP messages at 512 bytes without EDNS; with EDNS the IP limit.
inline constexpr size_t kMaxUdpMessage = 65535;

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
  void receive();
  void on_receive(const ErrorCode& error, size_t length);

  asio::ip::udp::socket socket_;
  PacketHandler& handler_;
  asio::ip::udp::endpoint peer_;
  std::array<uint8_t, kMaxUdpMessage> query_;
  std::array<uint8_t, kMaxUdpMessage> response_;
};

}  // namespace clusterdns::dns
