// Proves that the serving path of the codec does not allocate: this binary replaces
// the global operator new with one that counts, and the tests assert zero
// allocations while parsing queries and building answers.

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "dns/wire/builder.h"
#include "dns/wire/message.h"
#include "tests/dns/wire_test_util.h"

namespace {
std::atomic<size_t> g_allocations{0};
void* volatile g_escape = nullptr;  // keeps the probe allocation from being elided
}  // namespace

// g++ sees free() applied to what it believes came from the builtin operator new once
// these are inlined; here new is malloc, so the pair matches.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept {
  std::free(memory);
}
void operator delete(void* memory, size_t) noexcept {
  std::free(memory);
}
#pragma GCC diagnostic pop

namespace clusterdns::dns {
namespace {

class AllocationCounter {
 public:
  AllocationCounter() : start_(g_allocations.load()) {}
  size_t count() const { return g_allocations.load() - start_; }

 private:
  size_t start_;
};

TEST(NoAllocation, CounterSeesAllocations) {
  AllocationCounter counter;
  g_escape = ::operator new(16);
  ::operator delete(g_escape);
  EXPECT_EQ(counter.count(), 1u) << "the replaced operator new is in effect";
}

TEST(NoAllocation, ParsingRealQueriesAllocatesNothing) {
  std::vector<std::vector<uint8_t>> packets;
  for (const char* file :
       {"dig_a.bin", "dig_noedns_aaaa.bin", "dig_dnssec_srv.bin", "dig_edns1.bin", "dig_ptr.bin",
        "kdig_any.bin", "kdig_payload4096_ns.bin", "cares_a.bin", "cares_edns_srv.bin"}) {
    packets.push_back(testing::read_data(file));
  }
  AllocationCounter counter;
  size_t ok = 0;
  for (const auto& packet : packets) {
    QueryParse query = parse_query(packet);
    ok += query.ok() ? 1 : 0;
    for (size_t length = 0; length < packet.size(); ++length) {
      ok += parse_query(std::span<const uint8_t>(packet.data(), length)).ok() ? 1 : 0;
    }
  }
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(ok, packets.size());
}

TEST(NoAllocation, BuildingAnAnswerAllocatesNothing) {
  auto packet = testing::read_data("dig_dnssec_srv.bin");
  const Name target = testing::name("pod-1.web.default.svc.cluster.local");
  std::array<uint8_t, 6> srv_head = {0, 0, 0, 100, 0, 80};
  std::array<uint8_t, 4> address = {10, 0, 0, 1};
  std::array<uint8_t, 512> response{};
  AllocationCounter counter;

  QueryParse query = parse_query(packet);
  MessageBuilder builder(response, kMaxUdpPayload);
  builder.set_id(query.header.id);
  builder.set_flag(kFlagQR);
  builder.set_flag(kFlagAA);
  builder.reserve_opt();
  bool ok = builder.add_question(query.qname, query.qtype, query.qclass);
  // SRV rdata built on the stack: fixed part then the target's wire form.
  std::array<uint8_t, 6 + kMaxNameLength> srv{};
  std::copy(srv_head.begin(), srv_head.end(), srv.begin());
  std::copy(target.wire().begin(), target.wire().end(), srv.begin() + 6);
  ok = ok && builder.add_record(Section::kAnswer, query.qname, RRType::kSRV, 5,
                                std::span<const uint8_t>(srv.data(), 6 + target.size()));
  ok = ok && builder.add_record(Section::kAdditional, target, RRType::kA, 5, address);
  ok = ok && builder.add_opt({.dnssec_ok = query.edns.dnssec_ok()});
  auto octets = builder.finish();
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_TRUE(ok);
  EXPECT_TRUE(parse_message(octets).ok());
}

}  // namespace
}  // namespace clusterdns::dns
