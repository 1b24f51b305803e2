#pragma once
// ClusterState → published-ready Snapshot: the records of DESIGN.md §1 plus the
// namespaces that exist (for their empty non-terminals).
//
// Records come in groups (the zone apexes; each Service with its Endpoints; each Pod;
// each namespace's names), and groups are spread over a fixed number of buckets by
// name. Each bucket is one chunk (snapshot_chunk.h). A builder remembers the chunk of
// every bucket with a fingerprint of its groups' inputs (group_fingerprint.h), so a
// reload derives and encodes only the buckets whose objects changed; the rest are
// shared with the previous snapshot (issue 6: a changed pod among 50k objects).
//
// Where two buckets hold one name (two Services' endpoints claiming one address: both
// PTRs), or a CNAME points into another bucket, the groups involved are encoded once
// more together so that the answer is the same as one chunk holding everything would
// give; those names are pointed at that extra chunk.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "registry/objects.h"
#include "zones/options.h"
#include "zones/snapshot.h"

namespace clusterdns::zones {

struct ClusterSnapshot {
  std::unique_ptr<const Snapshot> snapshot;
  size_t records = 0;          // how many records went into it, for the log line
  size_t buckets_encoded = 0;  // buckets derived and encoded by this build
};

// Not thread-safe: one thread builds at a time (serve's refresher holds a lock).
class ClusterSnapshotBuilder {
 public:
  // `options.serial` is ignored: each build() names its own.
  explicit ClusterSnapshotBuilder(RecordOptions options);
  ~ClusterSnapshotBuilder();
  ClusterSnapshotBuilder(ClusterSnapshotBuilder&&) noexcept;

  ClusterSnapshot build(const registry::ClusterState& state, uint32_t serial);

  struct Grouping;  // cluster_snapshot.cc

 private:
  struct Bucket {
    uint64_t fingerprint = 0;
    std::shared_ptr<const SnapshotChunk> chunk;
  };

  // Derives and encodes the listed buckets' chunks (second: null for an empty bucket),
  // calling ready(i) for each in list order, on this thread, once it is encoded.
  void encode_buckets(
      const Grouping& grouping,
      std::vector<std::pair<size_t, std::shared_ptr<const SnapshotChunk>>>& buckets,
      const std::function<void(size_t)>& ready) const;

  RecordOptions options_;
  std::vector<Bucket> buckets_;
  std::shared_ptr<const SnapshotChunk> apex_;   // the zone apexes (new every build)
  std::shared_ptr<const SnapshotChunk> joint_;  // names re-encoded together, or null
  uint64_t joint_key_ = 0;                      // the buckets' versions it was built from
  // The last snapshot's index: the next one starts as a copy and changes only the
  // chunks that changed.
  std::shared_ptr<const SnapshotIndex> index_;
  std::unique_ptr<Grouping> grouping_;  // reused between builds
};

// One build, nothing remembered (tools, tests, the first publish of `check`).
ClusterSnapshot build_cluster_snapshot(const registry::ClusterState& state,
                                       const RecordOptions& options);

}  // namespace clusterdns::zones
