// Binding, reporting, stopping and signals of dns::Server, over real loopback sockets.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "dns/server/listen_address.h"
#include "dns/server/server.h"
#include "tests/dns/server_test_support.h"

namespace clusterdns::dns {
namespace {

using namespace std::chrono_literals;
using testing::EchoHandler;
using testing::make_query;
using testing::RunningServer;
using testing::TcpClient;
using testing::udp_exchange;

Endpoint loopback(uint16_t port) {
  return *parse_listen_address("127.0.0.1:" + std::to_string(port));
}

// A socket of `type` bound to 127.0.0.1 on a free port, without SO_REUSEADDR.
struct TakenPort {
  explicit TakenPort(int type) {
    fd = ::socket(AF_INET, type, 0);
    const Endpoint any = loopback(0);
    if (::bind(fd, any.data(), any.size()) != 0) return;
    if (type == SOCK_STREAM) ::listen(fd, 1);
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
    port = Endpoint(reinterpret_cast<sockaddr*>(&bound), length).port();
  }
  ~TakenPort() { ::close(fd); }
  int fd = -1;
  uint16_t port = 0;
};

TEST(ServerListen, PortZeroPicksOneRealPortForUdpAndTcp) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  const Endpoint& bound = running.endpoint();
  ASSERT_NE(bound.port(), 0);
  EXPECT_EQ(bound.to_string(), "127.0.0.1:" + std::to_string(bound.port()));

  EXPECT_TRUE(udp_exchange(bound, make_query(1)).has_value());
  TcpClient tcp(bound);
  ASSERT_TRUE(tcp.connected());
  ASSERT_TRUE(tcp.send(testing::frame({make_query(2)})));
  EXPECT_TRUE(tcp.read_message().has_value());
}

TEST(ServerListen, ServesIpv6Loopback) {
  EchoHandler handler;
  RunningServer running({"[::1]:0"}, handler);
  const Endpoint& bound = running.endpoint();
  ASSERT_TRUE(bound.is_v6());
  EXPECT_EQ(bound.to_string(), "[::1]:" + std::to_string(bound.port()));

  EXPECT_TRUE(udp_exchange(bound, make_query(1)).has_value());
  EXPECT_EQ(handler.last_family, AF_INET6);
  TcpClient tcp(bound);
  ASSERT_TRUE(tcp.connected());
  ASSERT_TRUE(tcp.send(testing::frame({make_query(2)})));
  EXPECT_TRUE(tcp.read_message().has_value());
}

TEST(ServerListen, ServesEveryAddressOnItsOwnPort) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0", "[::1]:0"}, handler);
  ASSERT_EQ(running.server().bound_endpoints().size(), 2u);
  EXPECT_FALSE(running.endpoint(0).is_v6());
  EXPECT_TRUE(running.endpoint(1).is_v6());
  EXPECT_TRUE(udp_exchange(running.endpoint(0), make_query(1)).has_value());
  EXPECT_TRUE(udp_exchange(running.endpoint(1), make_query(2)).has_value());
}

TEST(ServerListen, PrintsOneListeningLinePerAddress) {
  EchoHandler handler;
  Server server({loopback(0), *parse_listen_address("[::1]:0")}, handler);
  ::testing::internal::CaptureStderr();
  const Status status = server.listen();
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(status.ok()) << status.error().message;
  const auto bound = server.bound_endpoints();
  EXPECT_EQ(log, "clusterdns: listening on 127.0.0.1:" + std::to_string(bound[0].port()) +
                     " (udp+tcp)\nclusterdns: listening on [::1]:" +
                     std::to_string(bound[1].port()) + " (udp+tcp)\n");
}

TEST(ServerListen, ReportsATcpPortInUse) {
  TakenPort taken(SOCK_STREAM);
  ASSERT_NE(taken.port, 0);
  EchoHandler handler;
  Server server({loopback(taken.port)}, handler);
  const Status status = server.listen();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "cannot listen on 127.0.0.1:" + std::to_string(taken.port) +
                                        ": Address already in use");
}

