// The per-bucket snapshot build (zones/cluster_snapshot.h) against the one-chunk build
// of the same records (zones/snapshot_builder.h): every name and type must answer with
// the same octets, including names two buckets share and CNAME chains across buckets,
// and a rebuild after a change must re-encode only what changed.

#include "zones/cluster_snapshot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "dns/wire/types.h"
#include "records_test_support.h"
#include "zones/answer_encoder.h"
#include "zones/records.h"
#include "zones/responder.h"
#include "zones/snapshot_builder.h"

namespace clusterdns::zones {
namespace {

using test::address;
using test::cluster_ip_service;
using test::endpoints;
using test::headless_service;
using test::pod;
using test::port;

std::string ip_text(int a, int b, int c) {
  return "10." + std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c);
}

registry::Service external_name(std::string ns, std::string name, std::string target) {
  registry::Service service;
  service.namespace_name = std::move(ns);
  service.name = std::move(name);
  service.type = registry::ServiceType::kExternalName;
  service.external.mutate().name = std::move(target);
  return service;
}

// Enough objects to spread over many buckets, with the cases that cross buckets:
// endpoint addresses claimed by two headless Services (two PTRs on one name), pods
// sharing an address (host network), and ExternalName chains into other namespaces.
registry::ClusterState sample_state() {
  registry::ClusterState state;
  const std::vector<std::string> namespaces = {"alpha", "beta", "default"};
  for (int i = 0; i < 300; ++i) {
    const std::string ns = namespaces[i % 3];
    const std::string ip = ip_text(96, i / 200, i % 200 + 10);
    state.services.push_back(cluster_ip_service(ns, "svc-" + std::to_string(i), {ip.c_str()},
                                                {port("http", 80), port("metrics", 9090)}));
  }
  for (int h = 0; h < 40; ++h) {
    const std::string ns = namespaces[h % 3];
    const std::string name = "head-" + std::to_string(h);
    state.services.push_back(headless_service(ns, name, {port("grpc", 8080)}));
    registry::EndpointSubset subset;
    for (int p = 0; p < 4; ++p) {
      // Services h and h+20 share their addresses: two PTRs per address.
      const std::string ip = ip_text(244, h % 20, p + 2);
      subset.addresses.push_back(address(ip.c_str(), p == 0 ? "leader" : ""));
    }
    subset.ports.push_back(test::endpoint_port("grpc", 8080));
    state.endpoints.push_back(endpoints(ns, name, {subset}));
  }
  for (int i = 0; i < 20; ++i) {
    // Chains: ext-a-i → ext-b-i (another namespace) → svc-i.
    const std::string target = "svc-" + std::to_string(i) + "." + namespaces[i % 3] +
                               ".svc.cluster.local";
    state.services.push_back(external_name("beta", "ext-b-" + std::to_string(i), target));
    state.services.push_back(external_name(
        "alpha", "ext-a-" + std::to_string(i), "ext-b-" + std::to_string(i) + ".beta.svc.cluster.local"));
  }
  state.services.push_back(external_name("alpha", "outside", "www.example.org"));
  for (int i = 0; i < 60; ++i) {
    // Pods 0..29 and 30..59 pairwise share an address, as host-network pods do.
    const std::string ip = ip_text(250, 0, i % 30 + 2);
    state.pods.push_back(pod(namespaces[i % 3 == 0 ? 0 : 1], "pod-" + std::to_string(i), {ip.c_str()}));
  }
  const auto by_name = [](const auto& a, const auto& b) {
    return std::tie(a.namespace_name, a.name) < std::tie(b.namespace_name, b.name);
  };
  state.services.stable_sort(by_name);
  state.endpoints.stable_sort(by_name);
  state.pods.stable_sort(by_name);
  return state;
}

// What a client gets, as comparable octets: the lookup's kind, then the whole response
// over TCP (nothing cut short of 65,535 octets), however the snapshot stores it.
std::string answer_of(const Snapshot& snapshot, const std::vector<uint8_t>& qname, uint16_t type) {
  std::vector<uint8_t> query = {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  query.insert(query.end(), qname.begin(), qname.end());
  query.insert(query.end(), {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type), 0, 1});
  std::vector<uint8_t> response(65535);
  dns::ClientInfo client;
  client.transport = dns::Transport::kTcp;
  response.resize(Responder::answer(query, response, client, &snapshot));
  std::string out = std::to_string(static_cast<int>(snapshot.lookup(qname, type).kind));
  out += '/';
  out.append(response.begin(), response.end());
  return out;
}

// Every owner, every ancestor of one, and names that do not exist.
std::vector<std::string> names_to_ask(const std::vector<Record>& records) {
  std::set<std::string> names;
  for (const Record& record : records) {
    std::string name = record.owner;
    while (!name.empty() && name != ".") {
      names.insert(name);
      name = name.substr(name.find('.') + 1);
    }
    names.insert("nope." + record.owner);
  }
  names.insert("missing.alpha.svc.cluster.local.");
  names.insert("alpha.svc.cluster.local.");
  names.insert("beta.pod.cluster.local.");
  names.insert("www.example.org.");
  return {names.begin(), names.end()};
}

// `also`: more names to ask (those of earlier states, which must be gone now).
void expect_same_answers(const Snapshot& built, const registry::ClusterState& state,
                         const RecordOptions& options, std::vector<std::string> also = {}) {
  const std::vector<Record> records = build_records(state, options);
  std::vector<std::string> namespaces = {"alpha", "beta", "default"};
  const auto reference = build_snapshot(records, options, namespaces);
  constexpr uint16_t kTypes[] = {1, 2, 5, 6, 12, 16, 28, 33, 255};
  size_t compared = 0;
  std::vector<std::string> names = names_to_ask(records);
  names.insert(names.end(), also.begin(), also.end());
  for (const std::string& name : names) {
    const auto wire = name_to_wire(name);
    for (const uint16_t type : kTypes) {
      ASSERT_EQ(answer_of(built, wire, type), answer_of(*reference, wire, type))
          << name << " type " << type;
      ++compared;
    }
  }
  EXPECT_GT(compared, 5000u);
}

RecordOptions options_with_serial(uint32_t serial) {
  RecordOptions options = test::default_options();
  options.serial = serial;
  return options;
}

TEST(ClusterSnapshot, AnswersAsOneChunkOfAllRecordsWould) {
  const registry::ClusterState state = sample_state();
  const RecordOptions options = options_with_serial(7);
  const ClusterSnapshot built = build_cluster_snapshot(state, options);
  EXPECT_GT(built.snapshot->chunks().size(), 100u);  // really spread over buckets
  expect_same_answers(*built.snapshot, state, options);
}

TEST(ClusterSnapshot, AnAddressTwoServicesClaimHasBothPtrs) {
  const registry::ClusterState state = sample_state();
  const ClusterSnapshot built = build_cluster_snapshot(state, options_with_serial(7));
  const auto found = built.snapshot->lookup(name_to_wire("3.0.244.10.in-addr.arpa."), 12);
  ASSERT_EQ(found.kind, LookupKind::kAnswer);
  EXPECT_EQ(found.block->answer_rrsets, 1u);
  EXPECT_EQ(found.block->answer_count, 2u);  // head-0 and head-20
}

TEST(ClusterSnapshot, ExternalNameChainsAcrossNamespacesEndAtTheTargetAddress) {
  const registry::ClusterState state = sample_state();
  const ClusterSnapshot built = build_cluster_snapshot(state, options_with_serial(7));
  const auto found = built.snapshot->lookup(name_to_wire("ext-a-4.alpha.svc.cluster.local."), 1);
  ASSERT_EQ(found.kind, LookupKind::kAnswer);
  const auto cuts = found.chunk->answer_cuts(*found.block);
  ASSERT_EQ(cuts.size(), 3u);  // CNAME, CNAME, A
  EXPECT_EQ(cuts.back().count, 3u);
}

TEST(ClusterSnapshot, RebuildingReencodesOnlyTheBucketsThatChanged) {
  registry::ClusterState state = sample_state();
  ClusterSnapshotBuilder builder(test::default_options());
  const ClusterSnapshot first = builder.build(state, 1);
  EXPECT_GT(first.buckets_encoded, 100u);

  const ClusterSnapshot same = builder.build(state, 2);
  EXPECT_EQ(same.buckets_encoded, 0u);
  // Unchanged buckets are the very same chunks, shared. Not so the first (the apexes
  // carry the serial) and the last (the names two buckets share, encoded jointly).
  const auto& before = first.snapshot->chunks();
  const auto& after = same.snapshot->chunks();
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 1; i + 1 < before.size(); ++i) EXPECT_EQ(before[i].get(), after[i].get());

