#include "zones/cluster_snapshot.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <future>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
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

// One group in four octets: its kind and its object's index in the state's list
// (services, pods) or in the grouping's namespaces. A builder keeps one per object
// between builds (issue 8: memory per object), and grouping writes one per object.
class Group {
 public:
  Group(GroupKind kind, size_t index)
      : value_(static_cast<uint32_t>(index) << 2 | static_cast<uint32_t>(kind)) {}
  GroupKind kind() const { return static_cast<GroupKind>(value_ & 3); }
  size_t index() const { return value_ >> 2; }

 private:
  uint32_t value_;
};

// A group's bucket and identity hash: by kind, namespace and name only, never by
// content, so a changed object stays in its bucket. Objects come sorted by namespace,
// so each namespace is hashed once.
class GroupIdentity {
 public:
  struct Key {
    size_t bucket = 0;
    uint64_t hash = 0;
  };
  Key operator()(GroupKind kind, std::string_view namespace_name, std::string_view name) {
    if (!hashed_ || namespace_name != namespace_) {
      namespace_ = namespace_name;
      namespace_hash_ = fingerprint(namespace_name);
      hashed_ = true;
    }
    uint64_t hash = namespace_hash_ * 0x9e3779b97f4a7c15ULL + fingerprint(name) +
                    static_cast<uint64_t>(kind);
    hash ^= hash >> 31;
    return {hash % kBuckets, hash};
  }

 private:
  std::string_view namespace_;
  uint64_t namespace_hash_ = 0;
  bool hashed_ = false;
};

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

}  // namespace

// The groups of one build, by bucket, with each bucket's combined fingerprint. Kept
// by the builder between builds so the per-bucket lists keep their capacity. Pods are
// grouped on another core while this one groups the Services (at start-up nothing
// encodes before grouping ends), so each bucket has two lists, each its fingerprint.
struct ClusterSnapshotBuilder::Grouping {
  // One kind's (or kinds') groups by bucket.
  struct Part {
    std::vector<std::vector<Group>> members = std::vector<std::vector<Group>>(kBuckets);
    std::vector<uint64_t> fingerprints = std::vector<uint64_t>(kBuckets, 0);

    void clear() {
      for (auto& groups : members) groups.clear();
      std::fill(fingerprints.begin(), fingerprints.end(), 0);
    }
    void add(GroupIdentity::Key key, Group group, uint64_t fingerprint) {
      members[key.bucket].push_back(group);
      fingerprints[key.bucket] = combine(fingerprints[key.bucket], combine(key.hash, fingerprint));
    }
  };
  // The state of this build.
  const registry::ClusterState* state = nullptr;
  // The Services, then the namespaces; the pods.
  Part services;
  Part pods;
  // Per Service (by index), its Endpoints or null.
  std::vector<const registry::Endpoints*> endpoints_of;
  std::vector<std::string_view> namespaces;

  void clear(const registry::ClusterState& of) {
    state = &of;
    services.clear();
    pods.clear();
    endpoints_of.clear();
    namespaces.clear();
  }
  bool empty(size_t bucket) const {
    return services.members[bucket].empty() && pods.members[bucket].empty();
  }
  uint64_t fingerprint(size_t bucket) const {
    return combine(services.fingerprints[bucket], pods.fingerprints[bucket]);
  }
};

