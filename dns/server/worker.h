#pragma once
// One serving thread's share of the server: its io_context, its UDP listeners (one
// socket per listen address, each answered on a thread of its own that the listener
// runs) and the TCP connections it was handed. Everything else a worker owns runs on
// the io_context's thread, so nothing it owns needs a lock.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "dns/server/asio.h"
#include "dns/server/packet_handler.h"
#include "dns/server/tcp_session.h"
#include "dns/server/udp_listener.h"

namespace clusterdns::dns {

struct Worker {
  Worker(PacketHandler& handler, TcpConnections& connections,
         std::chrono::milliseconds tcp_idle_timeout)
      : tcp{handler, connections, tcp_idle_timeout, tcp_response} {}
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Declared first so it is destroyed last, after the sockets that use it.
  asio::io_context io{1};
  // Keeps run() going while nothing is pending (e.g. before listen()); reset at stop.
  asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(io);
  std::vector<std::unique_ptr<UdpListener>> udp;
  std::array<uint8_t, 65535> tcp_response;
  TcpSessionContext tcp;
};

}  // namespace clusterdns::dns