  // A pod recreated with a new address behind a headless Service (the seed story).
  registry::Endpoints& changed = state.endpoints.mutate(0);
  changed.subsets[0].addresses[1].ip = test::ip("10.244.99.7");
  state.pods.mutate(0).ips = {test::ip("10.250.9.9")};
  const ClusterSnapshot next = builder.build(state, 3);
  EXPECT_GE(next.buckets_encoded, 1u);
  EXPECT_LE(next.buckets_encoded, 2u);
  expect_same_answers(*next.snapshot, state, options_with_serial(3));

  // A Service removed: its names go, nothing else changes.
  const std::string removed = state.services.back().name + "." +
                              state.services.back().namespace_name + ".svc.cluster.local.";
  state.services.pop_back();
  const ClusterSnapshot fewer = builder.build(state, 4);
  EXPECT_EQ(fewer.buckets_encoded, 1u);
  EXPECT_EQ(fewer.snapshot->lookup(name_to_wire(removed), 1).kind, LookupKind::kNXDomain);
  expect_same_answers(*fewer.snapshot, state, options_with_serial(4));
}

// The index counts an empty non-terminal's children in fourteen bits and the rest
// apart: a Service of 16,500 named ports gives "_tcp.<service>" that many children.
// The name must stay while one is left and go with the last.
TEST(ClusterSnapshot, AnEmptyNonTerminalOfManyThousandChildrenGoesWithTheLastOne) {
  const auto with_ports = [](int count) {
    std::vector<registry::ServicePort> ports;
    for (int i = 0; i < count; ++i) {
      ports.push_back(port("p" + std::to_string(i), static_cast<uint16_t>(i + 1)));
    }
    registry::ClusterState state;
    state.services.push_back(cluster_ip_service("alpha", "wide", {"10.96.0.10"}, ports));
    return state;
  };
  const auto kind = [](const ClusterSnapshot& built, const std::string& name) {
    return built.snapshot->lookup(name_to_wire(name + ".wide.alpha.svc.cluster.local."), 33).kind;
  };
  ClusterSnapshotBuilder builder(test::default_options());
  const ClusterSnapshot many = builder.build(with_ports(16500), 1);
  EXPECT_EQ(kind(many, "_tcp"), LookupKind::kNoData);
  EXPECT_EQ(kind(many, "_p16499._tcp"), LookupKind::kAnswer);

  const ClusterSnapshot one = builder.build(with_ports(1), 2);
  EXPECT_EQ(kind(one, "_p0._tcp"), LookupKind::kAnswer);
  EXPECT_EQ(kind(one, "_p1._tcp"), LookupKind::kNXDomain);
  EXPECT_EQ(kind(one, "_tcp"), LookupKind::kNoData) << "one child is left";

  const ClusterSnapshot none = builder.build(with_ports(0), 3);
  EXPECT_EQ(kind(none, "_tcp"), LookupKind::kNXDomain) << "no child is left";
  EXPECT_EQ(kind(none, "_p0._tcp"), LookupKind::kNXDomain);

  const ClusterSnapshot again = builder.build(with_ports(16500), 4);
  EXPECT_EQ(kind(again, "_tcp"), LookupKind::kNoData);
  const ClusterSnapshot gone = builder.build(with_ports(0), 5);
  EXPECT_EQ(kind(gone, "_tcp"), LookupKind::kNXDomain);
}

