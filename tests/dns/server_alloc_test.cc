// Proof that serving a query does not touch the heap on the serving thread (UDP and
// TCP, after warm-up). Replaces the global operator new, so it is its own binary.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "dns/server/server.h"
#include "tests/dns/server_test_support.h"

namespace {

// Set on the serving thread by the handler; only its allocations are counted (the
// test's own clients allocate freely).
thread_local bool tl_serving_thread = false;
std::atomic<long> g_serving_allocations{0};

void* counted_allocation(std::size_t size) {
  if (tl_serving_thread) g_serving_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* pointer = std::malloc(size == 0 ? 1 : size)) return pointer;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t size) {
  return counted_allocation(size);
}
void* operator new[](std::size_t size) {
  return counted_allocation(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_allocation(size);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* pointer) noexcept {
  std::free(pointer);
}
void operator delete[](void* pointer) noexcept {
  std::free(pointer);
}
void operator delete(void* pointer, std::size_t) noexcept {
  std::free(pointer);
}
void operator delete[](void* pointer, std::size_t) noexcept {
  std::free(pointer);
}

namespace clusterdns::dns {
namespace {

using testing::frame;
using testing::make_query;
using testing::message_id;

class MarkingHandler : public testing::EchoHandler {
 public:
  size_t handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                const ClientInfo& client) override {
    tl_serving_thread = true;
    return EchoHandler::handle(query, response, client);
  }
};

// Sends `rounds` single queries and `rounds` pipelined triples over one connection.
int tcp_rounds(testing::TcpClient& client, uint16_t rounds) {
  int answered = 0;
  for (uint16_t i = 1; i <= rounds; ++i) {
    if (!client.send(frame({make_query(i)}))) return answered;
    if (auto answer = client.read_message(); answer && message_id(*answer) == i) ++answered;
    if (!client.send(frame({make_query(1), make_query(2), make_query(3)}))) return answered;
    for (uint16_t id = 1; id <= 3; ++id) {
      if (auto answer = client.read_message(); answer && message_id(*answer) == id) ++answered;
    }
  }
  return answered;
}

int udp_rounds(const Endpoint& server, uint16_t rounds) {
  int answered = 0;
  for (uint16_t i = 1; i <= rounds; ++i) {
    if (auto answer = testing::udp_exchange(server, make_query(i)); answer) ++answered;
  }
  return answered;
}

TEST(ServerAllocation, ServingUdpAndTcpQueriesDoesNotAllocate) {
  MarkingHandler handler;
  testing::RunningServer running({"127.0.0.1:0", "[::1]:0"}, handler);
  testing::TcpClient client(running.endpoint());

  ASSERT_EQ(udp_rounds(running.endpoint(0), 20), 20);  // warm-up: caches and buffers fill
  ASSERT_EQ(tcp_rounds(client, 20), 80);
  g_serving_allocations = 0;

  EXPECT_EQ(udp_rounds(running.endpoint(0), 200), 200);
  EXPECT_EQ(udp_rounds(running.endpoint(1), 200), 200);
  EXPECT_EQ(tcp_rounds(client, 200), 800);
  EXPECT_EQ(g_serving_allocations, 0);
}

}  // namespace
}  // namespace clusterdns::dns