namespace {

// Pods: their identity and fingerprint, into their own part of the grouping.
void group_pods(const registry::ClusterState& state, ClusterSnapshotBuilder::Grouping::Part& pods) {
  GroupIdentity identity;
  size_t i = 0;
  for (const auto& pod : state.pods) {
    pods.add(identity(GroupKind::kPod, pod.namespace_name, pod.name), Group(GroupKind::kPod, i++),
             fingerprint(pod));
  }
}

void group_state(const registry::ClusterState& state, const RecordOptions& options,
                 ClusterSnapshotBuilder::Grouping& grouping) {
  grouping.clear(state);
  // Hashing every object is most of the grouping, and nothing encodes before it ends:
  // the pods are grouped on another core meanwhile (a small cluster is not worth the
  // thread), into their own part.
  std::future<void> pods_grouped;
  if (options.pods == PodRecords::kVerified) {
    constexpr size_t kWorthThread = 4096;
    if (state.pods.size() >= kWorthThread && std::thread::hardware_concurrency() > 1) {
      pods_grouped =
          std::async(std::launch::async, [&state, &grouping] { group_pods(state, grouping.pods); });
    } else {
      group_pods(state, grouping.pods);
    }
  }
  // Whatever leaves early, the pod thread is done before what it writes goes away.
  struct WaitForPods {
    std::future<void>& pods;
    ~WaitForPods() {
      if (pods.valid()) pods.wait();
    }
  } wait_for_pods{pods_grouped};
  GroupIdentity identity;
  // Services and endpoints are both sorted by (namespace, name): walk them together.
  // One three-way comparison per step: the strings are compared once, not for < then ==.
  const auto compare = [](const registry::Endpoints& endpoints, const registry::Service& service) {
    const int by_namespace =
        std::string_view(endpoints.namespace_name).compare(service.namespace_name);
    if (by_namespace != 0) return by_namespace;
    return std::string_view(endpoints.name).compare(service.name);
  };
  grouping.endpoints_of.resize(state.services.size());
  auto next_endpoints = state.endpoints.begin();
  size_t i = 0;
  for (const auto& service : state.services) {
    int order = -1;  // of *next_endpoints against the service
    while (next_endpoints != state.endpoints.end() &&
           (order = compare(*next_endpoints, service)) < 0) {
      ++next_endpoints;
    }
    const registry::Endpoints* endpoints =
        next_endpoints != state.endpoints.end() && order == 0 ? &*next_endpoints : nullptr;
    grouping.endpoints_of[i] = endpoints;
    grouping.services.add(identity(GroupKind::kService, service.namespace_name, service.name),
                          Group(GroupKind::kService, i), fingerprint(service, endpoints));
    ++i;
  }
  for (const std::string_view ns : existing_namespaces(state)) {
    grouping.services.add(identity(GroupKind::kNamespace, ns, {}),
                          Group(GroupKind::kNamespace, grouping.namespaces.size()), 0);
    grouping.namespaces.push_back(ns);
  }
  if (pods_grouped.valid()) pods_grouped.get();  // rethrows what the pod thread threw
}

// The records and the record-less names of some groups. The records are
// records[0, count): those past it are kept for the next bucket to write over (see
// RecordSink).
struct Derived {
  std::vector<Record> records;
  size_t count = 0;
  std::vector<std::string> names;
  std::vector<std::string> spare_texts;  // see RecordSink

