#include "dns/upstream/ares_channel.h"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <mutex>
#include <string>

namespace clusterdns::dns {

struct AresChannel::Watch {
  explicit Watch(asio::io_context& io, ares_socket_t fd) : descriptor(io, fd), fd(fd) {}
  asio::posix::stream_descriptor descriptor;
  ares_socket_t fd;
  bool want_read = false;
  bool want_write = false;
  bool read_pending = false;
  bool write_pending = false;
  bool closed = false;
};

namespace {

Status init_library() {
  static std::once_flag once;
  static int status = ARES_SUCCESS;
  std::call_once(once, [] { status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (status != ARES_SUCCESS) return Error{std::string("c-ares: ") + ares_strerror(status)};
  return {};
}

}  // namespace

AresChannel::AresChannel(asio::io_context& io) : io_(io), timer_(io) {}

std::chrono::milliseconds AresChannel::try_timeout(const ChannelOptions& options) {
  // Round r waits timeout << r per server: the budget is timeout * servers * (2^tries - 1).
  const int tries = std::max(options.tries, 1);
  const auto servers = static_cast<long>(std::max<size_t>(options.servers.size(), 1));
  const long rounds = (1L << tries) - 1;
  return std::max(std::chrono::milliseconds(50), options.total_timeout / (servers * rounds));
}

Result<std::unique_ptr<AresChannel>> AresChannel::create(asio::io_context& io,
                                                         const ChannelOptions& options) {
  if (auto status = init_library(); !status) return status.error();
  if (options.servers.empty()) return Error{"no upstream servers"};
  std::unique_ptr<AresChannel> channel(new AresChannel(io));

  ares_options ares{};
  // NOCHECKRESP: SERVFAIL/REFUSED from an upstream reach us and pass through to the
  // client. c-ares retries over TCP by itself when an answer comes back truncated.
  ares.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH;
  ares.timeout = static_cast<int>(try_timeout(options).count());
  ares.tries = std::max(options.tries, 1);
  ares.sock_state_cb = &AresChannel::on_socket_state;
  ares.sock_state_cb_data = channel.get();
  const int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
                   ARES_OPT_NOROTATE;
  if (int status = ares_init_options(&channel->channel_, &ares, mask); status != ARES_SUCCESS) {
    return Error{std::string("c-ares: ") + ares_strerror(status)};
  }
  std::string servers;
  for (const Endpoint& server : options.servers) {
    if (!servers.empty()) servers += ",";
    servers += server.to_string();
  }
  if (int status = ares_set_servers_ports_csv(channel->channel_, servers.c_str());
      status != ARES_SUCCESS) {
    return Error{"c-ares cannot use upstreams '" + servers + "': " + ares_strerror(status)};
  }
  return channel;
}

AresChannel::~AresChannel() {
  *alive_ = false;
  if (channel_ != nullptr) ares_destroy(channel_);  // callbacks run: ARES_EDESTRUCTION
  for (auto& [fd, watch] : watches_) {
    watch->closed = true;
    (void)watch->descriptor.release();
  }
}

void AresChannel::send(std::span<const uint8_t> query, Callback done) {
  auto* callback = new Callback(std::move(done));
  ares_send(channel_, query.data(), static_cast<int>(query.size()), &AresChannel::on_answer,
            callback);
  arm_timer();
}

void AresChannel::on_answer(void* arg, int status, int /*timeouts*/, unsigned char* answer,
                            int length) {
  std::unique_ptr<Callback> callback(static_cast<Callback*>(arg));
  const auto size = status == ARES_SUCCESS && answer != nullptr && length > 0
                        ? static_cast<size_t>(length)
                        : size_t{0};
  (*callback)(status, std::span<const uint8_t>(answer, size));
}

void AresChannel::on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
  static_cast<AresChannel*>(data)->watch(fd, readable != 0, writable != 0);
}

void AresChannel::watch(ares_socket_t fd, bool readable, bool writable) {
  auto found = watches_.find(fd);
  if (!readable && !writable) {
    // c-ares is about to close the socket: stop watching without closing it ourselves.
    if (found == watches_.end()) return;
    found->second->closed = true;
    (void)found->second->descriptor.release();
    watches_.erase(found);
    return;
  }
  if (found == watches_.end()) {
    found = watches_.emplace(fd, std::make_shared<Watch>(io_, fd)).first;
  }
  found->second->want_read = readable;
  found->second->want_write = writable;
  arm(found->second);
}

void AresChannel::arm(const std::shared_ptr<Watch>& watch) {
  using Descriptor = asio::posix::stream_descriptor;
  if (watch->closed) return;
  if (watch->want_read && !watch->read_pending) {
    watch->read_pending = true;
    watch->descriptor.async_wait(Descriptor::wait_read, [this, watch](const ErrorCode& error) {
      watch->read_pending = false;
      if (watch->closed || error) return;
      process(watch->fd, ARES_SOCKET_BAD);
      arm(watch);
    });
  }
  if (watch->want_write && !watch->write_pending) {
    watch->write_pending = true;
    watch->descriptor.async_wait(Descriptor::wait_write, [this, watch](const ErrorCode& error) {
      watch->write_pending = false;
      if (watch->closed || error) return;
      process(ARES_SOCKET_BAD, watch->fd);
      arm(watch);
    });
  }
}

void AresChannel::process(ares_socket_t read_fd, ares_socket_t write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  arm_timer();
}

void AresChannel::arm_timer() {
  timeval storage{};
  const timeval* next = ares_timeout(channel_, nullptr, &storage);
  if (next == nullptr) {
    timer_.cancel();
    return;
  }
  const auto wait = std::chrono::seconds(next->tv_sec) + std::chrono::microseconds(next->tv_usec) +
                    std::chrono::milliseconds(1);
  timer_.expires_after(wait);
  // A wait that completed just before the channel went away is not cancelled by the
  // timer's destruction: `alive` tells its handler not to touch the channel.
  timer_.async_wait([this, alive = alive_](const ErrorCode& error) {
    if (error || !*alive) return;
    process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  });
}

}  // namespace clusterdns::dns
