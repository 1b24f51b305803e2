#include "dns/server/udp_listener.h"

#include <span>

#include "dns/server/log.h"

namespace clusterdns::dns {

UdpListener::UdpListener(asio::ip::udp::socket socket, PacketHandler& handler)
    : socket_(std::move(socket)), handler_(handler) {}

void UdpListener::start() {
  receive();
}

void UdpListener::close() {
  ErrorCode ignored;
  socket_.close(ignored);
}

void UdpListener::receive() {
  socket_.async_receive_from(
      asio::buffer(query_), peer_,
      [this](const ErrorCode& error, size_t length) { on_receive(error, length); });
}

void UdpListener::on_receive(const ErrorCode& error, size_t length) {
  if (error == asio::error::operation_aborted || !socket_.is_open()) return;
  if (error) {
    // A failed receive (e.g. an ICMP error queued on the socket) affects one packet.
    log_warning("UDP receive failed: %s", error.message().c_str());
  } else {
    const ClientInfo client{Transport::kUdp, peer_.data(), static_cast<socklen_t>(peer_.size())};
    const size_t answer_length =
        handler_.handle(std::span<const uint8_t>(query_.data(), length), response_, client);
    if (answer_length > 0 && answer_length <= response_.size()) {
      ErrorCode send_error;  // would_block: the kernel queue is full, drop like the wire would
      socket_.send_to(asio::buffer(response_.data(), answer_length), peer_, 0, send_error);
    }
  }
  receive();
}

}  // namespace clusterdns::dns
