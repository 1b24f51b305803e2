#pragma once
// Helpers for the dns_server tests: a PacketHandler that echoes queries, a Server
// running on a background thread, and plain POSIX UDP/TCP clients with timeouts.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dns/server/endpoint.h"
#include "dns/server/packet_handler.h"
#include "dns/server/server.h"

namespace clusterdns::dns::testing {

using Bytes = std::vector<uint8_t>;
using std::chrono::milliseconds;

inline constexpr uint16_t kDropId = 0xD0D0;  // EchoHandler answers nothing to this ID

// Answers a query with the query itself, QR set, padded with zeros to `answer_size`
// bytes when that is larger. Drops queries with ID kDropId. Thread-safe.
class EchoHandler : public PacketHandler {
 public:
  size_t answer_size = 0;
  std::atomic<int> queries{0};
  std::atomic<int> last_transport{-1};
  std::atomic<int> last_family{-1};
  std::atomic<int> last_port{-1};

  size_t handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                const ClientInfo& client) override;
};

// A query with this ID and one question ("example." A).
Bytes make_query(uint16_t id);
uint16_t message_id(const Bytes& message);
bool has_qr(const Bytes& message);
// Prefixes each message with its 2-byte length.
Bytes frame(const std::vector<Bytes>& messages);

// Listens on `addresses`, then serves on a background thread until destroyed.
class RunningServer {
 public:
  RunningServer(const std::vector<std::string>& addresses, PacketHandler& handler,
                ServerOptions options = {});
  ~RunningServer();

  Server& server() { return *server_; }
  const Endpoint& endpoint(size_t i = 0) const { return endpoints_.at(i); }
  // Stops the server; true when run() returned within `timeout`.
  bool stop(milliseconds timeout = milliseconds(3000));

 private:
  std::unique_ptr<Server> server_;
  std::vector<Endpoint> endpoints_;
  std::future<void> done_;
  bool stopped_ = false;
};

// One UDP exchange; nullopt when no answer arrives within `timeout`.
std::optional<Bytes> udp_exchange(const Endpoint& server, const Bytes& query,
                                  milliseconds timeout = milliseconds(2000),
                                  uint16_t* client_port = nullptr);

class TcpClient {
 public:
  explicit TcpClient(const Endpoint& server);
  ~TcpClient();
  TcpClient(const TcpClient&) = delete;
  TcpClient& operator=(const TcpClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  uint16_t local_port() const;
  bool send(const Bytes& bytes);
  void shutdown_write();
  // One length-prefixed message; nullopt on timeout or close.
  std::optional<Bytes> read_message(milliseconds timeout = milliseconds(2000));
  // Waits until the server closes the connection (EOF or reset); false on timeout or
  // when data arrives instead.
  bool wait_closed(milliseconds timeout);

 private:
  bool read_exact(uint8_t* data, size_t length, std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
};

}  // namespace clusterdns::dns::testing
