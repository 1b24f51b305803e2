#include "zones/cluster_snapshot.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "zones/group_fingerprint.h"
#include "zones/record_builders.h"
#include "zones/records.h"
#include "zones/snapshot_builder.h"

namespace clusterdns::zones {
namespace {

// Enough buckets that one holds a few dozen groups at 50k objects (so re-encoding one
// is cheap), few enough that a small cluster's empty buckets cost nothing to skip.
constexpr size_t kBuckets = 1024;

enum class GroupKind : uint8_t { kService, kPod, kNamespace };

struct Group {
  GroupKind kind = GroupKind::kService;
  const registry::Service* service = nullptr;
  const registry::Endpoints* endpoints = nullptr;
  const registry::Pod* pod = nullptr;
  std::string_view namespace_name;
};

size_t bucket_of(GroupKind kind, std::string_view namespace_name, std::string_view name) {
  const uint64_t hash = fingerprint(namespace_name) * 0x9e3779b97f4a7c15ULL +
                        fingerprint(name) + static_cast<uint64_t>(kind);
  return (hash ^ (hash >> 31)) % kBuckets;
}

uint64_t combine(uint64_t seed, uint64_t value) {
  seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  return seed;
}

// Every namespace that exists (DESIGN.md §2): named by a Namespace object or holding
// any object; "default" always.
std::set<std::string_view> existing_namespaces(const registry::ClusterState& state) {
  std::set<std::string_view> names = {"default"};
  for (const auto& item : state.namespaces) names.insert(item.name);
  const auto add_all = [&](const auto& items) {
    std::string_view last;  // objects come sorted by namespace: insert each once
    for (const auto& item : items) {
      if (item.namespace_name == last) continue;
      last = item.namespace_name;
      names.insert(last);
    }
  };
  add_all(state.services);
  add_all(state.pods);
  add_all(state.endpoint_objects);
  add_all(state.endpoint_slices);
  add_all(state.workloads);
  return names;
}

// The groups of one build, by bucket, with each bucket's combined fingerprint.
struct Grouping {
  std::vector<std::vector<Group>> members = std::vector<std::vector<Group>>(kBuckets);
  std::vector<uint64_t> fingerprints = std::vector<uint64_t>(kBuckets, 0);

