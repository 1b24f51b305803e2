// Names whose last labels another name of the same chunk stores (ChunkName::has_suffix,
// SuffixRef in zones/snapshot_chunk.h): the record, the whole name the index puts
// together, lookups, SRV and PTR targets written through the suffix, and a chunk
// replaced on reload.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "records_test_support.h"
#include "tests/zones/responder_test_util.h"
#include "zones/answer_encoder.h"
#include "zones/cluster_snapshot.h"
#include "zones/snapshot_chunk.h"
#include "zones/snapshot_index.h"

namespace clusterdns::zones::testing {
namespace {

constexpr uint16_t kA = 1;
constexpr uint16_t kPtr = 12;
constexpr uint16_t kSrv = 33;

std::string text_of(std::span<const uint8_t> octets) {
  return {octets.begin(), octets.end()};
}

std::string wire_text(const std::string& name) {
  const auto wire = name_to_wire(name);
  return {wire.begin(), wire.end()};
}

// A headless Service "db" of two endpoints, each with a PTR, and its port name.
std::vector<Record> headless_db() {
  return {
      address("10-1-0-2.db.default.svc.cluster.local.", "10.1.0.2"),
      address("10-1-0-3.db.default.svc.cluster.local.", "10.1.0.3"),
      address("db.default.svc.cluster.local.", "10.1.0.2"),
      address("db.default.svc.cluster.local.", "10.1.0.3"),
      srv("_pg._tcp.db.default.svc.cluster.local.", 50, 5432,
          "10-1-0-2.db.default.svc.cluster.local."),
      srv("_pg._tcp.db.default.svc.cluster.local.", 50, 5432,
          "10-1-0-3.db.default.svc.cluster.local."),
      name_record("2.0.1.10.in-addr.arpa.", kPtr, "10-1-0-2.db.default.svc.cluster.local."),
      name_record("3.0.1.10.in-addr.arpa.", kPtr, "10-1-0-3.db.default.svc.cluster.local."),
  };
}

const ChunkName* find_record(const SnapshotChunk& chunk, const SnapshotIndex& index,
                             const std::string& name) {
  SnapshotIndex::NameBuffer buffer;
  for (const uint32_t id : chunk.name_ids()) {
    if (text_of(index.full_name(chunk, chunk.name(id), buffer)) == wire_text(name)) {
      return &chunk.name(id);
    }
  }
  return nullptr;
}

TEST(SnapshotSuffix, AnEndpointStoresItsFirstLabelAndReferencesItsService) {
  const auto chunk = build_chunk(headless_db(), {}, test::default_options());
  SnapshotIndex index(served_apexes(test::default_options()), 1);
  index.replace(0, chunk.get());

  const ChunkName* endpoint = find_record(*chunk, index, "10-1-0-2.db.default.svc.cluster.local.");
  ASSERT_NE(endpoint, nullptr);
  EXPECT_TRUE(endpoint->has_suffix);
  const NameLabels labels = chunk->name_prefix(*endpoint);
  EXPECT_EQ(text_of(labels.own), "\x08" "10-1-0-2");
  EXPECT_EQ(text_of(labels.suffix), "\x02" "db\x07" "default\x03" "svc");
  // The suffix is the Service's own record's labels, in the same chunk.
  const ChunkName* service = find_record(*chunk, index, "db.default.svc.cluster.local.");
  ASSERT_NE(service, nullptr);
  EXPECT_FALSE(service->has_suffix);
  EXPECT_EQ(labels.suffix.data(), chunk->name_prefix(*service).own.data());

  const ChunkName* port = find_record(*chunk, index, "_pg._tcp.db.default.svc.cluster.local.");
  ASSERT_NE(port, nullptr);
  EXPECT_TRUE(port->has_suffix);
  EXPECT_EQ(text_of(chunk->name_prefix(*port).own), "\x03_pg\x04_tcp");
  // A reverse name stores its labels whole: no suffix of it is a name.
  const ChunkName* reverse = find_record(*chunk, index, "2.0.1.10.in-addr.arpa.");
  ASSERT_NE(reverse, nullptr);
  EXPECT_FALSE(reverse->has_suffix);
}

TEST(SnapshotSuffix, TheIndexFindsNamesWhoseLabelsAreInTwoRecords) {
  const auto chunk = build_chunk(headless_db(), {}, test::default_options());
  SnapshotIndex index(served_apexes(test::default_options()), 1);
  index.replace(0, chunk.get());
  for (const char* name : {"10-1-0-2.db.default.svc.cluster.local.",
                           "_pg._tcp.db.default.svc.cluster.local.", "db.default.svc.cluster.local.",
                           "_tcp.db.default.svc.cluster.local.", "default.svc.cluster.local."}) {
    EXPECT_NE(index.find_name(name_to_wire(name)), nullptr) << name;
  }
  // The same length and first label, another suffix; or another first label.
  for (const char* name : {"10-1-0-2.dc.default.svc.cluster.local.",
                           "10-1-0-2.db.defaulx.svc.cluster.local.",
                           "10-1-0-9.db.default.svc.cluster.local.",
                           "10-1-0-2.db.default.svc.cluster.locam."}) {
    EXPECT_EQ(index.find_name(name_to_wire(name)), nullptr) << name;
  }
}

TEST(SnapshotSuffix, SrvAndPtrTargetsAreWrittenThroughTheSuffix) {
  auto records = headless_db();
  for (Record& record : apex_records()) records.push_back(record);
  const auto snapshot = build_snapshot(records, test::default_options());

  const auto endpoint = ask(*snapshot, "10-1-0-3.db.default.svc.cluster.local", kA);
  EXPECT_EQ(rdata_texts(endpoint.answers), std::vector<std::string>{"10.1.0.3"});

  const auto srv_answer = ask(*snapshot, "_pg._tcp.db.default.svc.cluster.local", kSrv);
  EXPECT_EQ(rdata_texts(srv_answer.answers),
            (std::vector<std::string>{"0 50 5432 10-1-0-2.db.default.svc.cluster.local.",
                                      "0 50 5432 10-1-0-3.db.default.svc.cluster.local."}));
  EXPECT_EQ(rdata_texts(srv_answer.additional),
            (std::vector<std::string>{"10.1.0.2", "10.1.0.3"}));

  const auto ptr = ask(*snapshot, "3.0.1.10.in-addr.arpa", kPtr);
  EXPECT_EQ(rdata_texts(ptr.answers),
            std::vector<std::string>{"10-1-0-3.db.default.svc.cluster.local."});
}

// A reload re-encodes the changed Service's chunk: its names, read through the new
// chunk's own suffixes, answer; the old ones are gone; other chunks are untouched.
TEST(SnapshotSuffix, AReplacedChunkAnswersThroughItsOwnSuffixes) {
  registry::ClusterState state;
  for (int i = 10; i < 50; ++i) {  // two digits: the registry's sorted order
    const std::string name = "head-" + std::to_string(i);
    state.services.push_back(test::headless_service("default", name, {test::port("grpc", 8080)}));
    registry::EndpointSubset subset;
    const std::string ip = "10.244." + std::to_string(i) + ".2";
    subset.addresses.push_back(test::address(ip.c_str(), ""));
    subset.ports.push_back(test::endpoint_port("grpc", 8080));
    state.endpoints.push_back(test::endpoints("default", name, {subset}));
  }
  ClusterSnapshotBuilder builder(test::default_options());
  const ClusterSnapshot first = builder.build(state, 1);
  const auto old_name = name_to_wire("10-244-10-2.head-10.default.svc.cluster.local.");
  ASSERT_EQ(first.snapshot->lookup(old_name, kA).kind, LookupKind::kAddress);  // held inline

  state.endpoints.mutate(0).subsets[0].addresses[0].ip = test::ip("10.244.99.7");
  const ClusterSnapshot next = builder.build(state, 2);
  EXPECT_EQ(next.buckets_encoded, 1u);
  EXPECT_EQ(next.snapshot->lookup(old_name, kA).kind, LookupKind::kNXDomain);
  // The previous snapshot, still served until readers let go, keeps its own chunk.
  EXPECT_EQ(rdata_texts(ask(*first.snapshot, "10-244-10-2.head-10.default.svc.cluster.local", kA)
                            .answers),
            std::vector<std::string>{"10.244.10.2"});
  // The new endpoint's suffix is the Service's record in the new chunk.
  const SnapshotChunk* chunk =
      next.snapshot->lookup(name_to_wire("10-244-99-7.head-10.default.svc.cluster.local."), kA).chunk;
  ASSERT_NE(chunk, nullptr);
  const uint8_t* suffix = nullptr;
  const uint8_t* service = nullptr;
  for (const uint32_t id : chunk->name_ids()) {
    const NameLabels labels = chunk->name_prefix(chunk->name(id));
    if (text_of(labels.own) == "\x0b" "10-244-99-7") suffix = labels.suffix.data();
    if (text_of(labels.own) == "\x07" "head-10\x07" "default\x03" "svc") service = labels.own.data();
  }
  ASSERT_NE(suffix, nullptr);
  EXPECT_EQ(suffix, service);
  EXPECT_EQ(rdata_texts(ask(*next.snapshot, "10-244-99-7.head-10.default.svc.cluster.local", kA)
                            .answers),
            std::vector<std::string>{"10.244.99.7"});
  EXPECT_EQ(rdata_texts(ask(*next.snapshot, "_grpc._tcp.head-10.default.svc.cluster.local", kSrv)
                            .answers),
            std::vector<std::string>{"0 100 8080 10-244-99-7.head-10.default.svc.cluster.local."});
  EXPECT_EQ(rdata_texts(ask(*next.snapshot, "7.99.244.10.in-addr.arpa", kPtr).answers),
            std::vector<std::string>{"10-244-99-7.head-10.default.svc.cluster.local."});
  for (int i = 11; i < 50; ++i) {
    const std::string name =
        "10-244-" + std::to_string(i) + "-2.head-" + std::to_string(i) + ".default.svc.cluster.local";
    EXPECT_EQ(rdata_texts(ask(*next.snapshot, name, kA).answers),
              std::vector<std::string>{"10.244." + std::to_string(i) + ".2"})
        << name;
  }
}

}  // namespace
}  // namespace clusterdns::zones::testing
