#include "dns/server/tcp_session.h"

#include <cstring>

#include "dns/server/tcp_connections.h"

namespace clusterdns::dns {
namespace {

constexpr size_t kLengthPrefix = 2;
constexpr size_t kMaxFrame = kLengthPrefix + 65535;
// RFC 1035 §4.1.1: nothing shorter than the 12-byte header is a DNS message.
constexpr size_t kDnsHeaderSize = 12;
// The backlog of answers not yet taken by the client: past either bound the session
// stops answering (and so reading) until a write finishes.
constexpr size_t kMaxQueuedAnswers = 32;
constexpr size_t kMaxQueuedBytes = 64 * 1024;

// Delivers on the session's thread; holding the session keeps it open for the answer.
class TcpDeferredReply final : public DeferredReply {
 public:
  explicit TcpDeferredReply(std::shared_ptr<TcpSession> session)
      : session_(std::move(session)), work_(keep_running(session_->executor())) {}
  ~TcpDeferredReply() override {
    if (!sent_) {
      asio::post(std::exchange(work_, {}), [session = session_] { session->drop_deferred(); });
    }
  }

  void send(std::span<const uint8_t> response) override {
    if (sent_) return;
    sent_ = true;
    asio::post(
        std::exchange(work_, {}),
        [session = session_, bytes = std::vector<uint8_t>(response.begin(), response.end())] {
          session->deliver(bytes);
        });
  }
  void post(std::function<void()> task) override {
    if (work_) asio::post(work_, std::move(task));  // nothing left to do after send()
  }