// Random changes, each followed by a rebuild that must answer exactly as a build from
// scratch: names coming and going, addresses becoming shared and unshared, CNAME
// chains appearing and breaking, empty non-terminals appearing and going.
TEST(ClusterSnapshot, RebuildsAfterRandomChangesAnswerAsBuildsFromScratch) {
  registry::ClusterState state = sample_state();
  ClusterSnapshotBuilder builder(test::default_options());
  std::mt19937 random(2026);
  const auto pick = [&](size_t size) { return static_cast<size_t>(random() % size); };
  const std::vector<std::string> namespaces = {"alpha", "beta", "default"};
  std::vector<std::string> seen;
  for (const Record& record : build_records(state, test::default_options())) {
    seen.push_back(record.owner);
  }
  for (uint32_t step = 1; step <= 40; ++step) {
    switch (pick(6)) {
      case 0: {  // a Service goes (svc-0..2 stay, so no namespace empties)
        const size_t at = pick(state.services.size());
        if (state.services[at].name.size() > 5 || state.services[at].name.view().back() > '2') {
          state.services.erase(state.services.begin() + static_cast<std::ptrdiff_t>(at));
        }
        break;
      }
      case 1: {  // a new Service with a new address
        const std::string ip = ip_text(97, static_cast<int>(step), 1);
        state.services.push_back(cluster_ip_service(namespaces[pick(3)],
                                                    "new-" + std::to_string(step), {ip.c_str()},
                                                    {port("dns", 53, registry::Protocol::kUdp)}));
        break;
      }
      case 2: {  // an endpoint address moves, maybe onto another Service's address
        registry::Endpoints& changed = state.endpoints.mutate(pick(state.endpoints.size()));
        if (!changed.subsets.empty()) {
          const std::string ip = ip_text(244, static_cast<int>(pick(25)), static_cast<int>(pick(4)) + 2);
          changed.subsets[0].addresses[pick(changed.subsets[0].addresses.size())].ip = test::ip(ip.c_str());
        }
        break;
      }
      case 3: {  // a pod goes or comes, maybe on an address another pod has
        if (pick(2) == 0 && !state.pods.empty()) {
          state.pods.erase(state.pods.begin() + static_cast<std::ptrdiff_t>(pick(state.pods.size())));
        } else {
          const std::string ip = ip_text(250, 0, static_cast<int>(pick(40)) + 2);
          state.pods.push_back(pod(namespaces[pick(2)], "p-" + std::to_string(step), {ip.c_str()}));
        }
        break;
      }
      case 4: {  // an ExternalName into another namespace, maybe to a missing name
        const std::string target = (pick(3) == 0 ? "gone-" : "svc-") + std::to_string(pick(30)) +
                                   "." + namespaces[pick(3)] + ".svc.cluster.local";
        state.services.push_back(external_name(namespaces[pick(3)], "x-" + std::to_string(step), target));
        break;
      }
      default: {  // a headless Service loses every endpoint
        registry::Endpoints& emptied = state.endpoints.mutate(pick(state.endpoints.size()));
        emptied.subsets.clear();
        break;
      }
    }
    const auto by_name = [](const auto& a, const auto& b) {
      return std::tie(a.namespace_name, a.name) < std::tie(b.namespace_name, b.name);
    };
    state.services.stable_sort(by_name);
    state.pods.stable_sort(by_name);
    const ClusterSnapshot built = builder.build(state, step + 1);
    SCOPED_TRACE("step " + std::to_string(step));
    expect_same_answers(*built.snapshot, state, options_with_serial(step + 1), seen);
    for (const Record& record : build_records(state, test::default_options())) {
      seen.push_back(record.owner);
    }
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  }
}

TEST(ClusterSnapshot, TheSerialOfEveryBuildIsInItsNegativeAnswers) {
  const registry::ClusterState state = sample_state();
  ClusterSnapshotBuilder builder(test::default_options());
  for (const uint32_t serial : {11u, 12u}) {
    const ClusterSnapshot built = builder.build(state, serial);
    const ServedZone& zone = built.snapshot->zones().front();
    const auto soa = built.snapshot->zone_bytes(zone.negative_soa_offset, zone.negative_soa_length);
    // SERIAL is the first of the five 32-bit fields that end the SOA RDATA.
    const size_t at = soa.size() - 20;
    const uint32_t got = (uint32_t{soa[at]} << 24) | (uint32_t{soa[at + 1]} << 16) |
                         (uint32_t{soa[at + 2]} << 8) | soa[at + 3];
    EXPECT_EQ(got, serial);
  }
}

}  // namespace
}  // namespace clusterdns::zones
