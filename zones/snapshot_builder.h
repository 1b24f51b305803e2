#pragma once
// Records → Snapshot in one piece: every record in one chunk (snapshot_chunk.h), the
// served zones and the index. For tests and tools; `serve` builds per group of
// objects and reuses unchanged chunks (cluster_snapshot.h). Runs off the serving
// threads; allocates freely.

#include <memory>
#include <string>
#include <vector>

#include "zones/options.h"
#include "zones/record.h"
#include "zones/snapshot.h"

namespace clusterdns::zones {

struct SnapshotInput {
  const std::vector<Record>* records = nullptr;  // build_records() output (any order)
  RecordOptions options;
  // Namespaces that exist (ClusterState::namespace_exists): "<ns>.svc.<zone>" and, unless
  // pods are disabled, "<ns>.pod.<zone>" answer NODATA instead of NXDOMAIN. "default"
  // is always added.
  std::vector<std::string> namespaces;
};

// Records outside the served zones (the cluster domain, in-addr.arpa., ip6.arpa.) are
// ignored, as are records under pod.<zone> when pods are disabled. A zone whose apex
// has no SOA record gets one synthesized from the options (DESIGN.md §1 shape).
std::unique_ptr<const Snapshot> build_snapshot(const SnapshotInput& input);

// Convenience for tests and tools.
std::unique_ptr<const Snapshot> build_snapshot(const std::vector<Record>& records,
                                               const RecordOptions& options,
                                               std::vector<std::string> namespaces = {});

// The pieces both builders share.
// Names that exist for a namespace without records: "<ns>.svc.<zone>." and, unless pods
// are disabled, "<ns>.pod.<zone>." (a name that is not one DNS label gives none).
void add_namespace_names(std::string_view namespace_name, const RecordOptions& options,
                         std::vector<std::string>& names);
// The apexes of the served zones as text ("cluster.local.", "in-addr.arpa.", ...).
std::vector<std::string> apex_names(const RecordOptions& options);
// Fills parts.zone_arena, zones and the pod zone from parts.options; the SOA of a
// zone's negative answers is the SOA record at its apex among `records`, if any.
void add_served_zones(SnapshotParts& parts, const std::vector<Record>& records);
// Indexes parts.chunks (in order).
void index_chunks(SnapshotParts& parts);

}  // namespace clusterdns::zones
