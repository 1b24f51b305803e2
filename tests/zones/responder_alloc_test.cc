// The serving path allocates nothing (DESIGN.md §4): a counting global operator new
// (hence a test binary of its own) around Responder::handle for each kind of answer.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "tests/zones/responder_test_util.h"
#include "zones/snapshot_publisher.h"

// GCC flags malloc/free inside replaced operators as mismatched; they are matched here.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
std::atomic<size_t> g_allocations{0};
}  // namespace

void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
void* operator new[](size_t size) {
  return operator new(size);
}
void operator delete(void* memory) noexcept {
  std::free(memory);
}
void operator delete[](void* memory) noexcept {
  std::free(memory);
}
void operator delete(void* memory, size_t) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, size_t) noexcept {
  std::free(memory);
}
// The nothrow forms too (std::stable_sort's temporary buffer uses them): a replaced
// delete must never free what another allocator's new returned.
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* memory, const std::nothrow_t&) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, const std::nothrow_t&) noexcept {
  std::free(memory);
}

namespace clusterdns::zones::testing {
namespace {

constexpr uint16_t kA = 1, kCNAME = 5, kTXT = 16, kAAAA = 28, kSRV = 33, kANY = 255, kAXFR = 252;

struct Case {
  const char* what;
  std::vector<uint8_t> packet;
  dns::Transport transport = dns::Transport::kUdp;
};

std::vector<Case> cases() {
  std::vector<Case> all;
  auto add = [&](const char* what, QuerySpec spec,
                 dns::Transport transport = dns::Transport::kUdp) {
    all.push_back({what, query(spec), transport});
  };
  auto spec = [](const char* name, uint16_t type) {
    QuerySpec s;
    s.name = name;
    s.type = type;
    return s;
  };
  add("positive A", spec("web.default.svc.cluster.local", kA));
  add("positive A, mixed case", spec("WeB.default.SVC.cluster.local", kA));
  add("SRV with additional", spec("_http._tcp.web.default.svc.cluster.local", kSRV));
  add("CNAME chased in zone", spec("alias.default.svc.cluster.local", kA));
  add("NXDOMAIN", spec("nothing.default.svc.cluster.local", kA));
  add("NODATA", spec("web.default.svc.cluster.local", kTXT));
  add("empty non-terminal", spec("svc.cluster.local", kA));
  add("ANY", spec("web.default.svc.cluster.local", kANY));
  add("insecure pod A", spec("10-1-2-3.default.pod.cluster.local", kA));
  add("insecure pod AAAA", spec("fd00--7.default.pod.cluster.local", kAAAA));
  add("out of zone", spec("example.com", kA));
  add("truncated", spec("big.default.svc.cluster.local", kA));
  add("TCP, large", spec("big.default.svc.cluster.local", kA), dns::Transport::kTcp);
  add("AXFR over UDP", spec("cluster.local", kAXFR));
  auto edns = spec("web.default.svc.cluster.local", kA);
  edns.edns_payload = 4096;
  edns.dnssec_ok = true;
  add("EDNS", edns);
  edns.edns_version = 1;
  add("BADVERS", edns);
  auto chaos = spec("version.bind", kTXT);
  chaos.klass = 3;
  add("class CH", chaos);
  auto notify = spec("cluster.local", kA);
  notify.flags = 4 << 11;
  add("NOTIFY", notify);
  auto response = spec("cluster.local", kA);
  response.flags = 0x8000;
  add("QR set", response);
  all.push_back({"pointer loop", {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}});
  all.push_back({"short", {1, 2, 3}});
  return all;
}

TEST(ResponderAllocation, HandleAllocatesNothingForAnyKindOfAnswer) {
  std::vector<Record> records = apex_records();
  records.push_back(address("web.default.svc.cluster.local.", "10.96.1.1"));
  records.push_back(
      srv("_http._tcp.web.default.svc.cluster.local.", 100, 80, "web.default.svc.cluster.local."));
  records.push_back(
      name_record("alias.default.svc.cluster.local.", kCNAME, "web.default.svc.cluster.local."));
  for (int i = 0; i < 100; ++i) {
    records.push_back(
        address("big.default.svc.cluster.local.", ("10.244.0." + std::to_string(i + 1)).c_str()));
  }
  RecordOptions options;
  options.pods = PodRecords::kInsecure;
  SnapshotPublisher publisher;
  publisher.publish(build_snapshot(records, options));
  Responder responder(publisher);

  const auto all = cases();
  std::vector<uint8_t> buffer(65535);
  dns::ClientInfo client;
  (void)responder.handle(all[0].packet, buffer, client);  // registers this thread's slot

  for (const Case& c : all) {
    client.transport = c.transport;
    const size_t before = g_allocations.load();
    const size_t size = responder.handle(c.packet, buffer, client);
    const size_t allocated = g_allocations.load() - before;
    EXPECT_EQ(allocated, 0u) << c.what;
    const bool dropped = std::string(c.what) == "QR set" || std::string(c.what) == "short";
    EXPECT_EQ(size == 0, dropped) << c.what;
  }

  // The UDP path first hints the whole batch (malformed packets included).
  std::vector<std::span<const uint8_t>> batch;
  for (const Case& c : all) batch.emplace_back(c.packet);
  const size_t before = g_allocations.load();
  responder.prefetch(batch);
  EXPECT_EQ(g_allocations.load() - before, 0u) << "prefetch";
}

TEST(ResponderAllocation, CounterSeesAllocations) {
  const size_t before = g_allocations.load();
  // A direct operator new call cannot be elided by the compiler.
  void* memory = ::operator new(16);
  ::operator delete(memory);
  EXPECT_GT(g_allocations.load(), before) << "the counting operator new is in use";
}

}  // namespace
}  // namespace clusterdns::zones::testing
