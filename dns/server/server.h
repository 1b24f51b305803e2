#pragma once
// The DNS transport: UDP and TCP listeners on each listen address, feeding every query
// to a PacketHandler and sending back what it writes. Knows sockets and framing, not DNS.
//
//   dns::Server server(addresses, handler, {.threads = 4});
//   if (Status s = server.listen(); !s) { ... s.error().message ... }
//   server.stop_on_signals();          // SIGTERM/SIGINT → stop()
//   server.on_reload_signal([&] { reload(); });
//   server.run();                      // returns after stop(); then exit 0

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "dns/result.h"
#include "dns/server/endpoint.h"
#include "dns/server/packet_handler.h"

namespace clusterdns::dns {

struct ServerOptions {
  // Serving threads. Each has its own UDP socket per address (SO_REUSEPORT when more
  // than one), answered on a thread of its own (udp_listener.h), and its share of the
  // TCP connections on its io_context.
  int threads = 1;
  // RFC 7766 §6.2.3: close a TCP connection that sends no complete query for this long.
  std::chrono::milliseconds tcp_idle_timeout{10'000};
  // Concurrent TCP connections; at the cap a new one evicts the longest-idle one.
  size_t tcp_max_connections = 1000;
};

class Server {
 public:
  // `handler` must outlive the server and be callable from every serving thread.
  Server(std::vector<Endpoint> addresses, PacketHandler& handler, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds UDP and TCP on every address (port 0: one free port shared by both), then
  // logs "clusterdns: listening on 127.0.0.1:40123 (udp+tcp)" per address. Errors read
  // "cannot listen on 127.0.0.1:53: Permission denied". Call once, before run().
  Status listen();
  // The bound addresses with their real ports, in the order given; empty before listen().
  std::vector<Endpoint> bound_endpoints() const;

  // SIGTERM and SIGINT call stop(). Call before run().
  void stop_on_signals();
  // SIGHUP calls `callback` on a serving thread (it should hand heavy work elsewhere).
  void on_reload_signal(std::function<void()> callback);

  // Serves on options.threads threads (the calling one included) until stop().
  void run();
  // Stops accepting and receiving, lets TCP connections write the answers they owe,
  // then run() returns. Thread-safe; may be called before run() or more than once.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clusterdns::dns
