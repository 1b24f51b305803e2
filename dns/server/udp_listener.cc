#include "dns/server/udp_listener.h"

#include <span>
#include <vector>

#include "dns/server/log.h"

namespace clusterdns::dns {
namespace {

// Sends on the listener's socket from its own thread. The socket outlives the reply:
// the reply's work guard keeps the io_context running, and the server closes sockets
// only on that thread and destroys them after run() has returned.
class UdpDeferredReply final : public DeferredReply {
 public:
  UdpDeferredReply(asio::ip::udp::socket& socket, const asio::ip::udp::endpoint& peer)
      : socket_(socket), peer_(peer), work_(keep_running(socket.get_executor())) {}

  void send(std::span<const uint8_t> response) override {
    if (sent_ || response.empty()) return;
    sent_ = true;
    asio::post(std::exchange(work_, {}),
               [&socket = socket_, peer = peer_,
                bytes = std::vector<uint8_t>(response.begin(), response.end())] {
                 if (!socket.is_open()) return;
                 ErrorCode ignored;  // a full queue drops the datagram, as the wire would
                 socket.send_to(asio::buffer(bytes), peer, 0, ignored);
               });
  }
  void post(std::function<void()> task) override {
    if (work_) asio::post(work_, std::move(task));  // nothing left to do after send()
  }

 private:
  asio::ip::udp::socket& socket_;
  const asio::ip::udp::endpoint peer_;
  asio::any_io_executor work_;  // tracked: keeps the io_context running until sent
  bool sent_ = false;
};

}  // namespace

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
    const ClientInfo client{Transport::kUdp, peer_.data(), static_cast<socklen_t>(peer_.size()),
                            this};
    const size_t answer_length =
        handler_.handle(std::span<const uint8_t>(query_.data(), length), response_, client);
    if (answer_length > 0 && answer_length <= response_.size()) {
      ErrorCode send_error;  // would_block: the kernel queue is full, drop like the wire would
      socket_.send_to(asio::buffer(response_.data(), answer_length), peer_, 0, send_error);
    }
  }
  receive();
}

std::unique_ptr<DeferredReply> UdpListener::defer() {
  return std::make_unique<UdpDeferredReply>(socket_, peer_);
}

}  // namespace clusterdns::dns
