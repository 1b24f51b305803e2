#pragma once
// One c-ares channel driven by a Boost.Asio io_context: c-ares tells us which sockets
// it wants watched (ARES_OPT_SOCK_STATE_CB), each is watched with a posix
// stream_descriptor, and one timer follows ares_timeout(). No thread per query, no
// blocking call. c-ares 1.18 channels are not thread-safe: every call, and the
// io_context, stay on one thread.

#include <ares.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "dns/result.h"
#include "dns/server/asio.h"
#include "dns/server/endpoint.h"

namespace clusterdns::dns {

struct ChannelOptions {
  std::vector<Endpoint> servers;
  // The whole budget of one query across tries and servers; each try gets a share
  // (c-ares doubles the timeout each round through the server list).
  std::chrono::milliseconds total_timeout{2000};
  int tries = 2;
};

class AresChannel {
 public:
  // status: ARES_SUCCESS with the raw answer, or an ARES_E* code (answer empty).
  using Callback = std::function<void(int status, std::span<const uint8_t> answer)>;

  // Initialises c-ares (once per process) and a channel on `io`.
  static Result<std::unique_ptr<AresChannel>> create(asio::io_context& io,
                                                     const ChannelOptions& options);
  // Pending queries complete with ARES_EDESTRUCTION.
  ~AresChannel();
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;

  // Sends `query` (a whole DNS message; c-ares gives it a fresh ID) and calls `done`
  // exactly once on the io_context's thread.
  void send(std::span<const uint8_t> query, Callback done);

  // The per-try timeout chosen for the options (for logs and tests).
  static std::chrono::milliseconds try_timeout(const ChannelOptions& options);

 private:
  struct Watch;
  explicit AresChannel(asio::io_context& io);
  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable);
  static void on_answer(void* arg, int status, int timeouts, unsigned char* answer, int length);
  void watch(ares_socket_t fd, bool readable, bool writable);
  void arm(const std::shared_ptr<Watch>& watch);
  void process(ares_socket_t read_fd, ares_socket_t write_fd);
  void arm_timer();

  asio::io_context& io_;
  ares_channel channel_ = nullptr;
  asio::steady_timer timer_;
  std::unordered_map<ares_socket_t, std::shared_ptr<Watch>> watches_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // false once destroyed
};

}  // namespace clusterdns::dns
