// Micro-benchmark of Responder::handle on a snapshot of 1000 services: queries per
// second of the serving path alone (no sockets), per kind of answer, and the
// snapshot's memory. Not a test: prints numbers to read, e.g.
//   build/bin/responder_bench [services] [iterations]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "dns/server/packet_handler.h"
#include "zones/record.h"
#include "zones/responder.h"
#include "zones/snapshot_builder.h"
#include "zones/snapshot_publisher.h"

namespace {

using clusterdns::registry::IpAddress;
using clusterdns::zones::Record;

IpAddress v4(uint32_t value) {
  IpAddress address;
  for (int i = 0; i < 4; ++i) address.bytes[i] = static_cast<uint8_t>(value >> (24 - 8 * i));
  return address;
}

std::vector<Record> cluster(int services) {
  std::vector<Record> records;
  records.push_back(
      {"cluster.local.", 6, 5,
       clusterdns::zones::SoaData{"ns.dns.cluster.local.", "hostmaster.cluster.local.", 1, 7200,
                                  1800, 86400, 5}});
  for (int i = 0; i < services; ++i) {
    const std::string name =
        "svc" + std::to_string(i) + ".ns" + std::to_string(i % 20) + ".svc.cluster.local.";
    records.push_back({name, 1, 5, v4(0x0a600000u + static_cast<uint32_t>(i) + 1)});
    records.push_back({"_http._tcp." + name, 33, 5, clusterdns::zones::SrvData{0, 100, 80, name}});
    records.push_back({name, 33, 5, clusterdns::zones::SrvData{0, 100, 80, name}});
  }
  return records;
}

std::vector<uint8_t> query(const std::string& name, uint16_t type) {
  std::vector<uint8_t> packet = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    packet.push_back(static_cast<uint8_t>(dot - start));
    packet.insert(packet.end(), name.begin() + static_cast<ptrdiff_t>(start),
                  name.begin() + static_cast<ptrdiff_t>(dot));
    start = dot + 1;
  }
  packet.push_back(0);
  packet.push_back(static_cast<uint8_t>(type >> 8));
  packet.push_back(static_cast<uint8_t>(type));
  packet.push_back(0);
  packet.push_back(1);
  return packet;
}

}  // namespace

int main(int argc, char** argv) {
  const int services = argc > 1 ? std::atoi(argv[1]) : 1000;
  const long iterations = argc > 2 ? std::atol(argv[2]) : 2'000'000;
  const auto records = cluster(services);
  const auto build_start = std::chrono::steady_clock::now();
  auto snapshot = clusterdns::zones::build_snapshot(records, clusterdns::zones::RecordOptions{});
  const auto build_time = std::chrono::steady_clock::now() - build_start;
  std::printf(
      "snapshot: %d services, %zu names, %zu bytes (%.0f bytes/service), built in %.1f ms\n",
      services, snapshot->name_count(), snapshot->memory_bytes(),
      static_cast<double>(snapshot->memory_bytes()) / services,
      std::chrono::duration<double, std::milli>(build_time).count());

  clusterdns::zones::SnapshotPublisher publisher;
  publisher.publish(std::move(snapshot));
  clusterdns::zones::Responder responder(publisher);
  std::vector<uint8_t> buffer(65535);
  clusterdns::dns::ClientInfo client;

  const struct {
    const char* what;
    std::vector<uint8_t> packet;
  } kinds[] = {
      {"A", query("svc7.ns7.svc.cluster.local", 1)},
      {"SRV+additional", query("_http._tcp.svc7.ns7.svc.cluster.local", 33)},
      {"NXDOMAIN", query("missing.ns7.svc.cluster.local", 1)},
      {"NODATA", query("svc7.ns7.svc.cluster.local", 16)},
      {"REFUSED", query("example.com", 1)},
  };
  const auto report = [](const char* what, long count, double seconds, size_t bytes) {
    std::printf("%-16s %8.2f M queries/s  %6.1f ns/query  (%zu bytes/answer)\n", what,
                static_cast<double>(count) / seconds / 1e6, seconds * 1e9 / count,
                bytes / static_cast<size_t>(count));
  };
  for (const auto& kind : kinds) {
    size_t bytes = 0;
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < iterations; ++i) bytes += responder.handle(kind.packet, buffer, client);
    const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - start;
    report(kind.what, iterations, spent.count(), bytes);
  }

  // The kinds above ask one name again and again, so everything they read stays in the
  // cache. A server's queries ask for names all over the snapshot, and the kernel's
  // packet work between them evicts much of it: "random A" asks every service in a
  // shuffled order, "random A, cold" also sweeps kEvictBytes of other memory before each
  // batch of kBatch queries (about what a batch of datagrams costs the cache; the
  // sweeps take long, so this one runs an eighth of the iterations).
  constexpr size_t kBatch = 32;
  constexpr size_t kEvictBytes = 4 << 20;
  std::vector<std::vector<uint8_t>> spread;
  for (int i = 0; i < services; ++i) {
    const std::string name =
        "svc" + std::to_string(i) + ".ns" + std::to_string(i % 20) + ".svc.cluster.local";
    spread.push_back(query(name, 1));
  }
  std::mt19937 shuffle_order(1);
  std::shuffle(spread.begin(), spread.end(), shuffle_order);
  std::vector<uint8_t> other_memory(kEvictBytes, 1);
  for (const bool cold : {false, true}) {
    const long count = cold ? std::max(iterations / 8, 1L) : iterations;
    size_t bytes = 0;
    std::chrono::duration<double> spent{0};
    for (long i = 0; i < count;) {
      if (cold) {
        for (size_t at = 0; at < other_memory.size(); at += 64) ++other_memory[at];
        asm volatile("" : : "r"(other_memory.data()) : "memory");  // keep the sweep
      }
      const auto start = std::chrono::steady_clock::now();
      for (size_t b = 0; b < kBatch && i < count; ++b, ++i) {
        bytes += responder.handle(spread[static_cast<size_t>(i) % spread.size()], buffer, client);
      }
      spent += std::chrono::steady_clock::now() - start;
    }
    report(cold ? "random A, cold" : "random A", count, spent.count(), bytes);
  }
  return 0;
}