TEST(ServerListen, ReportsAUdpPortInUse) {
  TakenPort taken(SOCK_DGRAM);
  ASSERT_NE(taken.port, 0);
  EchoHandler handler;
  Server server({loopback(taken.port)}, handler, {.threads = 2});  // SO_REUSEPORT does not help
  const Status status = server.listen();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "cannot listen on 127.0.0.1:" + std::to_string(taken.port) +
                                        ": Address already in use");
}

TEST(ServerListen, ReportsAnAddressThisMachineDoesNotHave) {
  EchoHandler handler;
  Server server({*parse_listen_address("192.0.2.1:0")}, handler);  // TEST-NET-1
  const Status status = server.listen();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "cannot listen on 192.0.2.1:0: Cannot assign requested address");
}

TEST(ServerStop, RunReturnsAndTheSocketsClose) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler);
  const Endpoint bound = running.endpoint();
  ASSERT_TRUE(udp_exchange(bound, make_query(1)).has_value());
  ASSERT_TRUE(running.stop());

  TcpClient refused(bound);
  EXPECT_FALSE(refused.connected());
  EXPECT_FALSE(udp_exchange(bound, make_query(2), 200ms).has_value());
}

TEST(ServerStop, DoesNotWaitForIdleTcpClients) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0"}, handler, {.tcp_idle_timeout = 60s});
  TcpClient idle(running.endpoint());
  ASSERT_TRUE(idle.send(testing::frame({make_query(1)})));
  ASSERT_TRUE(idle.read_message().has_value());  // the connection is registered

  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(running.stop(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(idle.wait_closed(1s));
}

TEST(ServerStop, StopBeforeRunMakesRunReturn) {
  EchoHandler handler;
  Server server({loopback(0)}, handler, {.threads = 2});
  ASSERT_TRUE(server.listen().ok());
  server.stop();
  server.stop();  // harmless
  server.run();   // returns at once
  SUCCEED();
}

TEST(ServerSignals, SigtermStopsTheServer) {
  EchoHandler handler;
  Server server({loopback(0)}, handler);
  ASSERT_TRUE(server.listen().ok());
  server.stop_on_signals();
  std::thread serving([&] { server.run(); });
  ASSERT_TRUE(udp_exchange(server.bound_endpoints()[0], make_query(1)).has_value());  // running
  ::kill(::getpid(), SIGTERM);
  serving.join();  // returns: SIGTERM went to the server, not the default action
  SUCCEED();
}

TEST(ServerSignals, SighupCallsTheReloadCallback) {
  EchoHandler handler;
  Server server({loopback(0)}, handler);
  ASSERT_TRUE(server.listen().ok());
  std::atomic<int> reloads{0};
  server.on_reload_signal([&] {
    if (++reloads == 2) server.stop();
  });
  std::thread serving([&] { server.run(); });
  ASSERT_TRUE(udp_exchange(server.bound_endpoints()[0], make_query(1)).has_value());
  ::kill(::getpid(), SIGHUP);
  for (int i = 0; i < 100 && reloads == 0; ++i) std::this_thread::sleep_for(10ms);
  ::kill(::getpid(), SIGHUP);
  serving.join();
  EXPECT_EQ(reloads, 2);
}

TEST(ServerThreads, FourThreadsAnswerConcurrentUdpAndTcpClients) {
  EchoHandler handler;
  RunningServer running({"127.0.0.1:0", "[::1]:0"}, handler, {.threads = 4});
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      const Endpoint& server = running.endpoint(static_cast<size_t>(c % 2));
      TcpClient tcp(server);
      for (uint16_t i = 0; i < 50; ++i) {
        const uint16_t id = static_cast<uint16_t>(c * 100 + i);
        auto udp_answer = udp_exchange(server, make_query(id));
        if (udp_answer && testing::message_id(*udp_answer) == id) ++answered;
        if (tcp.send(testing::frame({make_query(id)}))) {
          auto tcp_answer = tcp.read_message();
          if (tcp_answer && testing::message_id(*tcp_answer) == id) ++answered;
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(answered, 8 * 50 * 2);
}

}  // namespace
}  // namespace clusterdns::dns
