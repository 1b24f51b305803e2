// Deferred answers (PacketHandler returns kDeferred, later DeferredReply::send from
// another thread): UDP replies reach the remembered peer, TCP answers may overtake
// each other (RFC 7766 §7), and a connection stays open until what it is owed is sent
// or dropped.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "tests/dns/server_test_support.h"

namespace clusterdns::dns {
namespace {

using namespace std::chrono_literals;
using testing::Bytes;
using testing::frame;
using testing::make_query;
using testing::message_id;
using testing::RunningServer;
using testing::TcpClient;

constexpr uint16_t kDeferredId = 0xDEFE;

// Echoes queries at once, except those with kDeferredId: it keeps their replies for
// the test to send (or drop) from the test's thread.
class DeferringHandler : public PacketHandler {
 public:
  size_t handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                const ClientInfo& client) override {
    Bytes answer(query.begin(), query.end());
    answer[2] |= 0x80;  // QR
    if (message_id(answer) == kDeferredId && client.deferrer != nullptr) {
      std::lock_guard lock(mutex_);
      pending_.push_back({client.deferrer->defer(), answer});
      deferring_thread_ = std::this_thread::get_id();
      return kDeferred;
    }
    std::copy(answer.begin(), answer.end(), response.begin());
    return answer.size();
  }

  // Waits (bounded) for a deferred query and takes its reply.
  std::pair<std::unique_ptr<DeferredReply>, Bytes> take() {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (!pending_.empty()) {
          auto first = std::move(pending_.front());
          pending_.erase(pending_.begin());
          return first;
        }
      }
      std::this_thread::sleep_for(10ms);
    }
    return {};
  }
  // The thread that answered (deferred) the last deferred query.
  std::thread::id deferring_thread() {
    std::lock_guard lock(mutex_);
    return deferring_thread_;
  }

 private:
  std::mutex mutex_;
  std::thread::id deferring_thread_;
  std::vector<std::pair<std::unique_ptr<DeferredReply>, Bytes>> pending_;
};

TEST(DeferredReply, ReachesTheUdpClientFromAnotherThread) {
  DeferringHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  std::thread answerer([&handler] {
    auto [reply, answer] = handler.take();
    ASSERT_NE(reply, nullptr);
    std::this_thread::sleep_for(50ms);
    reply->send(answer);
  });
  auto answer = testing::udp_exchange(running.endpoint(), make_query(kDeferredId));
  answerer.join();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(message_id(*answer), kDeferredId);
}

// The forwarder fills the cache of the thread that took the query (it is that
// thread's alone) from a task it posts: a UDP reply's tasks run on that thread.
TEST(DeferredReply, RunsItsTasksOnTheThreadThatTookTheUdpQuery) {
  DeferringHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  std::thread::id task_thread;
  std::thread answerer([&handler, &task_thread] {
    auto [reply, answer] = handler.take();
    ASSERT_NE(reply, nullptr);
    DeferredReply* owed = reply.get();
    owed->post(
        [&task_thread, reply = std::shared_ptr<DeferredReply>(std::move(reply)), answer = answer] {
          task_thread = std::this_thread::get_id();
          reply->send(answer);
        });
  });
  auto answer = testing::udp_exchange(running.endpoint(), make_query(kDeferredId));
  answerer.join();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(message_id(*answer), kDeferredId);
  EXPECT_EQ(task_thread, handler.deferring_thread());
  EXPECT_NE(task_thread, std::this_thread::get_id());
}

// A task posted once the server has stopped UDP can never run: it is dropped with the
// reply it holds, and the server does not wait for it.
TEST(DeferredReply, ATaskPostedWhileStoppingIsDroppedAndStopEnds) {
  DeferringHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  std::thread asker([&running] {
    EXPECT_FALSE(testing::udp_exchange(running.endpoint(), make_query(kDeferredId), 100ms));
  });
  auto [reply, answer] = handler.take();
  asker.join();
  ASSERT_NE(reply, nullptr);
  std::thread stopper([&running] { EXPECT_TRUE(running.stop()); });
  std::this_thread::sleep_for(200ms);  // the listener closes meanwhile
  bool ran = false;
  reply->post([&ran, reply = std::shared_ptr<DeferredReply>(std::move(reply))] { ran = true; });
  stopper.join();
  EXPECT_FALSE(ran);
}

TEST(DeferredReply, LetsALaterTcpAnswerOvertakeIt) {
  DeferringHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  ASSERT_TRUE(client.send(frame({make_query(kDeferredId), make_query(0x0002)})));
  auto first = client.read_message();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(message_id(*first), 0x0002);
  auto [reply, answer] = handler.take();
  ASSERT_NE(reply, nullptr);
  reply->send(answer);
  auto second = client.read_message();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(message_id(*second), kDeferredId);
}

TEST(DeferredReply, KeepsAHalfClosedConnectionOpenUntilItIsSent) {
  DeferringHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  ASSERT_TRUE(client.send(frame({make_query(kDeferredId)})));
  client.shutdown_write();
  auto [reply, answer] = handler.take();
  ASSERT_NE(reply, nullptr);
  EXPECT_FALSE(client.wait_closed(200ms)) << "closed while an answer was owed";
  reply->send(answer);
  auto owed = client.read_message();
  ASSERT_TRUE(owed.has_value());
  EXPECT_EQ(message_id(*owed), kDeferredId);
  EXPECT_TRUE(client.wait_closed(2000ms));
}

TEST(DeferredReply, ADroppedReplyLetsTheConnectionClose) {
  DeferringHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  ASSERT_TRUE(client.send(frame({make_query(kDeferredId)})));
  client.shutdown_write();
  auto [reply, answer] = handler.take();
  ASSERT_NE(reply, nullptr);
  reply.reset();  // given up: the client gets nothing
  EXPECT_TRUE(client.wait_closed(2000ms));
}

TEST(DeferredReply, IsDroppedQuietlyWhenTheClientHasGone) {
  DeferringHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  std::unique_ptr<DeferredReply> reply;
  Bytes answer;
  {
    TcpClient client(running.endpoint());
    ASSERT_TRUE(client.send(frame({make_query(kDeferredId)})));
    std::tie(reply, answer) = handler.take();
    ASSERT_NE(reply, nullptr);
  }
  std::this_thread::sleep_for(100ms);
  reply->send(answer);
  reply.reset();
  EXPECT_TRUE(running.stop());
}

TEST(DeferredReply, DelaysStopUntilItIsSent) {
  DeferringHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  ASSERT_TRUE(client.send(frame({make_query(kDeferredId)})));
  auto [reply, answer] = handler.take();
  ASSERT_NE(reply, nullptr);
  std::thread answerer([&reply = reply, &answer = answer] {
    std::this_thread::sleep_for(200ms);
    reply->send(answer);
  });
  EXPECT_TRUE(running.stop());
  answerer.join();
  auto owed = client.read_message(500ms);
  ASSERT_TRUE(owed.has_value()) << "the answer owed was written before the server stopped";
  EXPECT_EQ(message_id(*owed), kDeferredId);
}

}  // namespace
}  // namespace clusterdns::dns
