// SharedList (registry/shared_list.h) behaves like a vector of values, and the registry
// uses it to hold each object once: the assembled state shares the parsed objects, and a
// reload keeps sharing every object that did not change (issue 8: memory per object).
#include "registry/shared_list.h"

#include <gtest/gtest.h>

#include <string>

#include "registry/manifest_set.h"
#include "tests/registry/manifest_dir.h"

namespace clusterdns::registry {
namespace {

using testing::ManifestDir;

TEST(SharedList, ACopyChangedThroughMutateLeavesTheOriginalAlone) {
  SharedList<std::string> original{"alpha", "beta"};
  SharedList<std::string> copy = original;
  EXPECT_EQ(&copy[0], &original[0]) << "a copy shares the objects";

  copy.mutate(0) = "changed";

  EXPECT_EQ(original[0], "alpha");
  EXPECT_EQ(copy[0], "changed");
  EXPECT_EQ(&copy[1], &original[1]) << "only the changed object was copied";
  EXPECT_NE(copy, original);
}

TEST(SharedList, AnObjectNoOtherListHoldsIsChangedInPlace) {
  SharedList<std::string> list{"alpha"};
  const std::string* before = &list[0];
  list.mutate(0) += "-1";
  EXPECT_EQ(&list[0], before);
  EXPECT_EQ(list[0], "alpha-1");
}

TEST(SharedList, ComparesAndSortsByTheObjects) {
  SharedList<std::string> a{"b", "a", "c"};
  a.stable_sort([](const std::string& x, const std::string& y) { return x < y; });
  EXPECT_EQ(a, (SharedList<std::string>{"a", "b", "c"}));
  erase_if(a, [](const std::string& x) { return x == "b"; });
  EXPECT_EQ(a, (SharedList<std::string>{"a", "c"}));
  const auto at = std::lower_bound(a.begin(), a.end(), std::string("b"));
  a.insert(at, "b");
  EXPECT_EQ(a, (SharedList<std::string>{"a", "b", "c"}));
}

std::string pod_doc(const std::string& name, const std::string& ip) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name +
         "\n  namespace: default\n  labels:\n    app: web\nspec:\n  containers:\n  - name: app\n"
         "status:\n  phase: Running\n  podIP: " +
         ip + "\n  conditions:\n  - type: Ready\n    status: \"True\"\n";
}

std::string service_doc(const std::string& name, const std::string& cluster_ip) {
  return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name +
         "\n  namespace: default\nspec:\n  clusterIP: " + cluster_ip +
         "\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
}

const Pod* find_pod(const ClusterState& state, const std::string& name) {
  for (const auto& pod : state.pods) {
    if (pod.name == name) return &pod;
  }
  return nullptr;
}

// Files sorted after the others are numbered last: adding "z-new.yaml" renumbers nothing.
TEST(SharedObjects, AReloadSharesEveryObjectOfTheFilesThatDidNotChange) {
  ManifestDir dir;
  dir.write("a-pods.yaml", pod_doc("web-0", "10.244.0.10") + "---\n" + pod_doc("web-1", "10.244.0.11"));
  dir.write("b-service.yaml", service_doc("web", "10.96.0.20"));
  dir.write("c-pods.yaml", pod_doc("web-2", "10.244.0.12"));
  ManifestSet set(dir.path(), ClusterOptions{});
  const ClusterState before = set.load_initial().state;
  ASSERT_NE(find_pod(before, "web-0"), nullptr);

  dir.write("c-pods.yaml", pod_doc("web-2", "10.244.0.99"));
  ASSERT_TRUE(set.rescan(RefreshMode::kEveryFile).state_changed);
  const ClusterState& after = set.result().state;

  EXPECT_EQ(find_pod(after, "web-0"), find_pod(before, "web-0")) << "unchanged file: shared";
  EXPECT_EQ(find_pod(after, "web-1"), find_pod(before, "web-1"));
  EXPECT_EQ(&after.services[0], &before.services[0]);
  ASSERT_NE(find_pod(after, "web-2"), nullptr);
  EXPECT_EQ(find_pod(after, "web-2")->ips[0].to_string(), "10.244.0.99");
  EXPECT_EQ(find_pod(before, "web-2")->ips[0].to_string(), "10.244.0.12")
      << "the state handed out before is not changed under its reader";

  // A file sorted first renumbers the others: the full assemble takes over, same answer.
  dir.write("0-first.yaml", pod_doc("web-3", "10.244.0.13"));
  ASSERT_TRUE(set.rescan(RefreshMode::kEveryFile).state_changed);
  const ClusterState& renumbered = set.result().state;
  const Pod* web0 = find_pod(renumbered, "web-0");
  ASSERT_NE(web0, nullptr);
  EXPECT_EQ(renumbered.files[web0->where.file], (dir.path() / "a-pods.yaml").string());
  const Pod* web3 = find_pod(renumbered, "web-3");
  ASSERT_NE(web3, nullptr);
  EXPECT_EQ(renumbered.files[web3->where.file], (dir.path() / "0-first.yaml").string());
}

}  // namespace
}  // namespace clusterdns::registry
