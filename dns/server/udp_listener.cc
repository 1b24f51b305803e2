#include "dns/server/udp_listener.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <span>
#include <stdexcept>
#include <vector>

#include "dns/server/log.h"

namespace clusterdns::dns {
namespace {

// Bounds the retries of a send interrupted by a signal.
constexpr int kSendAttempts = 4 * static_cast<int>(kUdpBatch);

// A reply owed to one UDP client. It keeps the listener's io_context running until it
// is sent or dropped, and the server destroys its listeners only after that context's
// run() has returned: the listener outlives the reply.
class UdpDeferredReply final : public DeferredReply {
 public:
  UdpDeferredReply(UdpListener& listener, const sockaddr_storage& peer, socklen_t peer_length)
      : listener_(listener),
        peer_(peer),
        peer_length_(peer_length),
        work_(keep_running(listener.executor())) {}

  void send(std::span<const uint8_t> response) override {
    if (!work_ || response.empty()) return;
    listener_.send_to(response, peer_, peer_length_);
    work_ = {};
  }
  // On the listener's thread; dropped (with the reply it holds) once the listener has
  // closed, so a stopping server is not kept waiting.
  void post(std::function<void()> task) override {
    if (work_) listener_.post(std::move(task));
  }

 private:
  UdpListener& listener_;
  const sockaddr_storage peer_;
  const socklen_t peer_length_;
  asio::any_io_executor work_;  // tracked: keeps the io_context running until sent
};

bool transient(int error) {
  return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

}  // namespace

UdpListener::UdpListener(asio::ip::udp::socket socket, PacketHandler& handler)
    : executor_(socket.get_executor()),
      handler_(handler),
      buffers_(std::make_unique_for_overwrite<uint8_t[]>(2 * kUdpBatch * kMaxUdpMessage)) {
  // Out of the io_context's epoll set (see the header); no operation is pending on a
  // socket just bound.
  fd_ = socket.release();
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    ::close(fd_);
    throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  }
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

UdpListener::~UdpListener() {
  close();
  ::close(wake_fd_);
  ::close(fd_);
}

void UdpListener::start() {
  thread_ = std::thread([this] { serve(); });
}

void UdpListener::close() {
  {
    const std::lock_guard lock(tasks_mutex_);
    if (closed_) return;
    closed_ = true;
  }
  closing_.store(true, std::memory_order_relaxed);
  const uint64_t one = 1;
  (void)::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  // Tasks still queued hold replies: let them go, so their work ends too.
  std::vector<std::function<void()>> dropped;
  const std::lock_guard lock(tasks_mutex_);
  dropped.swap(tasks_);
}

bool UdpListener::post(std::function<void()> task) {
  {
    const std::lock_guard lock(tasks_mutex_);
    if (closed_) return false;
    tasks_.push_back(std::move(task));
  }
  tasks_waiting_.store(true, std::memory_order_release);
  const uint64_t one = 1;
  (void)::write(wake_fd_, &one, sizeof one);
  return true;
}

void UdpListener::send_to(std::span<const uint8_t> datagram, const sockaddr_storage& peer,
                          socklen_t peer_length) const {
  // A full queue drops the datagram, as the wire would; a signal gets a second try.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (::sendto(fd_, datagram.data(), datagram.size(), MSG_DONTWAIT,
                 reinterpret_cast<const sockaddr*>(&peer), peer_length) >= 0 ||
        errno != EINTR) {
      return;
    }
  }
}

void UdpListener::serve() {
  pthread_setname_np(pthread_self(), "clusterdns-udp");
  while (!closing_.load(std::memory_order_relaxed)) {
    if (tasks_waiting_.load(std::memory_order_acquire)) run_tasks();
    // A short batch means the queue was empty: sleep until the next datagram.
    if (serve_batch() < kUdpBatch) wait();
  }
}

void UdpListener::wait() {
  std::array<pollfd, 2> fds{{{.fd = fd_, .events = POLLIN, .revents = 0},
                             {.fd = wake_fd_, .events = POLLIN, .revents = 0}}};
  if (::poll(fds.data(), fds.size(), -1) < 0) return;  // EINTR: look again
  if ((fds[1].revents & POLLIN) != 0) {
    uint64_t count = 0;
    (void)::read(wake_fd_, &count, sizeof count);
  }
}

void UdpListener::run_tasks() {
  std::vector<std::function<void()>> tasks;
  {
    const std::lock_guard lock(tasks_mutex_);
    tasks.swap(tasks_);
    tasks_waiting_.store(false, std::memory_order_relaxed);
  }
  for (auto& task : tasks) task();
}

size_t UdpListener::serve_batch() {
  const int received = ::recvmmsg(fd_, queries_.data(), kUdpBatch, MSG_DONTWAIT, nullptr);
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
  size_t done = 0;
  for (int attempt = 0; done < count && attempt < kSendAttempts; ++attempt) {
    const int sent =
        ::sendmmsg(fd_, replies_.data() + done, static_cast<unsigned>(count - done), MSG_DONTWAIT);
    if (sent > 0) {
      done += static_cast<size_t>(sent);
    } else if (sent == 0 || errno != EINTR) {
      ++done;  // a full queue or an unreachable peer drops the datagram, as the wire would
    }
  }
}

std::unique_ptr<DeferredReply> UdpListener::defer() {
  return std::make_unique<UdpDeferredReply>(*this, peers_[current_],
                                            queries_[current_].msg_hdr.msg_namelen);
}

}  // namespace clusterdns::dns
