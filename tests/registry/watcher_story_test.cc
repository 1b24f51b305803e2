// The seed story at the registry level: a Deployment's pod is deleted and replaced,
// and the watcher hands out the new pod and the new endpoints, whatever way the
// manifests were rewritten.
#include <gtest/gtest.h>

#include "registry/watcher.h"
#include "tests/registry/watcher_test_support.h"

namespace clusterdns::registry {
namespace {

using namespace testing;
using Addresses = std::vector<std::string>;

const Addresses kBefore = {"10.244.1.194", "10.244.1.195", "10.244.2.205"};
const Addresses kAfter = {"10.244.1.194", "10.244.1.195", "10.244.2.206"};
constexpr const char* kOldPod = "sampledns-77c56c9fb9-6twzl";
constexpr const char* kNewPod = "sampledns-77c56c9fb9-gcqcd";

bool replaced(const LoadResult& result) {
  return has_pod(result, kNewPod);
}

void expect_seed_before(const LoadResult& result) {
  EXPECT_TRUE(has_service(result, "default", "dnsservices"))
      << formatted_diagnostics(result.diagnostics);
  EXPECT_TRUE(has_pod(result, kOldPod));
  EXPECT_EQ(ready_addresses(result, "dnsservices"), kBefore);
}

void expect_seed_after(const LoadResult& result) {
  EXPECT_TRUE(has_service(result, "default", "dnsservices"));
  EXPECT_FALSE(has_pod(result, kOldPod));
  ASSERT_TRUE(has_pod(result, kNewPod));
  EXPECT_EQ(find_pod(result, kNewPod)->ips.front().to_string(), "10.244.2.206");
  EXPECT_EQ(ready_addresses(result, "dnsservices"), kAfter);
}

TEST(WatcherSeedStory, ReplacedPodWrittenToATempFileAndRenamedShowsUp) {
  WatchedTree tree;
  tree.write("service.yaml", seed_service());
  tree.write("pods.yaml", seed_pods(false));
  Reloads reloads;
  Watcher watcher(tree.path(), {}, quick_options(), reloads.callback());
  expect_seed_before(watcher.initial());

  tree.write_via_rename("pods.yaml", seed_pods(true));
  ASSERT_TRUE(reloads.wait_for(replaced));
  expect_seed_after(reloads.last());
  const auto summary = reloads.summaries().back();
  EXPECT_EQ(summary.changed, std::vector<std::string>{tree.file("pods.yaml")});
  EXPECT_TRUE(summary.state_changed);
  EXPECT_NE(summary.describe().find("reloaded: 1 file changed, 0 rejected, "), std::string::npos)
      << summary.describe();
}

TEST(WatcherSeedStory, SlowInPlaceRewriteIsAppliedOnlyWhenComplete) {
  WatchedTree tree;
  tree.write("service.yaml", seed_service());
  tree.write("pods.yaml", seed_pods(false));
  Reloads reloads;
  Watcher watcher(tree.path(), {}, quick_options(), reloads.callback());

  tree.write_slowly("pods.yaml", seed_pods(true), 3, 30ms);
  ASSERT_TRUE(reloads.wait_for(replaced));
  expect_seed_after(reloads.last());
  EXPECT_EQ(reloads.reported().find("error"), std::string::npos) << reloads.reported();
  EXPECT_FALSE(reloads.ever([](const LoadResult& result) { return result.state.pods.size() != 3; }))
      << "a half-written file was applied";
}

TEST(WatcherSeedStory, HalfFileClosedBetweenTwoWritesIsNotReported) {
  WatchedTree tree;
  tree.write("service.yaml", seed_service());
  tree.write("pods.yaml", seed_pods(false));
  Reloads reloads;
  // Longer periods than usual leave a wide margin on a loaded machine: the rescan after
  // 100 ms of quiet sees the half file; the second look comes 100 ms later.
  auto options = quick_options();
  options.debounce = 100ms;
  options.max_delay = 400ms;
  Watcher watcher(tree.path(), {}, options, reloads.callback());

  // The writer closes the file after the first half (the watcher sees a complete
  // write of broken YAML), and appends the rest between the two looks.
  const std::string text = seed_pods(true);
  const size_t cut = text.find("containerPort: 5001") + 5;  // inside a {flow mapping}
  tree.write("pods.yaml", text.substr(0, cut));
  std::this_thread::sleep_for(150ms);
  std::ofstream(tree.path() / "pods.yaml", std::ios::app | std::ios::binary) << text.substr(cut);

  ASSERT_TRUE(reloads.wait_for(replaced));
  expect_seed_after(reloads.last());
  EXPECT_EQ(reloads.reported().find("error"), std::string::npos) << reloads.reported();
}

TEST(WatcherSeedStory, ConfigMapDataSymlinkSwapReloads) {
  WatchedTree tree;
  ConfigMapVolume volume(tree, "");
  volume.publish({{"service.yaml", seed_service()}, {"pods.yaml", seed_pods(false)}});
  Reloads reloads;
  Watcher watcher(tree.path(), {}, quick_options(), reloads.callback());
  expect_seed_before(watcher.initial());
  EXPECT_EQ(watcher.initial().state.files.size(), 2u) << "the dot-directories are not read";

  volume.publish({{"service.yaml", seed_service()}, {"pods.yaml", seed_pods(true)}});
  ASSERT_TRUE(reloads.wait_for(replaced));
  expect_seed_after(reloads.last());

  // A key added to the ConfigMap: a new top-level symlink.
  volume.publish({{"service.yaml", seed_service()},
                  {"pods.yaml", seed_pods(true)},
                  {"more.yaml", seed_pod("sampledns-77c56c9fb9-zzzzz", "10.244.2.207", "node2")}});
  ASSERT_TRUE(reloads.wait_for(
      [](const LoadResult& result) { return has_pod(result, "sampledns-77c56c9fb9-zzzzz"); }));
  EXPECT_EQ(ready_addresses(reloads.last(), "dnsservices").size(), 4u);
}

TEST(WatcherSeedStory, ConfigMapMountedInASubdirectoryReloads) {
  WatchedTree tree;
  tree.write("service.yaml", seed_service());
  ConfigMapVolume volume(tree, "cm");
  volume.publish({{"pods.yaml", seed_pods(false)}});
  Reloads reloads;
  Watcher watcher(tree.path(), {}, quick_options(), reloads.callback());
  expect_seed_before(watcher.initial());

  volume.publish({{"pods.yaml", seed_pods(true)}});
  ASSERT_TRUE(reloads.wait_for(replaced));
  expect_seed_after(reloads.last());
}

}  // namespace
}  // namespace clusterdns::registry
