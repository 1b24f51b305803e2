#include "dns/server/tcp_listener.h"

#include <chrono>

#include "dns/server/log.h"
#include "dns/server/tcp_connections.h"
#include "dns/server/tcp_session.h"
#include "dns/server/worker.h"

namespace clusterdns::dns {
namespace {

// After a failed accept (typically out of file descriptors), wait before retrying
// rather than spin on the same error.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

TcpListener::TcpListener(asio::ip::tcp::acceptor acceptor,
                         std::span<const std::unique_ptr<Worker>> workers,
                         TcpConnections& connections)
    : acceptor_(std::move(acceptor)),
      retry_timer_(acceptor_.get_executor()),
      workers_(workers),
      connections_(connections) {}

void TcpListener::start() {
  if (!closed_) accept();
}

void TcpListener::close() {
  closed_ = true;
  ErrorCode ignored;
  retry_timer_.cancel(ignored);
  acceptor_.close(ignored);
}

void TcpListener::accept() {
  Worker& worker = *workers_[next_worker_];
  next_worker_ = (next_worker_ + 1) % workers_.size();
  // The new socket belongs to the chosen worker's io_context from the start.
  acceptor_.async_accept(asio::any_io_executor(worker.io.get_executor()),
                         [this, &worker](const ErrorCode& error, asio::ip::tcp::socket socket) {
                           on_accept(error, std::move(socket), worker);
                         });
}

void TcpListener::on_accept(const ErrorCode& error, asio::ip::tcp::socket socket, Worker& worker) {
  if (closed_ || error == asio::error::operation_aborted) return;
  if (error) {
    log_warning("cannot accept a TCP connection: %s", error.message().c_str());
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([this](const ErrorCode& wait_error) {
      if (!wait_error && !closed_) accept();
    });
    return;
  }
  auto session = std::make_shared<TcpSession>(std::move(socket), worker.tcp);
  if (std::shared_ptr<TcpSession> evicted = connections_.add(session)) evict(std::move(evicted));
  asio::post(worker.io, [session] { session->start(); });
  accept();
}

void TcpListener::evict(std::shared_ptr<TcpSession> session) {
  if (!eviction_logged_) {
    eviction_logged_ = true;
    log_warning(
        "%zu TCP connections open (the limit); closing the longest-idle one for each new "
        "one (logged once)",
        connections_.limit());
  }
  asio::post(session->executor(), [session] { session->close(); });
}

}  // namespace clusterdns::dns
