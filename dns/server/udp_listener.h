#pragma once
// Receives queries on one UDP socket in batches and sends back the handler's answers
// (DESIGN.md §4): recvmmsg takes up to kUdpBatch datagrams at once into preallocated
// buffers, each is answered into its own response slot, and one sendmmsg sends the
// batch: two system calls per batch instead of two per query, no heap allocation, no
// lock. Several threads serve one address through several sockets (SO_REUSEPORT), one
// listener each, so nothing here is shared.
//
// Each listener has a thread of its own, and its socket is in no epoll set: an epoll
// entry on the socket's wait queue costs a callback, under a lock with interrupts off,
// for every datagram that arrives and every reply the kernel frees (issue 8: 4% of a
// server's CPU per query, measured on the bench's no-DNS-work floor with and without
// one). The thread waits in poll() only when the queue is empty, so under load no
// waiter is registered at all. Replies deferred to an upstream come back as tasks for
// this thread (it owns the forwarding cache they fill), woken through an eventfd.

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "dns/server/asio.h"
#include "dns/server/packet_handler.h"

namespace clusterdns::dns {

// RFC 1035 §2.3.4 caps UDP messages at 512 bytes without EDNS; with EDNS the IP limit.
inline constexpr size_t kMaxUdpMessage = 65535;
// Datagrams per recvmmsg/sendmmsg. Buffers are reserved for the full message size
// but only the pages a datagram touches become resident.
inline constexpr size_t kUdpBatch = 32;

class UdpListener : private ReplyDeferrer {
 public:
  // `socket` is bound; the listener takes its descriptor out of its io_context, whose
  // executor still keeps replies owed to clients going (DeferredReply).
  UdpListener(asio::ip::udp::socket socket, PacketHandler& handler);
  ~UdpListener();
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  // Starts the listener's thread.
  void start();
  // Stops and joins it; tasks posted afterwards are dropped. Never from that thread.
  void close();

  // Runs `task` on the listener's thread (DeferredReply::post); false once closed.
  bool post(std::function<void()> task);
  // Sends one datagram to `peer` from the listener's socket; any thread.
  void send_to(std::span<const uint8_t> datagram, const sockaddr_storage& peer,
               socklen_t peer_length) const;
  const asio::any_io_executor& executor() const { return executor_; }

 private:
  // ReplyDeferrer: the reply remembers this listener and the query's peer.
  std::unique_ptr<DeferredReply> defer() override;
  void serve();
  // Sleeps until the socket is readable or a task or close() wakes the thread.
  void wait();
  void run_tasks();
  // Receives, answers and sends one batch; returns the datagrams received.
  size_t serve_batch();
  void send_replies(size_t count);

  uint8_t* query_slot(size_t i) { return buffers_.get() + 2 * i * kMaxUdpMessage; }
  uint8_t* response_slot(size_t i) { return query_slot(i) + kMaxUdpMessage; }

  asio::any_io_executor executor_;  // the io_context the socket was bound with
  int fd_ = -1;
  int wake_fd_ = -1;  // eventfd: tasks or close() for a thread asleep in poll()
  PacketHandler& handler_;
  std::thread thread_;
  std::atomic<bool> closing_{false};
  std::atomic<bool> tasks_waiting_{false};
  std::mutex tasks_mutex_;  // only when a task is posted, never per query
  std::vector<std::function<void()>> tasks_;
  bool closed_ = false;  // under tasks_mutex_
  // Slot i: its query, then its response (left uninitialized: untouched pages stay free).
  std::unique_ptr<uint8_t[]> buffers_;
  std::array<sockaddr_storage, kUdpBatch> peers_;
  std::array<iovec, kUdpBatch> query_iov_;
  std::array<mmsghdr, kUdpBatch> queries_;
  std::array<iovec, kUdpBatch> reply_iov_;
  std::array<mmsghdr, kUdpBatch> replies_;
  size_t current_ = 0;  // the datagram being answered, for defer()
};

}  // namespace clusterdns::dns
