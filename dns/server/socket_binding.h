#pragma once
// Opens and binds the sockets for one listen address: a TCP acceptor and one UDP
// socket per serving thread, all on the same port.

#include <cstring>
#include <span>
#include <vector>

#include "dns/result.h"
#include "dns/server/asio.h"
#include "dns/server/endpoint.h"

namespace clusterdns::dns {

struct BoundAddress {
  Endpoint endpoint;  // as requested, with the real port
  asio::ip::tcp::acceptor acceptor;
  std::vector<asio::ip::udp::socket> udp;  // udp[i] belongs to udp_contexts[i]
};

// Port 0 picks a free TCP port and binds UDP to the same one, retrying a few times when
// that UDP port is taken. IPv6 sockets are IPV6_V6ONLY so "[::]:53" and "0.0.0.0:53"
// can both be bound. Errors read "cannot listen on 127.0.0.1:53: Permission denied".
Result<BoundAddress> bind_address(const Endpoint& address, asio::io_context& tcp_context,
                                  std::span<asio::io_context* const> udp_contexts);

template <class AsioEndpoint>
AsioEndpoint to_asio_endpoint(const Endpoint& endpoint) {
  AsioEndpoint result;
  std::memcpy(result.data(), endpoint.data(), endpoint.size());
  result.resize(endpoint.size());
  return result;
}

}  // namespace clusterdns::dns
