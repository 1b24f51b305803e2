// dns::Server over UDP: each datagram goes to the handler; its answer goes back.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <set>
#include <vector>

#include "dns/server/server.h"
#include "tests/dns/server_test_support.h"

namespace clusterdns::dns {
namespace {

using namespace std::chrono_literals;
using testing::EchoHandler;
using testing::make_query;
using testing::RunningServer;
using testing::udp_exchange;

TEST(UdpServer, SendsBackTheHandlersAnswer) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  auto answer = udp_exchange(running.endpoint(), make_query(0x1234));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(testing::message_id(*answer), 0x1234);
  EXPECT_TRUE(testing::has_qr(*answer));
  EXPECT_EQ(answer->size(), make_query(0x1234).size());
}

TEST(UdpServer, SendsNothingWhenTheHandlerDropsAndKeepsServing) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  EXPECT_FALSE(udp_exchange(running.endpoint(), make_query(testing::kDropId), 300ms).has_value());
  EXPECT_TRUE(udp_exchange(running.endpoint(), make_query(7)).has_value());
  EXPECT_EQ(handler.queries, 2);
}

TEST(UdpServer, TellsTheHandlerWhoAsked) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  uint16_t client_port = 0;
  ASSERT_TRUE(udp_exchange(running.endpoint(), make_query(1), 2000ms, &client_port).has_value());
  EXPECT_EQ(handler.last_transport, static_cast<int>(Transport::kUdp));
  EXPECT_EQ(handler.last_family, AF_INET);
  EXPECT_EQ(handler.last_port, client_port);
}

TEST(UdpServer, CarriesAnswersUpTo65507Bytes) {
  EchoHandler handler;
  handler.answer_size = 65507;  // the largest UDP payload over IPv4
  RunningServer running({"127.0.0.1:0"}, handler);
  auto answer = udp_exchange(running.endpoint(), make_query(9));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->size(), 65507u);
}

// A client socket that sends many queries before reading any answer.
class BurstClient {
 public:
  explicit BurstClient(const Endpoint& server) : server_(server) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    const timeval timeout{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~BurstClient() { ::close(fd_); }
  BurstClient(const BurstClient&) = delete;
  BurstClient& operator=(const BurstClient&) = delete;

  bool send(uint16_t id) {
    const auto query = make_query(id);
    return ::sendto(fd_, query.data(), query.size(), 0, server_.data(), server_.size()) ==
           static_cast<ssize_t>(query.size());
  }
  // The IDs of the answers that arrive, until `count` did or 2 s pass without one.
  std::set<uint16_t> answers(size_t count) {
    std::set<uint16_t> ids;
    std::vector<uint8_t> buffer(512);
    for (size_t i = 0; i < count; ++i) {
      const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
      if (n < 12) break;
      ids.insert(testing::message_id(std::vector<uint8_t>(buffer.begin(), buffer.begin() + n)));
    }
    return ids;
  }

 private:
  Endpoint server_;
  int fd_ = -1;
};

TEST(UdpServer, AnswersEveryQueryOfInterleavedBurstsToTheClientThatAsked) {
  // More queries than one receive batch takes, from two clients at once: every answer
  // must reach the socket that asked, each exactly once.
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  BurstClient first(running.endpoint());
  BurstClient second(running.endpoint());
  constexpr uint16_t kEach = 80;
  std::set<uint16_t> first_ids;
  std::set<uint16_t> second_ids;
  for (uint16_t i = 1; i <= kEach; ++i) {
    ASSERT_TRUE(first.send(i));
    ASSERT_TRUE(second.send(static_cast<uint16_t>(1000 + i)));
    first_ids.insert(i);
    second_ids.insert(static_cast<uint16_t>(1000 + i));
  }
  EXPECT_EQ(first.answers(kEach), first_ids);
  EXPECT_EQ(second.answers(kEach), second_ids);
  EXPECT_EQ(handler.queries, 2 * kEach);
}

TEST(UdpServer, SpreadsOneAddressOverSeveralThreadsAndStillAnswersAll) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler, {.threads = 3});
  for (uint16_t id = 1; id <= 20; ++id) {
    auto answer = udp_exchange(running.endpoint(), make_query(id));
    ASSERT_TRUE(answer.has_value()) << id;
    EXPECT_EQ(testing::message_id(*answer), id);
  }
  EXPECT_TRUE(running.stop());
}

TEST(UdpServer, IgnoresDatagramsTooShortForAHeaderWhenTheHandlerDoes) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  EXPECT_FALSE(udp_exchange(running.endpoint(), {1, 2, 3}, 300ms).has_value());
  EXPECT_FALSE(udp_exchange(running.endpoint(), {}, 300ms).has_value());
  EXPECT_TRUE(udp_exchange(running.endpoint(), make_query(3)).has_value());
}

}  // namespace
}  // namespace clusterdns::dns
