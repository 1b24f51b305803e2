#include "dns/server/socket_binding.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

namespace clusterdns::dns {
namespace {

// How often port 0 is retried when the free TCP port is taken for UDP.
constexpr int kPortAttempts = 16;

Error listen_error(const Endpoint& address, const ErrorCode& error) {
  return Error{"cannot listen on " + address.to_string() + ": " + error.message()};
}

ErrorCode set_reuse_port(int fd) {
  const int on = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
    return ErrorCode(errno, boost::system::system_category());
  }
  return {};
}

ErrorCode open_acceptor(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& at) {
  ErrorCode error;
  acceptor.open(at.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error && at.protocol() == asio::ip::tcp::v6()) {
    acceptor.set_option(asio::ip::v6_only(true), error);
  }
  if (!error) acceptor.bind(at, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) acceptor.close();
  return error;
}

// A burst of queries larger than the default receive buffer (about 200 KiB) is lost
// while the thread answers the previous batch; NSD asks for 1 MiB each way too. Best
// effort: FORCE needs CAP_NET_ADMIN, the plain option is capped by net.core.rmem_max.
void enlarge_buffers(int fd) {
  constexpr int kBufferBytes = 1 << 20;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kBufferBytes, sizeof kBufferBytes) != 0) {
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kBufferBytes, sizeof kBufferBytes);
  }
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &kBufferBytes, sizeof kBufferBytes) != 0) {
    (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kBufferBytes, sizeof kBufferBytes);
  }
}

// Several sockets on one port spread the datagrams between threads (SO_REUSEPORT); a
// single socket does without it, so a second server on the same port fails to bind.
ErrorCode open_udp(asio::ip::udp::socket& socket, const asio::ip::udp::endpoint& at,
                   bool shared_port) {
  ErrorCode error;
  socket.open(at.protocol(), error);
  if (!error && shared_port) error = set_reuse_port(socket.native_handle());
  if (!error && at.protocol() == asio::ip::udp::v6()) {
    socket.set_option(asio::ip::v6_only(true), error);
  }
  if (!error) socket.bind(at, error);
  // Sends never wait: a datagram the kernel cannot queue is dropped, like on the wire.
  if (!error) socket.non_blocking(true, error);
  if (!error) enlarge_buffers(socket.native_handle());
  if (error) socket.close();
  return error;
}

// Binds TCP then UDP on `address` as given (its port may be 0 only for TCP's sake).
Result<BoundAddress> bind_once(const Endpoint& address, asio::io_context& tcp_context,
                               std::span<asio::io_context* const> udp_contexts,
                               ErrorCode& udp_error) {
  BoundAddress bound{address, asio::ip::tcp::acceptor(tcp_context), {}};
  const ErrorCode tcp_error =
      open_acceptor(bound.acceptor, to_asio_endpoint<asio::ip::tcp::endpoint>(address));
  if (tcp_error) return listen_error(address, tcp_error);
  bound.endpoint.set_port(bound.acceptor.local_endpoint().port());

  const auto udp_at = to_asio_endpoint<asio::ip::udp::endpoint>(bound.endpoint);
  for (asio::io_context* context : udp_contexts) {
    asio::ip::udp::socket& socket = bound.udp.emplace_back(*context);
    udp_error = open_udp(socket, udp_at, udp_contexts.size() > 1);
    if (udp_error) return listen_error(bound.endpoint, udp_error);
  }
  return bound;
}

}  // namespace

Result<BoundAddress> bind_address(const Endpoint& address, asio::io_context& tcp_context,
                                  std::span<asio::io_context* const> udp_contexts) {
  const bool pick_port = address.port() == 0;
  for (int attempt = 1;; ++attempt) {
    ErrorCode udp_error;
    Result<BoundAddress> bound = bind_once(address, tcp_context, udp_contexts, udp_error);
    const bool port_taken_for_udp = udp_error == asio::error::address_in_use;
    if (bound.ok() || !pick_port || !port_taken_for_udp || attempt == kPortAttempts) {
      if (!bound.ok() && pick_port && port_taken_for_udp) {
        return Error{"cannot listen on " + address.to_string() + ": no free port for both " +
                     "UDP and TCP after " + std::to_string(kPortAttempts) + " attempts"};
      }
      return bound;
    }
  }
}

}  // namespace clusterdns::dns
