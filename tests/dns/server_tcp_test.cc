// dns::Server over TCP (RFC 7766, RFC 1035 §4.2.2): framing, pipelining, timeouts, caps.
#include <gtest/gtest.h>

#include <thread>

#include "dns/server/server.h"
#include "tests/dns/server_test_support.h"

namespace clusterdns::dns {
namespace {

using namespace std::chrono_literals;
using testing::Bytes;
using testing::EchoHandler;
using testing::frame;
using testing::make_query;
using testing::message_id;
using testing::RunningServer;
using testing::TcpClient;

// Sends one query and reads its answer's ID (0 when none came).
uint16_t ask(TcpClient& client, uint16_t id) {
  if (!client.send(frame({make_query(id)}))) return 0;
  auto answer = client.read_message();
  return answer ? message_id(*answer) : 0;
}

TEST(TcpServer, AnswersAQuery) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  ASSERT_TRUE(client.send(frame({make_query(0x4242)})));
  auto answer = client.read_message();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(message_id(*answer), 0x4242);
  EXPECT_TRUE(testing::has_qr(*answer));
  EXPECT_EQ(handler.last_transport, static_cast<int>(Transport::kTcp));
  EXPECT_EQ(handler.last_port, client.local_port());
}

TEST(TcpServer, AnswersThreeQueriesPipelinedInOneWrite) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  ASSERT_TRUE(client.send(frame({make_query(1), make_query(2), make_query(3)})));
  for (uint16_t id : {1, 2, 3}) {
    auto answer = client.read_message();
    ASSERT_TRUE(answer.has_value()) << "answer " << id;
    EXPECT_EQ(message_id(*answer), id);
  }
}

TEST(TcpServer, AssemblesAQuerySentOneByteAtATime) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  for (uint8_t byte : frame({make_query(0x0102)})) {
    ASSERT_TRUE(client.send({byte}));
    std::this_thread::sleep_for(2ms);
  }
  auto answer = client.read_message();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(message_id(*answer), 0x0102);
}

TEST(TcpServer, SkipsDroppedQueriesAndAnswersTheRest) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  ASSERT_TRUE(client.send(frame({make_query(testing::kDropId), make_query(5)})));
  auto answer = client.read_message();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(message_id(*answer), 5);
}

TEST(TcpServer, CarriesA65535ByteAnswer) {
  EchoHandler handler;
  handler.answer_size = 65535;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  ASSERT_TRUE(client.send(frame({make_query(8)})));
  auto answer = client.read_message();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->size(), 65535u);
}

TEST(TcpServer, ClosesOnAZeroLengthFrame) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  ASSERT_TRUE(client.send({0, 0}));
  EXPECT_TRUE(client.wait_closed(2s));
}

TEST(TcpServer, ClosesOnAFrameShorterThanAHeaderWhileOtherConnectionsWork) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient good(running.endpoint());
  TcpClient bad(running.endpoint());
  ASSERT_EQ(ask(good, 1), 1);
  ASSERT_TRUE(bad.send(frame({Bytes{0xde, 0xad, 0xbe, 0xef}})));
  EXPECT_TRUE(bad.wait_closed(2s));
  EXPECT_EQ(ask(good, 2), 2);
}

TEST(TcpServer, AnswersTheQueriesBeforeABadFrameThenCloses) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  Bytes stream = frame({make_query(1)});
  stream.insert(stream.end(), {0, 3, 1, 2, 3});
  ASSERT_TRUE(client.send(stream));
  auto answer = client.read_message();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(message_id(*answer), 1);
  EXPECT_TRUE(client.wait_closed(2s));
}

TEST(TcpServer, ClosesAnIdleConnectionAfterTheTimeout) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler, {.tcp_idle_timeout = 1s});
  TcpClient client(running.endpoint());
  ASSERT_EQ(ask(client, 1), 1);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.wait_closed(3s));
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GT(waited, 800ms);
  EXPECT_LT(waited, 2500ms);
}

TEST(TcpServer, ClosesAHalfSentQueryAtTheIdleTimeout) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler, {.tcp_idle_timeout = 1s});
  TcpClient client(running.endpoint());
  ASSERT_TRUE(client.send({0, 100, 1, 2, 3, 4, 5}));  // 5 of the 100 bytes announced
  EXPECT_TRUE(client.wait_closed(3s));
}

TEST(TcpServer, KeepsAConnectionThatKeepsAsking) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler, {.tcp_idle_timeout = 1s});
  TcpClient client(running.endpoint());
  for (uint16_t id = 1; id <= 5; ++id) {  // 2.5 s in all, never 1 s idle
    ASSERT_EQ(ask(client, id), id);
    std::this_thread::sleep_for(500ms);
  }
  EXPECT_EQ(ask(client, 6), 6);
}

TEST(TcpServer, EvictsTheLongestIdleConnectionAtTheCap) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler, {.tcp_max_connections = 2});
  TcpClient first(running.endpoint());
  ASSERT_EQ(ask(first, 1), 1);
  TcpClient second(running.endpoint());
  ASSERT_EQ(ask(second, 2), 2);
  ASSERT_EQ(ask(first, 3), 3);  // now `second` has been idle longest

  TcpClient third(running.endpoint());
  ASSERT_EQ(ask(third, 4), 4);
  EXPECT_TRUE(second.wait_closed(2s));
  EXPECT_EQ(ask(first, 5), 5);
  EXPECT_EQ(ask(third, 6), 6);
}

TEST(TcpServer, AnswersAClientThatHalfClosesAfterAsking) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  ASSERT_TRUE(client.send(frame({make_query(1), make_query(2), make_query(3)})));
  client.shutdown_write();
  for (uint16_t id : {1, 2, 3}) {
    auto answer = client.read_message();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(message_id(*answer), id);
  }
  EXPECT_TRUE(client.wait_closed(2s));
}

TEST(TcpServer, ASlowReaderGetsEveryAnswerInOrder) {
  EchoHandler handler;
  handler.answer_size = 30000;  // 200 answers = 6 MB, far more than the socket buffers
  RunningServer running({"127.0.0.1:0"}, handler);
  TcpClient client(running.endpoint());
  std::vector<Bytes> queries;
  for (uint16_t id = 1; id <= 200; ++id) queries.push_back(make_query(id));
  ASSERT_TRUE(client.send(frame(queries)));
  std::this_thread::sleep_for(200ms);  // the server fills its backlog and pauses
  for (uint16_t id = 1; id <= 200; ++id) {
    auto answer = client.read_message();
    ASSERT_TRUE(answer.has_value()) << "answer " << id;
    ASSERT_EQ(message_id(*answer), id);
    ASSERT_EQ(answer->size(), 30000u);
  }
}

TEST(TcpServer, ServesIpv6Clients) {
  EchoHandler handler;
  RunningServer running({"[::1]:0"}, handler);
  TcpClient client(running.endpoint());
  EXPECT_EQ(ask(client, 0x0606), 0x0606);
}

}  // namespace
}  // namespace clusterdns::dns