  std::span<const Record> derived() const { return {records.data(), count}; }
};

// Where a group's object is (null for a namespace), and where the pointer to it is.
const void* object_of(const ClusterSnapshotBuilder::Grouping& grouping, Group group) {
  switch (group.kind()) {
    case GroupKind::kService:
      return &grouping.state->services[group.index()];
    case GroupKind::kPod:
      return &grouping.state->pods[group.index()];
    case GroupKind::kNamespace:
      break;
  }
  return nullptr;
}

const void* pointer_to(const ClusterSnapshotBuilder::Grouping& grouping, Group group) {
  const auto at = static_cast<ptrdiff_t>(group.index());
  switch (group.kind()) {
    case GroupKind::kService:
      return &(grouping.state->services.begin() + at).shared();
    case GroupKind::kPod:
      return &(grouping.state->pods.begin() + at).shared();
    case GroupKind::kNamespace:
      break;
  }
  return nullptr;
}

void derive(const ClusterSnapshotBuilder::Grouping& grouping, std::span<const Group> groups,
            const RecordOptions& options, RecordSink& sink, Derived& out) {
  const registry::ClusterState& state = *grouping.state;
  // A bucket's groups lie anywhere in the state: ask for each one's objects a few
  // groups ahead, so that their cache misses overlap with the work on the groups
  // before; and for the pointers to them (the list's slot, the Service's Endpoints)
  // further ahead still, so that reaching an object does not wait. The prefetches are
  // written out here: g++ 12 drops a call to a function (or lambda) that only
  // prefetches, as if it did nothing.
  constexpr size_t kAhead = 4;
  constexpr size_t kPointersAhead = 2 * kAhead;
  const size_t count = groups.size();
  for (size_t i = 0; i < std::min(kPointersAhead, count); ++i) {
    __builtin_prefetch(pointer_to(grouping, groups[i]));
    if (groups[i].kind() == GroupKind::kService) {
      __builtin_prefetch(&grouping.endpoints_of[groups[i].index()]);
    }
  }
  for (size_t i = 0; i < std::min(kAhead, count); ++i) {
    __builtin_prefetch(object_of(grouping, groups[i]));
    if (groups[i].kind() == GroupKind::kService) {
      __builtin_prefetch(grouping.endpoints_of[groups[i].index()]);
    }
  }
  for (size_t i = 0; i < count; ++i) {
    if (i + kPointersAhead < count) {
      const Group ahead = groups[i + kPointersAhead];
      __builtin_prefetch(pointer_to(grouping, ahead));
      if (ahead.kind() == GroupKind::kService) {
        __builtin_prefetch(&grouping.endpoints_of[ahead.index()]);
      }
    }
    if (i + kAhead < count) {
      const Group ahead = groups[i + kAhead];
      __builtin_prefetch(object_of(grouping, ahead));
      if (ahead.kind() == GroupKind::kService) {
        __builtin_prefetch(grouping.endpoints_of[ahead.index()]);
      }
    }
    const Group group = groups[i];
    switch (group.kind()) {
      case GroupKind::kService:
        add_service_group(state.services[group.index()], grouping.endpoints_of[group.index()],
                          sink);
        break;
      case GroupKind::kPod:
        add_pod_records(state.pods[group.index()], sink);
        break;
      case GroupKind::kNamespace:
        add_namespace_names(grouping.namespaces[group.index()], options, out.names);
        break;
    }
  }
}

// One bucket's groups: its Services and namespaces, then its pods (the records come
// in the order one list of them all gave: namespaces derive names, not records).
void derive(const ClusterSnapshotBuilder::Grouping& grouping, size_t bucket,
            const RecordOptions& options, Derived& out) {
  RecordSink sink(options, out.records, out.count, out.spare_texts);
  derive(grouping, grouping.services.members[bucket], options, sink, out);
  derive(grouping, grouping.pods.members[bucket], options, sink, out);
  out.count = sink.size();
}

// Derived records → one chunk, in the order chunks want (duplicates, which two
// groups may both derive, dropped).
std::shared_ptr<const SnapshotChunk> encode(const Derived& derived, const RecordOptions& options) {
  const std::vector<const Record*> order = encoding_order(derived.derived());
  return build_chunk(std::span<const Record* const>(order), derived.names, options);
}

void derive_apex(const RecordOptions& options, Derived& out) {
  RecordSink sink(options, out.records, out.count);
  add_zone_apex_records(sink);
  out.count = sink.size();
  const std::vector<std::string> apexes = apex_names(options);
  out.names.insert(out.names.end(), apexes.begin(), apexes.end());
}

// Index slots: the apexes, then one per bucket, then the joint re-encoding.
constexpr uint16_t kApexSlot = 0;
constexpr uint16_t kJointSlot = kBuckets + 1;
uint16_t slot_of_bucket(size_t bucket) { return static_cast<uint16_t>(bucket + 1); }

// Names two chunks hold with records, and CNAMEs leaving their chunk: the slots
// involved, and the names to point at their joint re-encoding.
struct FixUps {
  std::set<uint16_t> slots;
  std::vector<std::string> names;
};

FixUps find_fix_ups(const SnapshotIndex& index) {
  FixUps fix_ups;
  const auto clashes = index.clashes();
  const auto holders = [&](const std::string& name, std::set<uint16_t>& into) {
    const auto wire = std::span(reinterpret_cast<const uint8_t*>(name.data()), name.size());
    const IndexEntry* entry = index.find_name(wire);
    if (entry == nullptr || entry->chunk == SnapshotIndex::kNoChunk) return false;
    into.insert(entry->chunk);
    for (const auto& [clash, slots] : clashes) {
      if (clash == name) into.insert(slots.begin(), slots.end());
    }
    return true;
  };
  for (const auto& [name, slots] : clashes) {
    fix_ups.names.push_back(name);
    fix_ups.slots.insert(slots.begin(), slots.end());
  }
  for (uint16_t slot = kApexSlot; slot < kJointSlot; ++slot) {
    const SnapshotChunk* chunk = index.chunk_at(slot);
    if (chunk == nullptr) continue;
    for (const ExternalCname& cname : chunk->external_cnames()) {
      fix_ups.names.push_back(cname.owner);
      fix_ups.slots.insert(slot);
      // Follow the chain through other chunks, as far as one chunk would.
      std::string target = cname.target;
      for (int step = 0; step < kMaxCnameChain; ++step) {
        std::set<uint16_t> found;
        if (!holders(target, found)) break;
        fix_ups.slots.insert(found.begin(), found.end());
        const std::string* next = nullptr;
        for (const uint16_t holder : found) {
          for (const ExternalCname& onward : index.chunk_at(holder)->external_cnames()) {
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

// Buckets are independent and only read the state: at start-up, when most of them
// need encoding, every core takes buckets in turn (a reload re-encodes a few, in
// place). The index takes the chunks in list order on the calling thread, which
// indexes each as soon as it and those before it are done, and encodes buckets
// itself while it waits: the index fills while the other cores still encode.
void ClusterSnapshotBuilder::encode_buckets(
    const Grouping& grouping,
    std::vector<std::pair<size_t, std::shared_ptr<const SnapshotChunk>>>& buckets,
    const std::function<void(size_t)>& ready) const {
  enum : uint8_t { kPending, kDone, kFailed };
  std::vector<std::atomic<uint8_t>> state(buckets.size());
  std::atomic<size_t> next{0};
  // Per thread, reused for every bucket it takes.
  const auto encode_one = [&](size_t i, Derived& derived) {
    if (!grouping.empty(buckets[i].first)) {  // else the bucket emptied: no chunk
      derived.count = 0;
      derived.names.clear();
      derive(grouping, buckets[i].first, options_, derived);
      buckets[i].second = encode(derived, options_);
    }
    state[i].store(kDone, std::memory_order_release);
    state[i].notify_one();
  };
  const auto help = [&] {
    Derived derived;
    for (size_t i; (i = next.fetch_add(1)) < buckets.size();) {
      try {
        encode_one(i, derived);
      } catch (...) {
        state[i].store(kFailed, std::memory_order_release);
        state[i].notify_one();
        throw;  // to the future, which get() rethrows below
      }
    }
  };
  constexpr size_t kWorthThreads = 64;
  const size_t threads =
      buckets.size() < kWorthThreads ? 1 : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::future<void>> helpers;
  // Whatever leaves early, the helpers stop taking buckets and are waited for before
  // what they use goes away.
  struct StopHelpers {
    std::atomic<size_t>& next;
    std::vector<std::future<void>>& helpers;
    size_t end;
    ~StopHelpers() {
      next.store(end);
      for (auto& helper : helpers) {
        if (helper.valid()) helper.wait();
      }
    }
  } stop{next, helpers, buckets.size()};
  for (size_t t = 1; t < threads; ++t) helpers.push_back(std::async(std::launch::async, help));
  Derived derived;
  for (size_t handed = 0; handed < buckets.size();) {
    const uint8_t now = state[handed].load(std::memory_order_acquire);
    if (now == kDone) {
      ready(handed++);
      continue;
    }
    if (now == kFailed) break;
    if (const size_t i = next.fetch_add(1); i < buckets.size()) {
      encode_one(i, derived);
      continue;
    }
    state[handed].wait(kPending, std::memory_order_acquire);
  }
  next.store(buckets.size());
  for (auto& helper : helpers) helper.get();  // rethrows what a helper threw
}

ClusterSnapshotBuilder::ClusterSnapshotBuilder(RecordOptions options)
    : options_(std::move(options)), buckets_(kBuckets) {}
ClusterSnapshotBuilder::~ClusterSnapshotBuilder() = default;
ClusterSnapshotBuilder::ClusterSnapshotBuilder(ClusterSnapshotBuilder&&) noexcept = default;

ClusterSnapshot ClusterSnapshotBuilder::build(const registry::ClusterState& state,
                                              uint32_t serial) {
  ClusterSnapshot result;
  SnapshotParts parts;
  parts.options = options_;
  parts.options.serial = serial;
  const bool first = index_ == nullptr;
  auto index = first ? std::make_shared<SnapshotIndex>(served_apexes(options_), kJointSlot + 1)
                     : std::make_shared<SnapshotIndex>(*index_);
  index->restore_redirects();

  // The apexes carry the serial: their chunk is new every time (it is tiny).
  Derived apex;
  derive_apex(parts.options, apex);
  add_served_zones(parts, apex.records);
  auto apex_chunk = encode(apex, parts.options);

  if (!grouping_) grouping_ = std::make_unique<Grouping>();
  Grouping& grouping = *grouping_;
  group_state(state, options_, grouping);
  std::vector<std::pair<size_t, std::shared_ptr<const SnapshotChunk>>> changed;
  for (size_t b = 0; b < kBuckets; ++b) {
    const Bucket& bucket = buckets_[b];
    if (grouping.empty(b)) {
      if (bucket.chunk) changed.emplace_back(b, nullptr);
      continue;
    }
    if (bucket.chunk && bucket.fingerprint == grouping.fingerprint(b)) continue;
    changed.emplace_back(b, nullptr);
  }
  // The replaced chunks stay alive (in buckets_, apex_) until the index has let go of
  // them; buckets_ changes only once every chunk is in, so a build that throws leaves
  // the builder as it was.
  index->replace(kApexSlot, apex_chunk.get());
  // A first build reserves the index once, from the entries of the first chunks (their
  // names and the empty non-terminals above them): the rest are still being encoded
  // when the index starts taking them.
  const size_t sample = std::max<size_t>(1, changed.size() / 16);
  encode_buckets(grouping, changed, [&](size_t i) {
    const auto& [b, chunk] = changed[i];
    index->replace(slot_of_bucket(b), chunk.get());
    if (first && i + 1 == sample) {
      const size_t expected = index->size() * changed.size() / sample;
      index->reserve(expected + expected / 8);
    }
  });
  result.buckets_encoded = changed.size();
  apex_ = std::move(apex_chunk);
  for (auto& [b, chunk] : changed) {
    buckets_[b] = Bucket{.fingerprint = grouping.fingerprint(b), .chunk = std::move(chunk)};
  }

  const FixUps fix_ups = find_fix_ups(*index);
  // The joint encoding depends only on the buckets involved: while none of them
  // changed, the last one serves again (a cluster with many in-cluster ExternalNames
  // would otherwise re-derive their buckets on every reload).
  uint64_t joint_key = 0;
  for (const uint16_t slot : fix_ups.slots) {
    const uint64_t version = slot == kApexSlot ? serial : buckets_[slot - 1].fingerprint;
    joint_key = combine(joint_key, combine(slot, version));
  }
  std::shared_ptr<const SnapshotChunk> joint;
  if (!fix_ups.names.empty() && joint_ && joint_key == joint_key_) {
    joint = joint_;
  } else if (!fix_ups.names.empty()) {
    Derived together;
    for (const uint16_t slot : fix_ups.slots) {
      if (slot == kApexSlot) {
        derive_apex(parts.options, together);
      } else {
        derive(grouping, slot - 1, options_, together);
      }
    }
    joint = encode(together, parts.options);
  }
  index->attach_unindexed(kJointSlot, joint.get());
  if (joint) {
    SnapshotIndex::NameBuffer buffer;
    for (const std::string& name : fix_ups.names) {
      for (const uint32_t id : joint->name_ids()) {
        const auto wire = index->full_name(*joint, joint->name(id), buffer);
        if (std::equal(wire.begin(), wire.end(), name.begin(), name.end())) {
          index->redirect(wire, kJointSlot, id);
          break;
        }
      }
    }
  }
  joint_ = joint;
  joint_key_ = joint_key;
  if (first) index->shrink_to_fit();

  parts.chunks.push_back(apex_);
  for (const Bucket& bucket : buckets_) {
    if (bucket.chunk) parts.chunks.push_back(bucket.chunk);
  }
  for (const auto& chunk : parts.chunks) parts.records += chunk->record_count();
  if (joint_) parts.chunks.push_back(joint_);
  index_ = index;
  parts.index = std::move(index);
  result.records = parts.records;
  result.snapshot = std::make_unique<const Snapshot>(std::move(parts));
  return result;
}

ClusterSnapshot build_cluster_snapshot(const registry::ClusterState& state,
                                       const RecordOptions& options) {
  return ClusterSnapshotBuilder(options).build(state, options.serial);
}

}  // namespace clusterdns::zones