  void add(size_t bucket, const Group& group, uint64_t fingerprint) {
    members[bucket].push_back(group);
    fingerprints[bucket] = combine(fingerprints[bucket], fingerprint);
  }
};

Grouping group_state(const registry::ClusterState& state, const RecordOptions& options) {
  Grouping grouping;
  for (const auto& service : state.services) {
    const registry::Endpoints* endpoints = state.find_endpoints(service.namespace_name, service.name);
    grouping.add(bucket_of(GroupKind::kService, service.namespace_name, service.name),
                 Group{.kind = GroupKind::kService, .service = &service, .endpoints = endpoints,
                       .pod = nullptr, .namespace_name = service.namespace_name},
                 fingerprint(service, endpoints));
  }
  if (options.pods == PodRecords::kVerified) {
    for (const auto& pod : state.pods) {
      grouping.add(bucket_of(GroupKind::kPod, pod.namespace_name, pod.name),
                   Group{.kind = GroupKind::kPod, .service = nullptr, .endpoints = nullptr,
                         .pod = &pod, .namespace_name = pod.namespace_name},
                   fingerprint(pod));
    }
  }
  for (const std::string_view ns : existing_namespaces(state)) {
    grouping.add(bucket_of(GroupKind::kNamespace, ns, {}),
                 Group{.kind = GroupKind::kNamespace, .namespace_name = ns}, fingerprint(ns));
  }
  return grouping;
}

// The records and the record-less names of some groups.
struct Derived {
  std::vector<Record> records;
  std::vector<std::string> names;
};

void derive(const std::vector<Group>& groups, const RecordOptions& options, Derived& out) {
  RecordSink sink(options, out.records);
  for (const Group& group : groups) {
    switch (group.kind) {
      case GroupKind::kService:
        add_service_group(*group.service, group.endpoints, sink);
        break;
      case GroupKind::kPod:
        add_pod_records(*group.pod, sink);
        break;
      case GroupKind::kNamespace:
        add_namespace_names(group.namespace_name, options, out.names);
        break;
    }
  }
}

void derive_apex(const RecordOptions& options, Derived& out) {
  RecordSink sink(options, out.records);
  add_zone_apex_records(sink);
  const std::vector<std::string> apexes = apex_names(options);
  out.names.insert(out.names.end(), apexes.begin(), apexes.end());
}

constexpr size_t kApexChunk = static_cast<size_t>(-1);

// Names two chunks hold with records, and CNAMEs leaving their chunk: the chunks
// involved, by position, and the names to point at their joint re-encoding.
struct FixUps {
  std::set<uint32_t> chunks;
  std::vector<std::string> names;
};

FixUps find_fix_ups(const SnapshotParts& parts) {
  FixUps fix_ups;
  const SnapshotIndex& index = parts.index;
  const auto holders = [&](const std::string& name, std::set<uint32_t>& into) {
    const auto wire = std::span(reinterpret_cast<const uint8_t*>(name.data()), name.size());
    const IndexEntry* entry = index.find_name(wire);
    if (entry == nullptr || entry->skip != 0) return false;
    into.insert(entry->chunk);
    for (const NameClash& clash : index.clashes()) {
      if (clash.name == name) into.insert(clash.chunks.begin(), clash.chunks.end());
    }
    return true;
  };
  for (const NameClash& clash : index.clashes()) {
    fix_ups.names.push_back(clash.name);
    fix_ups.chunks.insert(clash.chunks.begin(), clash.chunks.end());
  }
  for (uint32_t position = 0; position < parts.chunks.size(); ++position) {
    for (const ExternalCname& cname : parts.chunks[position]->external_cnames()) {
      fix_ups.names.push_back(cname.owner);
      fix_ups.chunks.insert(position);
      // Follow the chain through other chunks, as far as one chunk would (8 steps).
      std::string target = cname.target;
      for (int step = 0; step < 8; ++step) {
        std::set<uint32_t> found;
        if (!holders(target, found)) break;
        fix_ups.chunks.insert(found.begin(), found.end());
        const std::string* next = nullptr;
        for (const uint32_t holder : found) {
          for (const ExternalCname& onward : parts.chunks[holder]->external_cnames()) {
            if (onward.owner == target) next = &onward.target;
          }
        }
        if (next == nullptr) break;
        target = *next;
      }
    }
  }
  return fix_ups;
}

}  // namespace

ClusterSnapshotBuilder::ClusterSnapshotBuilder(RecordOptions options)
    : options_(std::move(options)), buckets_(kBuckets) {}

ClusterSnapshot ClusterSnapshotBuilder::build(const registry::ClusterState& state,
                                              uint32_t serial) {
  ClusterSnapshot result;
  SnapshotParts parts;
  parts.options = options_;
  parts.options.serial = serial;

  // The apexes carry the serial: their chunk is new every time (it is tiny).
  Derived apex;
  derive_apex(parts.options, apex);
  sort_records(apex.records);
  add_served_zones(parts, apex.records);
  parts.chunks.push_back(build_chunk(apex.records, apex.names, parts.options));
  std::vector<size_t> bucket_at = {kApexChunk};  // chunk position → bucket

  const Grouping grouping = group_state(state, options_);
  for (size_t b = 0; b < kBuckets; ++b) {
    Bucket& bucket = buckets_[b];
    if (grouping.members[b].empty()) {
      bucket = Bucket{};
      continue;
    }
    if (!bucket.chunk || bucket.fingerprint != grouping.fingerprints[b]) {
      Derived derived;
      derive(grouping.members[b], options_, derived);
      sort_records(derived.records);
      bucket.chunk = build_chunk(std::move(derived.records), derived.names, options_);
      bucket.fingerprint = grouping.fingerprints[b];
      ++result.buckets_encoded;
    }
    parts.chunks.push_back(bucket.chunk);
    bucket_at.push_back(b);
  }
  for (const auto& chunk : parts.chunks) parts.records += chunk->record_count();
  index_chunks(parts);

  const FixUps fix_ups = find_fix_ups(parts);
  if (!fix_ups.names.empty()) {
    Derived joint;
    for (const uint32_t position : fix_ups.chunks) {
      if (bucket_at[position] == kApexChunk) {
        derive_apex(parts.options, joint);
      } else {
        derive(grouping.members[bucket_at[position]], options_, joint);
      }
    }
    sort_records(joint.records);  // also drops what two groups both derived
    auto chunk = build_chunk(std::move(joint.records), joint.names, parts.options);
    const uint32_t position = parts.index.attach(chunk.get());
    const auto names = chunk->names();
    for (const std::string& name : fix_ups.names) {
      for (uint32_t i = 0; i < names.size(); ++i) {
        const auto wire = chunk->name_bytes(names[i]);
        if (std::equal(wire.begin(), wire.end(), name.begin(), name.end())) {
          parts.index.repoint(wire, position, i);
          break;
        }
      }
    }
    parts.chunks.push_back(std::move(chunk));
  }

  result.records = parts.records;
  result.snapshot = std::make_unique<const Snapshot>(std::move(parts));
  return result;
}

ClusterSnapshot build_cluster_snapshot(const registry::ClusterState& state,
                                       const RecordOptions& options) {
  return ClusterSnapshotBuilder(options).build(state, options.serial);
}

}  // namespace clusterdns::zones
