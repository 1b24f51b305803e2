#pragma once
// ClusterState → published-ready Snapshot in one call: the records of DESIGN.md §1 plus
// the namespaces that exist (for their empty non-terminals). Used by `serve` at start
// and on every reload.

#include <cstddef>
#include <memory>

#include "registry/objects.h"
#include "zones/options.h"
#include "zones/snapshot.h"

namespace clusterdns::zones {

struct ClusterSnapshot {
  std::unique_ptr<const Snapshot> snapshot;
  size_t records = 0;  // how many records went into it, for the log line
};

ClusterSnapshot build_cluster_snapshot(const registry::ClusterState& state,
                                       const RecordOptions& options);

}  // namespace clusterdns::zones
