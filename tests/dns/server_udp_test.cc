// dns::Server over UDP: each datagram goes to the handler; its answer goes back.
#include <gtest/gtest.h>
#include <netinet/in.h>

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

TEST(UdpServer, IgnoresDatagramsTooShortForAHeaderWhenTheHandlerDoes) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  EXPECT_FALSE(udp_exchange(running.endpoint(), {1, 2, 3}, 300ms).has_value());
  EXPECT_FALSE(udp_exchange(running.endpoint(), {}, 300ms).has_value());
  EXPECT_TRUE(udp_exchange(running.endpoint(), make_query(3)).has_value());
}

}  // namespace
}  // namespace clusterdns::dns