 private:
  const std::shared_ptr<TcpSession> session_;
  asio::any_io_executor work_;  // tracked: keeps the io_context running until sent
  bool sent_ = false;
};

int64_t steady_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TcpSession::TcpSession(asio::ip::tcp::socket socket, TcpSessionContext& context)
    : socket_(std::move(socket)),
      idle_timer_(socket_.get_executor()),
      context_(context),
      input_(std::make_unique_for_overwrite<uint8_t[]>(kMaxFrame)) {
  touch();
}

void TcpSession::start() {
  if (closed_) return;  // evicted before it started
  ErrorCode error;
  peer_ = socket_.remote_endpoint(error);
  if (error) {  // the client has already gone
    close();
    return;
  }
  // Answers go out as soon as they are ready, not held back for a delayed ACK.
  socket_.set_option(asio::ip::tcp::no_delay(true), error);
  wait_for_idle_deadline();
  read();
}

void TcpSession::shut_down() {
  if (closed_) return;
  read_closed_ = true;
  if (reading_) {
    // The pending read then ends with EOF, which finishes like a client's half-close.
    ErrorCode ignored;
    socket_.shutdown(asio::socket_base::shutdown_receive, ignored);
    return;
  }
  pump();
}

void TcpSession::close() {
  if (closed_) return;
  closed_ = true;
  ErrorCode ignored;
  idle_timer_.cancel(ignored);
  socket_.close(ignored);
  context_.connections.remove(this);
}

void TcpSession::read() {
  reading_ = true;
  socket_.async_read_some(
      asio::buffer(input_.get() + input_end_, kMaxFrame - input_end_),
      with_memory(read_memory_, [self = shared_from_this()](const ErrorCode& error, size_t length) {
        self->on_read(error, length);
      }));
}

void TcpSession::on_read(const ErrorCode& error, size_t length) {
  reading_ = false;
  if (closed_) return;
  input_end_ += length;
  if (error == asio::error::eof || (error && read_closed_)) {
    // RFC 7766 §6.2.4 (tear-down): a client that half-closes still gets its answers.
    read_closed_ = true;
  } else if (error) {
    close();
    return;
  }
  pump();
}

void TcpSession::pump() {
  answer_queries();
  if (!write_in_flight_ && !pending_.empty()) write();
  if (backlogged()) return;  // on_write pumps again
  if (read_closed_) {
    if (!write_in_flight_ && deferred_answers_ == 0) close();
    return;
  }
  if (!reading_) read();
}

void TcpSession::answer_queries() {
  bool answered = false;
  while (!backlogged()) {
    const size_t available = input_end_ - input_begin_;
    if (available < kLengthPrefix) break;
    const uint8_t* frame = input_.get() + input_begin_;
    const size_t length = static_cast<size_t>(frame[0]) << 8 | frame[1];
    // A zero-length or sub-header frame cannot be a query; with the framing in doubt,
    // the connection ends (after the answers already owed) rather than guess where
    // the next query starts.
    if (length < kDnsHeaderSize) {
      read_closed_ = true;
      input_begin_ = input_end_ = 0;
      break;
    }
    if (available < kLengthPrefix + length) break;
    answer(std::span<const uint8_t>(frame + kLengthPrefix, length));
    input_begin_ += kLengthPrefix + length;
    answered = true;
  }
  if (answered) touch();
  if (input_begin_ > 0) {  // keep the unanswered bytes at the front
    std::memmove(input_.get(), input_.get() + input_begin_, input_end_ - input_begin_);
    input_end_ -= input_begin_;
    input_begin_ = 0;
  }
}

void TcpSession::answer(std::span<const uint8_t> query) {
  const ClientInfo client{Transport::kTcp, peer_.data(), static_cast<socklen_t>(peer_.size()),
                          this};
  const size_t length = context_.handler.handle(query, context_.response, client);
  if (length == 0 || length > context_.response.size()) return;
  queue_answer(context_.response.first(length));
}

void TcpSession::queue_answer(std::span<const uint8_t> response) {
  if (response.empty() || response.size() > 65535) return;
  // RFC 1035 §4.2.2: each message is prefixed with its length as two bytes.
  pending_.push_back(static_cast<uint8_t>(response.size() >> 8));
  pending_.push_back(static_cast<uint8_t>(response.size() & 0xff));
  pending_.insert(pending_.end(), response.begin(), response.end());
  ++pending_answers_;
}

std::unique_ptr<DeferredReply> TcpSession::defer() {
  ++deferred_answers_;
  return std::make_unique<TcpDeferredReply>(shared_from_this());
}

void TcpSession::deliver(std::span<const uint8_t> response) {
  if (deferred_answers_ > 0) --deferred_answers_;
  if (closed_) return;
  queue_answer(response);
  touch();
  pump();
}

void TcpSession::drop_deferred() {
  if (deferred_answers_ > 0) --deferred_answers_;
  if (!closed_) pump();
}

void TcpSession::write() {
  std::swap(pending_, writing_);
  writing_answers_ = pending_answers_;
  pending_answers_ = 0;
  write_in_flight_ = true;
  asio::async_write(
      socket_, asio::buffer(writing_),
      with_memory(write_memory_, [self = shared_from_this()](const ErrorCode& error, size_t) {
        self->on_write(error);
      }));
}

void TcpSession::on_write(const ErrorCode& error) {
  write_in_flight_ = false;
  if (closed_) return;
  if (error) {
    close();
    return;
  }
  writing_.clear();
  writing_answers_ = 0;
  touch();
  pump();
}

bool TcpSession::backlogged() const {
  return pending_answers_ + writing_answers_ + deferred_answers_ >= kMaxQueuedAnswers ||
         pending_.size() + writing_.size() >= kMaxQueuedBytes;
}

void TcpSession::touch() {
  last_activity_.store(steady_now(), std::memory_order_relaxed);
}

// One timer per connection, re-armed only when it fires: a query just moves the
// deadline (last_activity_), so the hot path never touches the timer.
void TcpSession::wait_for_idle_deadline() {
  const auto deadline = std::chrono::steady_clock::time_point(
                            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::nanoseconds(last_activity()))) +
                        context_.idle_timeout;
  idle_timer_.expires_at(deadline);
  idle_timer_.async_wait(
      [self = shared_from_this()](const ErrorCode& error) { self->on_idle_timer(error); });
}

// RFC 7766 §6.2.3: an idle connection (no complete query, nothing written) is closed;
// a query left half-sent counts as idle.
void TcpSession::on_idle_timer(const ErrorCode& error) {
  if (closed_ || error == asio::error::operation_aborted) return;
  if (std::chrono::nanoseconds(steady_now() - last_activity()) >= context_.idle_timeout) {
    close();
    return;
  }
  wait_for_idle_deadline();
}

}  // namespace clusterdns::dns
