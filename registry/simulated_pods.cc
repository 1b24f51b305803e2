#include "registry/simulated_pods.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "registry/source_diagnostic.h"
#include "registry/stable_hash.h"

namespace clusterdns::registry {

namespace {

std::string safe_encode(uint64_t hash, size_t length) {
  std::string text;
  for (size_t i = 0; i < length; ++i) {
    text.push_back(kSafeAlphabet[hash % kSafeAlphabet.size()]);
    hash /= kSafeAlphabet.size();
    if (hash == 0) hash = fnv1a64(text);
  }
  return text;
}

// Stands in for the pod-template-hash: a hash of the template, 10 safe characters.
std::string template_hash(const Workload& workload) {
  uint64_t hash = fnv1a64(workload.namespace_name + "/" + workload.name);
  for (const auto& [key, value] : workload.template_labels) hash = fnv1a64(key + "=" + value, hash);
  for (const auto& port : workload.template_ports) {
    hash = fnv1a64(port.name + ":" + std::to_string(port.port), hash);
  }
  return safe_encode(hash, 10);
}

bool is_hit_by_manifest(const Workload& workload, const SharedList<Pod>& pods) {
  return std::any_of(pods.begin(), pods.end(), [&](const Pod& pod) {
    return pod.namespace_name == workload.namespace_name && workload.selector.matches(pod.labels);
  });
}

class IpPool {
 public:
  IpPool(const IpPrefix& cidr, const SharedList<Pod>& pods) : cidr_(cidr) {
    for (const auto& pod : pods) {
      for (const auto& ip : pod.ips) taken_.insert(ip);
    }
  }
  std::optional<IpAddress> allocate(std::string_view key) {
    const uint64_t size = cidr_.size();
    const uint64_t start = fnv1a64(key) % size;
    const uint64_t attempts = std::min<uint64_t>(size, taken_.size() + 3);
    for (uint64_t i = 0; i < attempts; ++i) {
      const uint64_t offset = (start + i) % size;
      if (offset == 0 || (!cidr_.base.v6 && offset == size - 1)) continue;  // network, broadcast
      auto ip = cidr_.at(offset);
      if (ip && taken_.insert(*ip).second) return ip;
    }
    return std::nullopt;
  }

 private:
  IpPrefix cidr_;
  std::set<IpAddress> taken_;
};

struct PodName {
  std::string name;
  std::string node;
  std::string hostname;
  std::string subdomain;
};

std::vector<PodName> pod_names(const Workload& workload, int32_t replicas) {
  std::vector<PodName> names;
  std::unordered_set<std::string> used;
  const auto unique_suffix = [&](const std::string& prefix, uint64_t seed) {
    constexpr uint64_t kAttempts = 64;  // 27^5 suffixes: collisions are rare
    for (uint64_t attempt = 0; attempt < kAttempts; ++attempt) {
      std::string name = prefix + "-" + safe_encode(fnv1a64(std::to_string(attempt), seed), 5);
      if (used.insert(name).second) return name;
    }
    std::string name = prefix + "-" + std::to_string(used.size());
    used.insert(name);
    return name;
  };
  const uint64_t seed = fnv1a64(workload.namespace_name + "/" + workload.name);
  switch (workload.kind) {
    case WorkloadKind::kStatefulSet:
      for (int32_t i = 0; i < replicas; ++i) {
        const std::string name = workload.name + "-" + std::to_string(i);
        names.push_back(
            {name, "node-" + std::to_string(i % kSimulatedNodes), name, workload.service_name});
      }
      break;
    case WorkloadKind::kDaemonSet:
      for (int i = 0; i < kSimulatedNodes; ++i) {
        names.push_back({unique_suffix(workload.name, fnv1a64(std::to_string(i), seed)),
                         "node-" + std::to_string(i), workload.template_hostname,
                         workload.template_subdomain});
      }
      break;
    case WorkloadKind::kDeployment:
    case WorkloadKind::kReplicaSet: {
      const std::string prefix = workload.kind == WorkloadKind::kDeployment
                                     ? workload.name + "-" + template_hash(workload)
                                     : workload.name;
      for (int32_t i = 0; i < replicas; ++i) {
        std::string name = unique_suffix(prefix, fnv1a64(std::to_string(i), seed));
        const std::string node = "node-" + std::to_string(fnv1a64(name) % kSimulatedNodes);
        names.push_back(
            {std::move(name), node, workload.template_hostname, workload.template_subdomain});
      }
      break;
    }
  }
  return names;
}

}  // namespace

std::vector<Pod> simulate_pods(const SharedList<Workload>& workloads,
                               const SharedList<Pod>& manifest_pods, const IpPrefix& cidr,
                               const std::vector<std::string>& files,
                               std::vector<Diagnostic>& diagnostics) {
  std::vector<Pod> simulated;
  IpPool pool(cidr, manifest_pods);
  for (const auto& workload : workloads) {
    if (is_hit_by_manifest(workload, manifest_pods)) continue;
    int32_t replicas = workload.replicas;
    if (replicas > kMaxSimulatedReplicas) {
      diagnostics.push_back(diagnostic_at(
          files, workload.where, Diagnostic::Severity::kWarning,
          std::string("simulating only ") + std::to_string(kMaxSimulatedReplicas) + " of the " +
              std::to_string(replicas) + " replicas of " + workload_kind_name(workload.kind) + " " +
              workload.namespace_name + "/" + workload.name));
      replicas = kMaxSimulatedReplicas;
    }
    const std::string hash =
        workload.kind == WorkloadKind::kDeployment ? template_hash(workload) : "";
    PodDetails template_details;
    template_details.ports = workload.template_ports;
    template_details.containers = 1;
    template_details.ready_containers = 1;
    const SharedValue<PodDetails> details(std::move(template_details));
    for (auto& name : pod_names(workload, replicas)) {
      Pod pod;
      pod.namespace_name = workload.namespace_name;
      pod.name = std::move(name.name);
      pod.labels = workload.template_labels;
      if (!hash.empty()) pod.labels.set("pod-template-hash", hash);
      if (workload.kind == WorkloadKind::kStatefulSet) {
        pod.labels.set("statefulset.kubernetes.io/pod-name", pod.name);
      }
      auto ip = pool.allocate(pod.namespace_name + "/" + pod.name);
      if (!ip) {
        diagnostics.push_back(diagnostic_at(files, workload.where, Diagnostic::Severity::kError,
                                            "--simulate-pods " + cidr.to_string() +
                                                " has no free address left for pod " +
                                                pod.namespace_name + "/" + pod.name));
        return simulated;
      }
      pod.ips.push_back(*ip);
      pod.phase = PodPhase::kRunning;
      pod.ready = true;
      pod.node_name = std::move(name.node);
      if (name.hostname.empty() && name.subdomain.empty()) {
        pod.details = details;  // one copy for the workload's pods
      } else {
        PodDetails own = *details;
        own.hostname = std::move(name.hostname);
        own.subdomain = std::move(name.subdomain);
        pod.details = std::move(own);
      }
      pod.simulated = true;
      pod.where = workload.where;
      simulated.push_back(std::move(pod));
    }
  }
  return simulated;
}

}  // namespace clusterdns::registry
