#pragma once
// Records → Snapshot: groups records by owner and type, derives the empty
// non-terminals (RFC 8020), follows in-zone CNAME chains, and encodes every answer
// once so the serving path only copies octets (DESIGN.md §4). Runs off the serving
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

}  // namespace clusterdns::zones
