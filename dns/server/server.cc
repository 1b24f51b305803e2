#include "dns/server/server.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <optional>
#include <thread>

#include "dns/server/asio.h"
#include "dns/server/log.h"
#include "dns/server/socket_binding.h"
#include "dns/server/tcp_connections.h"
#include "dns/server/tcp_listener.h"
#include "dns/server/tcp_session.h"
#include "dns/server/udp_listener.h"
#include "dns/server/worker.h"

namespace clusterdns::dns {

// Worker 0 also runs the acceptors, the signal sets and the stop sequence.
class Server::Impl {
 public:
  Impl(std::vector<Endpoint> addresses, PacketHandler& handler, ServerOptions options);
  ~Impl();

  Status listen();
  std::vector<Endpoint> bound_endpoints() const { return bound_; }
  void stop_on_signals();
  void on_reload_signal(std::function<void()> callback);
  void run();
  void stop();

 private:
  Worker& first_worker() { return *workers_.front(); }
  void wait_for_reload_signal();
  void stop_on_first_worker();

  const std::vector<Endpoint> addresses_;
  PacketHandler& handler_;
  TcpConnections connections_;
  // Declared after connections_ and before the listeners: see ~Impl.
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::unique_ptr<TcpListener>> tcp_listeners_;
  std::vector<Endpoint> bound_;
  std::optional<asio::signal_set> stop_signals_;
  std::optional<asio::signal_set> reload_signals_;
  std::function<void()> reload_;
  std::atomic<bool> stopping_{false};
};

Server::Impl::Impl(std::vector<Endpoint> addresses, PacketHandler& handler, ServerOptions options)
    : addresses_(std::move(addresses)),
      handler_(handler),
      connections_(options.tcp_max_connections) {
  const int threads = std::max(options.threads, 1);
  for (int i = 0; i < threads; ++i) {
    workers_.push_back(std::make_unique<Worker>(handler_, connections_, options.tcp_idle_timeout));
  }
}

// Sessions still registered hold sockets of the workers' io_contexts: release them
// while those contexts exist. The contexts then destroy any handlers left over.
Server::Impl::~Impl() {
  stop_signals_.reset();
  reload_signals_.reset();
  tcp_listeners_.clear();
  (void)connections_.take_all();
}

Status Server::Impl::listen() {
  if (!bound_.empty()) return Error{"the server is already listening"};
  std::vector<asio::io_context*> contexts;
  for (auto& worker : workers_) contexts.push_back(&worker->io);

  std::vector<BoundAddress> bound;
  for (const Endpoint& address : addresses_) {
    Result<BoundAddress> sockets = bind_address(address, first_worker().io, contexts);
    if (!sockets.ok()) return sockets.error();  // the sockets bound so far close here
    bound.push_back(std::move(sockets).value());
  }

  for (BoundAddress& address : bound) {
    for (size_t i = 0; i < workers_.size(); ++i) {
      workers_[i]->udp.push_back(
          std::make_unique<UdpListener>(std::move(address.udp[i]), handler_));
    }
    tcp_listeners_.push_back(
        std::make_unique<TcpListener>(std::move(address.acceptor), workers_, connections_));
    bound_.push_back(address.endpoint);
    log_info("listening on %s (udp+tcp)", address.endpoint.to_string().c_str());
  }

  // Each UDP listener serves on a thread of its own (udp_listener.h).
  for (auto& worker : workers_) {
    for (auto& listener : worker->udp) listener->start();
  }
  asio::post(first_worker().io, [this] {
    for (auto& listener : tcp_listeners_) listener->start();
  });
  return Status::success();
}

void Server::Impl::stop_on_signals() {
  stop_signals_.emplace(first_worker().io, SIGINT, SIGTERM);
  stop_signals_->async_wait([this](const ErrorCode& error, int signal_number) {
    if (error) return;
    log_info("received %s; stopping", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    stop();
  });
}

void Server::Impl::on_reload_signal(std::function<void()> callback) {
  reload_ = std::move(callback);
  reload_signals_.emplace(first_worker().io, SIGHUP);
  wait_for_reload_signal();
}

void Server::Impl::wait_for_reload_signal() {
  reload_signals_->async_wait([this](const ErrorCode& error, int) {
    if (error) return;
    reload_();
    wait_for_reload_signal();
  });
}

void Server::Impl::run() {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < workers_.size(); ++i) {
    threads.emplace_back([worker = workers_[i].get()] { worker->io.run(); });
  }
  first_worker().io.run();
  for (std::thread& thread : threads) thread.join();
}

void Server::Impl::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(first_worker().io, [this] { stop_on_first_worker(); });
}

// Stops new work everywhere; each io_context then runs out of work once its TCP
// connections have written what they owe, and run() returns.
void Server::Impl::stop_on_first_worker() {
  for (auto& listener : tcp_listeners_) listener->close();
  ErrorCode ignored;
  if (stop_signals_) {
    stop_signals_->clear(ignored);  // a second SIGINT now ends the process at once
    stop_signals_->cancel(ignored);
  }
  if (reload_signals_) {
    reload_signals_->clear(ignored);
    reload_signals_->cancel(ignored);
  }
  for (std::shared_ptr<TcpSession>& session : connections_.take_all()) {
    asio::post(session->executor(), [session] { session->shut_down(); });
  }
  for (auto& worker : workers_) {
    asio::post(worker->io, [worker = worker.get()] {
      for (auto& listener : worker->udp) listener->close();
      worker->guard.reset();
    });
  }
}

Server::Server(std::vector<Endpoint> addresses, PacketHandler& handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(addresses), handler, options)) {}
Server::~Server() = default;
Status Server::listen() {
  return impl_->listen();
}
std::vector<Endpoint> Server::bound_endpoints() const {
  return impl_->bound_endpoints();
}
void Server::stop_on_signals() {
  impl_->stop_on_signals();
}
void Server::on_reload_signal(std::function<void()> callback) {
  impl_->on_reload_signal(std::move(callback));
}
void Server::run() {
  impl_->run();
}
void Server::stop() {
  impl_->stop();
}

}  // namespace clusterdns::dns
