// --simulate-pods: workloads without Pod manifests get Kubernetes-shaped pods.
#include "registry/simulated_pods.h"

#include <gtest/gtest.h>

#include <regex>

#include "tests/registry/manifest_dir.h"

namespace clusterdns::registry {
namespace {

using testing::format_all;
using testing::ManifestDir;

std::string workload(const std::string& kind, const std::string& name, int replicas,
                     const std::string& extra_spec = "") {
  return "apiVersion: apps/v1\nkind: " + kind + "\nmetadata:\n  name: " + name +
         "\nspec:\n  replicas: " + std::to_string(replicas) + "\n" + extra_spec +
         "  selector:\n    matchLabels:\n      app: " + name +
         "\n  template:\n    metadata:\n      labels:\n        app: " + name +
         "\n    spec:\n      containers:\n      - name: main\n        ports:\n"
         "        - name: http\n          containerPort: 8080\n";
}

ClusterOptions simulate() {
  ClusterOptions options;
  options.simulate_pods = *IpPrefix::parse("10.244.0.0/16");
  return options;
}

std::vector<const Pod*> pods_of(const LoadResult& result, const std::string& prefix) {
  std::vector<const Pod*> pods;
  for (const auto& pod : result.state.pods) {
    if (pod.name.view().rfind(prefix, 0) == 0) pods.push_back(&pod);
  }
  return pods;
}

TEST(SimulatedPods, DeploymentPodsLookLikeKubernetesOnesAndAreReady) {
  ManifestDir dir;
  dir.write("d.yaml", workload("Deployment", "web", 3));
  const auto result = dir.load(simulate());
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  const auto pods = pods_of(result, "web-");
  ASSERT_EQ(pods.size(), 3u);
  const std::regex shape("web-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}");
  for (const Pod* pod : pods) {
    EXPECT_TRUE(std::regex_match(pod->name.str(), shape)) << pod->name;
    EXPECT_TRUE(pod->simulated);
    EXPECT_TRUE(pod->ready);
    EXPECT_EQ(pod->phase, PodPhase::kRunning);
    ASSERT_EQ(pod->ips.size(), 1u);
    EXPECT_TRUE(IpPrefix::parse("10.244.0.0/16")->contains(pod->ips[0]));
    EXPECT_EQ(pod->labels.at("app"), "web");
    EXPECT_EQ(pod->labels.at("pod-template-hash"), pod->name.view().substr(4, 10));
    ASSERT_EQ(pod->details->ports.size(), 1u);
    EXPECT_EQ(pod->details->ports[0].port, 8080);
  }
  EXPECT_NE(pods[0]->ips[0], pods[1]->ips[0]);
}

TEST(SimulatedPods, NamesAndAddressesAreTheSameOnEveryLoad) {
  ManifestDir dir;
  dir.write("d.yaml", workload("Deployment", "web", 5));
  dir.write("s.yaml", workload("StatefulSet", "db", 2, "  serviceName: db\n"));
  const auto first = dir.load(simulate());
  dir.write("other.yaml", workload("ReplicaSet", "unrelated", 4));
  const auto second = dir.load(simulate());
  for (const Pod* pod : pods_of(first, "")) {
    const Pod* again = nullptr;
    for (const auto& candidate : second.state.pods) {
      if (candidate.name == pod->name) again = &candidate;
    }
    ASSERT_NE(again, nullptr) << pod->name;
    EXPECT_EQ(again->ips, pod->ips) << pod->name;
  }
}

TEST(SimulatedPods, ReplicaSetPodsHaveAFiveCharacterSuffix) {
  ManifestDir dir;
  dir.write("r.yaml", workload("ReplicaSet", "cache", 2));
  const auto loaded = dir.load(simulate());
  const auto pods = pods_of(loaded, "cache-");
  ASSERT_EQ(pods.size(), 2u);
  for (const Pod* pod : pods) {
    EXPECT_TRUE(
        std::regex_match(pod->name.str(), std::regex("cache-[bcdfghjklmnpqrstvwxz2456789]{5}")))
        << pod->name;
  }
}

TEST(SimulatedPods, StatefulSetPodsAreOrdinalsWithHostnameAndSubdomain) {
  ManifestDir dir;
  dir.write("s.yaml", workload("StatefulSet", "db", 3, "  serviceName: db-headless\n"));
  dir.write("svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: db-headless\nspec:\n"
            "  clusterIP: None\n  selector:\n    app: db\n  ports:\n  - port: 8080\n");
  const auto result = dir.load(simulate());
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  const auto pods = pods_of(result, "db-");
  ASSERT_EQ(pods.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(pods[i]->name, "db-" + std::to_string(i));
    EXPECT_EQ(pods[i]->details->hostname, pods[i]->name);
    EXPECT_EQ(pods[i]->details->subdomain, "db-headless");
  }
  const std::optional<Endpoints> endpoints = result.state.find_endpoints("default", "db-headless");
  ASSERT_TRUE(endpoints);
  ASSERT_EQ(endpoints->subsets.size(), 1u);
  ASSERT_EQ(endpoints->subsets[0].addresses.size(), 3u);
  for (const auto& address : endpoints->subsets[0].addresses) {
    EXPECT_EQ(address.hostname, address.target_pod);
  }
}

TEST(SimulatedPods, DaemonSetGetsOnePodPerSimulatedNode) {
  ManifestDir dir;
  dir.write("ds.yaml", workload("DaemonSet", "agent", 1));
  const auto loaded = dir.load(simulate());
  const auto pods = pods_of(loaded, "agent-");
  ASSERT_EQ(pods.size(), static_cast<size_t>(kSimulatedNodes));
  std::set<std::string> nodes;
  for (const Pod* pod : pods) nodes.insert(pod->node_name.str());
  EXPECT_EQ(nodes, (std::set<std::string>{"node-0", "node-1", "node-2"}));
}

TEST(SimulatedPods, WorkloadsMatchedByAPodManifestAreNotSimulated) {
  ManifestDir dir;
  dir.write("d.yaml", workload("Deployment", "web", 3));
  dir.write("p.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-real\n  labels:\n"
            "    app: web\nstatus:\n  podIP: 10.244.0.7\n");
  const auto result = dir.load(simulate());
  const auto pods = pods_of(result, "web-");
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(pods[0]->name, "web-real");
}

TEST(SimulatedPods, NothingIsSimulatedWithoutTheFlag) {
  ManifestDir dir;
  dir.write("d.yaml", workload("Deployment", "web", 3));
  EXPECT_TRUE(dir.load().state.pods.empty());
}

TEST(SimulatedPods, AddressesNeverCollideInASmallRange) {
  ManifestDir dir;
  dir.write("d.yaml", workload("Deployment", "web", 12));
  ClusterOptions options;
  options.simulate_pods = *IpPrefix::parse("10.9.0.0/28");  // 14 usable
  const auto result = dir.load(options);
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  std::set<IpAddress> ips;
  for (const auto& pod : result.state.pods) ips.insert(pod.ips.at(0));
  EXPECT_EQ(ips.size(), 12u);
  EXPECT_EQ(ips.count(*IpAddress::parse("10.9.0.0")), 0u);
  EXPECT_EQ(ips.count(*IpAddress::parse("10.9.0.15")), 0u);
}

}  // namespace
}  // namespace clusterdns::registry
