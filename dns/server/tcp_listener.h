#pragma once
// Accepts TCP connections on one address and hands each to the next worker in turn,
// registering it with the server's connection cap.

#include <cstddef>
#include <memory>
#include <span>

#include "dns/server/asio.h"

namespace clusterdns::dns {

struct Worker;
class TcpConnections;
class TcpSession;

class TcpListener {
 public:
  // Runs on the acceptor's io_context; `workers` and `connections` outlive it.
  TcpListener(asio::ip::tcp::acceptor acceptor, std::span<const std::unique_ptr<Worker>> workers,
              TcpConnections& connections);
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  void start();
  void close();

 private:
  void accept();
  void on_accept(const ErrorCode& error, asio::ip::tcp::socket socket, Worker& worker);
  void evict(std::shared_ptr<TcpSession> session);

  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  std::span<const std::unique_ptr<Worker>> workers_;
  TcpConnections& connections_;
  size_t next_worker_ = 0;
  bool closed_ = false;
  bool eviction_logged_ = false;
};

}  // namespace clusterdns::dns
