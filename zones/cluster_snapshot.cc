#include "zones/cluster_snapshot.h"

#include <set>
#include <string>

#include "zones/records.h"
#include "zones/snapshot_builder.h"

namespace clusterdns::zones {
namespace {

// Every namespace that exists (DESIGN.md §2): named by a Namespace object or holding
// any object; "default" always.
std::vector<std::string> existing_namespaces(const registry::ClusterState& state) {
  std::set<std::string> names = {"default"};
  for (const auto& item : state.namespaces) names.insert(item.name);
  const auto add_all = [&](const auto& items) {
    for (const auto& item : items) names.insert(item.namespace_name);
  };
  add_all(state.services);
  add_all(state.pods);
  add_all(state.endpoint_objects);
  add_all(state.endpoint_slices);
  add_all(state.workloads);
  return {names.begin(), names.end()};
}

}  // namespace

ClusterSnapshot build_cluster_snapshot(const registry::ClusterState& state,
                                       const RecordOptions& options) {
  const std::vector<Record> records = build_records(state, options);
  SnapshotInput input;
  input.records = &records;
  input.options = options;
  input.namespaces = existing_namespaces(state);
  return {build_snapshot(input), records.size()};
}

}  // namespace clusterdns::zones
