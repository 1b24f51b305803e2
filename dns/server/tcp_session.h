#pragma once
// One TCP client connection (RFC 7766, RFC 1035 §4.2.2): 2-byte length-framed queries,
// possibly pipelined, each answered with its own framed response. Reading goes on while
// earlier answers are being written, up to a bounded backlog; then reading pauses until
// the client takes its answers. Lives on one io_context thread; async handlers hold a
// shared_ptr to it (Asio echo-server style), so it dies after its last handler.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "dns/server/asio.h"
#include "dns/server/handler_memory.h"
#include "dns/server/packet_handler.h"

namespace clusterdns::dns {

class TcpConnections;

// What the sessions of one serving thread share.
struct TcpSessionContext {
  PacketHandler& handler;
  TcpConnections& connections;
  std::chrono::milliseconds idle_timeout;
  // The thread's 65535-byte answer buffer: sessions of one thread answer one at a time.
  std::span<uint8_t> response;
};

// Answers deferred by the handler (kDeferred) come back through deliver() or
// drop_deferred(); until then the reply holds a shared_ptr, so the session stays.
class TcpSession : public std::enable_shared_from_this<TcpSession>, private ReplyDeferrer {
 public:
  TcpSession(asio::ip::tcp::socket socket, TcpSessionContext& context);
  TcpSession(const TcpSession&) = delete;
  TcpSession& operator=(const TcpSession&) = delete;

  // These run on the socket's io_context thread (post them there from elsewhere).
  void start();
  // Stops reading; closes once the answers owed are written (or at the idle timeout).
  void shut_down();
  void close();

  // Steady-clock nanoseconds of the last complete query or finished write; any thread.
  int64_t last_activity() const { return last_activity_.load(std::memory_order_relaxed); }
  asio::any_io_executor executor() { return socket_.get_executor(); }

  // On the session's thread: a deferred answer arrives (queued in arrival order, RFC
  // 7766 §7), or is given up. A closed connection ignores it.
  void deliver(std::span<const uint8_t> response);
  void drop_deferred();

 private:
  std::unique_ptr<DeferredReply> defer() override;
  void queue_answer(std::span<const uint8_t> response);
  void read();
  void on_read(const ErrorCode& error, size_t length);
  // Answers the complete queries in the input, up to the backlog bound.
  void answer_queries();
  void answer(std::span<const uint8_t> query);
  // Answers what is buffered, writes, and reads more unless paused or finished.
  void pump();
  void write();
  void on_write(const ErrorCode& error);
  bool backlogged() const;
  void touch();
  void wait_for_idle_deadline();
  void on_idle_timer(const ErrorCode& error);

  asio::ip::tcp::socket socket_;
  asio::steady_timer idle_timer_;
  TcpSessionContext& context_;
  asio::ip::tcp::endpoint peer_;

  // Input: [input_begin_, input_end_) holds unanswered bytes, at most one whole frame
  // plus the next frame's start, so one maximal frame always fits.
  std::unique_ptr<uint8_t[]> input_;
  size_t input_begin_ = 0;
  size_t input_end_ = 0;

  // Output: answers queue in pending_ while writing_ is on the wire; swapped when the
  // write finishes. Capacity is kept, so a steady connection does not allocate.
  std::vector<uint8_t> pending_;
  std::vector<uint8_t> writing_;
  size_t pending_answers_ = 0;
  size_t writing_answers_ = 0;
  size_t deferred_answers_ = 0;  // owed by the handler; counts toward the backlog

  // Asio's state for the one read and the one write in flight lives here.
  HandlerMemory read_memory_;
  HandlerMemory write_memory_;

  bool reading_ = false;
  bool write_in_flight_ = false;
  bool read_closed_ = false;  // no more queries: client half-close, bad frame, or stop
  bool closed_ = false;
  std::atomic<int64_t> last_activity_{0};
};

}  // namespace clusterdns::dns
