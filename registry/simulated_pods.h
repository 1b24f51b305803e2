#pragma once
// --simulate-pods CIDR: the pods that workload controllers would have made, for
// workloads that no Pod manifest matches (DESIGN.md §2). Names follow Kubernetes:
//   Deployment   <name>-<pod-template-hash (10)>-<suffix (5)>, label pod-template-hash
//   ReplicaSet   <name>-<suffix (5)>
//   StatefulSet  <name>-<ordinal>, hostname = pod name, subdomain = spec.serviceName
//   DaemonSet    <name>-<suffix (5)>, one per simulated node node-0, node-1, node-2
// Everything is derived from FNV-1a hashes of namespace/name, so names and IPs are the
// same on every load of the same manifests.

#include <string>
#include <string_view>
#include <vector>

#include "registry/diagnostic.h"
#include "registry/objects.h"

namespace clusterdns::registry {

inline constexpr int kSimulatedNodes = 3;
// Replicas above this are capped (with a warning): a typo must not exhaust memory.
inline constexpr int32_t kMaxSimulatedReplicas = 10000;

// The alphabet of rand.SafeEncodeString (no vowels, no look-alike characters).
inline constexpr std::string_view kSafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

// `manifest_pods`: the pods from manifests (their IPs are never reused). Returns the
// simulated pods, unsorted.
std::vector<Pod> simulate_pods(const SharedList<Workload>& workloads,
                               const SharedList<Pod>& manifest_pods, const IpPrefix& cidr,
                               const std::vector<std::string>& files,
                               std::vector<Diagnostic>& diagnostics);

}  // namespace clusterdns::registry
