#include "dns/server/udp_listener.h"

#include <cerrno>
#include <cstring>
#include <span>
#include <vector>

#include "dns/server/log.h"

namespace clusterdns::dns {
namespace {

// Batches served per readiness event before yielding to the other handlers of the
// io_context (TCP, deferred replies); the rest of the queue is served right after.
constexpr int kBatchesPerWakeup = 8;
// Bounds the retries of a send interrupted by a signal.
constexpr int kSendAttempts = 4 * static_cast<int>(kUdpBatch);

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

bool transient(int error) {
  return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

}  // namespace

UdpListener::UdpListener(asio::ip::udp::socket socket, PacketHandler& handler)
    : socket_(std::move(socket)),
      handler_(handler),
      buffers_(std::make_unique_for_overwrite<uint8_t[]>(2 * kUdpBatch * kMaxUdpMessage)) {
  for (size_t i = 0; i < kUdpBatch; ++i) {
    query_iov_[i] = {query_slot(i), kMaxUdpMessage};
    queries_[i] = {};
    queries_[i].msg_hdr.msg_iov = &query_iov_[i];
    queries_[i].msg_hdr.msg_iovlen = 1;
    queries_[i].msg_hdr.msg_name = &peers_[i];
    queries_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    replies_[i] = {};
    replies_[i].msg_hdr.msg_iov = &reply_iov_[i];
    replies_[i].msg_hdr.msg_iovlen = 1;
  }
}

void UdpListener::start() {
  wait();
}

void UdpListener::close() {
  ErrorCode ignored;
  socket_.close(ignored);
}

void UdpListener::wait() {
  socket_.async_wait(asio::socket_base::wait_read,
                     [this](const ErrorCode& error) { on_readable(error); });
}

void UdpListener::on_readable(const ErrorCode& error) {
  if (error == asio::error::operation_aborted || !socket_.is_open()) return;
  if (error) log_warning("UDP wait failed: %s", error.message().c_str());
  for (int batch = 0; batch < kBatchesPerWakeup; ++batch) {
    // A short batch means the queue was empty: the next datagram wakes us again.
    if (serve_batch() < kUdpBatch) return wait();
  }
  // Still busy: let the other handlers run, then carry on without waiting.
  asio::post(socket_.get_executor(), [this] { on_readable({}); });
}

size_t UdpListener::serve_batch() {
  const int fd = socket_.native_handle();
  const int received = ::recvmmsg(fd, queries_.data(), kUdpBatch, MSG_DONTWAIT, nullptr);
  if (received <= 0) {
    // A failed receive (e.g. an ICMP error queued on the socket) affects one packet.
    if (received < 0 && !transient(errno)) {
      log_warning("UDP receive failed: %s", std::strerror(errno));
      return kUdpBatch;  // try again: the error was consumed
    }
    return 0;
  }
  const auto count = static_cast<size_t>(received);
  // Lets the handler start loading what the whole batch needs before it answers any:
  // the misses of 32 lookups overlap instead of queueing one after another.
  std::array<std::span<const uint8_t>, kUdpBatch> batch;
  for (size_t i = 0; i < count; ++i) batch[i] = {query_slot(i), queries_[i].msg_len};
  handler_.prefetch({batch.data(), count});
  size_t replies = 0;
  for (size_t i = 0; i < count; ++i) {
    msghdr& header = queries_[i].msg_hdr;
    current_ = i;
    const ClientInfo client{Transport::kUdp, reinterpret_cast<const sockaddr*>(&peers_[i]),
                            header.msg_namelen, this};
    const size_t length =
        handler_.handle(batch[i], std::span<uint8_t>(response_slot(i), kMaxUdpMessage), client);
    if (length > 0 && length <= kMaxUdpMessage) {
      reply_iov_[replies] = {response_slot(i), length};
      replies_[replies].msg_hdr.msg_name = &peers_[i];
      replies_[replies].msg_hdr.msg_namelen = header.msg_namelen;
      ++replies;
    }
  }
  send_replies(replies);
  for (size_t i = 0; i < count; ++i) queries_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
  return count;
}

void UdpListener::send_replies(size_t count) {
  const int fd = socket_.native_handle();
  size_t done = 0;
  for (int attempt = 0; done < count && attempt < kSendAttempts; ++attempt) {
    const int sent =
        ::sendmmsg(fd, replies_.data() + done, static_cast<unsigned>(count - done), MSG_DONTWAIT);
    if (sent > 0) {
      done += static_cast<size_t>(sent);
    } else if (sent == 0 || errno != EINTR) {
      ++done;  // a full queue or an unreachable peer drops the datagram, as the wire would
    }
  }
}

std::unique_ptr<DeferredReply> UdpListener::defer() {
  asio::ip::udp::endpoint peer;
  const socklen_t length = queries_[current_].msg_hdr.msg_namelen;
  std::memcpy(peer.data(), &peers_[current_], length);
  peer.resize(length);
  return std::make_unique<UdpDeferredReply>(socket_, peer);
}

}  // namespace clusterdns::dns
