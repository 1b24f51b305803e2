// DESIGN.md §2 "Errors" with the real loader: a file whose new content is bad keeps
// its previous objects, the rest of the change applies, and the state is never emptied
// because of an error.
#include <gtest/gtest.h>

#include <optional>

#include "registry/watcher.h"
#include "tests/registry/watcher_test_support.h"

namespace clusterdns::registry {
namespace {

using namespace testing;

constexpr const char* kOldPod = "sampledns-77c56c9fb9-6twzl";

std::string other_service(const std::string& cluster_ip) {
  return "apiVersion: v1\nkind: Service\nmetadata: {name: other, namespace: default}\n"
         "spec:\n  clusterIP: " +
         cluster_ip + "\n  ports:\n  - {port: 80}\n";
}

class WatcherLastGood : public ::testing::Test {
 protected:
  WatcherLastGood() {
    tree_.write("service.yaml", seed_service());
    tree_.write("pods.yaml", seed_pods(false));
    tree_.write("other.yaml", other_service("10.96.5.5"));
    watcher_.emplace(tree_.path(), ClusterOptions{}, quick_options(), reloads_.callback());
  }

  // Waits for a reload that reports a problem mentioning `text`.
  bool wait_for_report(const std::string& text) { return reloads_.wait_for_report(text); }

  // A later, unrelated change whose reload proves the watcher has moved on.
  void touch_marker(const std::string& pod_name) {
    tree_.write("marker.yaml", seed_pod(pod_name, "10.244.9.9", "node9"));
    ASSERT_TRUE(
        reloads_.wait_for([&](const LoadResult& result) { return has_pod(result, pod_name); }));
  }

  WatchedTree tree_;
  Reloads reloads_;
  std::optional<Watcher> watcher_;
};

TEST_F(WatcherLastGood, SyntaxErrorKeepsTheFilesObjectsAndIsReportedOnce) {
  tree_.write("pods.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n");
  ASSERT_TRUE(wait_for_report(tree_.file("pods.yaml") + ":"));
  EXPECT_NE(reloads_.reported().find(": error: "), std::string::npos) << reloads_.reported();
  EXPECT_EQ(reloads_.last().state.pods.size(), 3u);
  EXPECT_TRUE(has_pod(reloads_.last(), kOldPod));

  touch_marker("marker-one");
  const auto summaries = reloads_.summaries();
  EXPECT_TRUE(summaries.back().diagnostics.empty()) << "reported again: " << reloads_.reported();
  EXPECT_TRUE(has_pod(reloads_.last(), kOldPod));

  // Fixing the file applies it.
  tree_.write("pods.yaml", seed_pods(true));
  ASSERT_TRUE(reloads_.wait_for(
      [](const LoadResult& result) { return has_pod(result, "sampledns-77c56c9fb9-gcqcd"); }));
  EXPECT_FALSE(has_pod(reloads_.last(), kOldPod));
}

TEST_F(WatcherLastGood, ServiceWithPortZeroKeepsThePreviousService) {
  std::string bad = seed_service();
  bad.replace(bad.find("port: 5001"), 10, "port: 0");
  tree_.write("service.yaml", bad);
  ASSERT_TRUE(wait_for_report(tree_.file("service.yaml") + ":"));
  const LoadResult last = reloads_.last();
  const auto* service = last.state.find_service("default", "dnsservices");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->ports.size(), 3u);
  EXPECT_EQ(reloads_.summaries().back().rejected,
            std::vector<std::string>{tree_.file("service.yaml")});
}

TEST_F(WatcherLastGood, BinaryGarbageKeepsThePreviousObjects) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919) % 256));
  tree_.write("pods.yaml", garbage);
  ASSERT_TRUE(wait_for_report(tree_.file("pods.yaml")));
  EXPECT_EQ(reloads_.last().state.pods.size(), 3u);
}

TEST_F(WatcherLastGood, EmptiedFileKeepsItsObjectsWithAWarning) {
  tree_.write("pods.yaml", "");
  ASSERT_TRUE(wait_for_report("file is empty; keeping its 3 previous objects"));
  EXPECT_NE(reloads_.reported().find(tree_.file("pods.yaml") + ": warning: "), std::string::npos);
  EXPECT_EQ(reloads_.last().state.pods.size(), 3u);
}

TEST_F(WatcherLastGood, DeletedFileLosesItsObjects) {
  tree_.remove("pods.yaml");
  ASSERT_TRUE(
      reloads_.wait_for([](const LoadResult& result) { return result.state.pods.empty(); }));
  EXPECT_TRUE(has_service(reloads_.last(), "default", "dnsservices"));
  EXPECT_EQ(reloads_.summaries().back().removed, std::vector<std::string>{tree_.file("pods.yaml")});
}

TEST_F(WatcherLastGood, FilesDeletedWhileBeingReadLeaveAConsistentState) {
  // Best effort: files appear and vanish as fast as possible while rescans run.
  for (int i = 0; i < 200; ++i) {
    tree_.write("flicker.yaml", seed_pod("flicker", "10.244.8.8", "node8"));
    tree_.remove("flicker.yaml");
  }
  touch_marker("marker-two");
  EXPECT_FALSE(has_pod(reloads_.last(), "flicker"));
  EXPECT_EQ(reloads_.last().state.pods.size(), 4u);
}

TEST_F(WatcherLastGood, DirectoryReplacedByAFileIsHandled) {
  tree_.write("sub/extra.yaml", seed_pod("extra", "10.244.7.7", "node7"));
  ASSERT_TRUE(reloads_.wait_for([](const LoadResult& result) { return has_pod(result, "extra"); }));
  tree_.remove("sub");
  tree_.write("sub", "not a directory any more");
  // The files under sub/ are gone: their objects go with them; nothing else moves.
  ASSERT_TRUE(
      reloads_.wait_for([](const LoadResult& result) { return !has_pod(result, "extra"); }));
  EXPECT_EQ(reloads_.last().state.pods.size(), 3u);
  touch_marker("marker-three");
}

TEST_F(WatcherLastGood, DuplicateClusterIpAgainstAnotherFileRejectsTheChangedFile) {
  std::string clashing = seed_service();
  clashing.replace(clashing.find("10.1.146.200"), 12, "10.96.5.5");
  tree_.write("service.yaml", clashing);
  ASSERT_TRUE(wait_for_report("10.96.5.5"));
  const LoadResult last = reloads_.last();
  const auto* mine = last.state.find_service("default", "dnsservices");
  const auto* other = last.state.find_service("default", "other");
  ASSERT_NE(mine, nullptr);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(mine->cluster_ips.front().to_string(), "10.1.146.200");
  EXPECT_EQ(other->cluster_ips.front().to_string(), "10.96.5.5");
  EXPECT_EQ(reloads_.summaries().back().rejected,
            std::vector<std::string>{tree_.file("service.yaml")});
  EXPECT_EQ(last.state.pods.size(), 3u);

  // The other file moves away: the refused change now fits and applies.
  tree_.write("other.yaml", other_service("10.96.5.6"));
  ASSERT_TRUE(reloads_.wait_for([](const LoadResult& result) {
    const auto* service = result.state.find_service("default", "dnsservices");
    return service != nullptr && service->cluster_ips.front().to_string() == "10.96.5.5";
  }));
}

TEST_F(WatcherLastGood, DuplicatePodInANewFileIsRejected) {
  tree_.write("copy.yaml", seed_pod("sampledns-77c56c9fb9-g97jw", "10.244.6.6", "node6"));
  ASSERT_TRUE(wait_for_report("duplicate"));
  const LoadResult last = reloads_.last();
  const auto* pod = find_pod(last, "sampledns-77c56c9fb9-g97jw");
  ASSERT_NE(pod, nullptr);
  EXPECT_EQ(pod->ips.front().to_string(), "10.244.1.195");
  EXPECT_EQ(reloads_.summaries().back().rejected,
            std::vector<std::string>{tree_.file("copy.yaml")});
}

TEST_F(WatcherLastGood, EveryFileBrokenAtOnceStillKeepsEveryObject) {
  tree_.write("service.yaml", "{{{");
  tree_.write("pods.yaml", "");
  tree_.write("other.yaml", "kind: Service\nmetadata: {name: 7bad}\n");
  ASSERT_TRUE(wait_for_report(tree_.file("other.yaml")));
  ASSERT_TRUE(wait_for_report(tree_.file("service.yaml")));
  const LoadResult last = reloads_.last();
  EXPECT_EQ(last.state.pods.size(), 3u);
  EXPECT_TRUE(has_service(last, "default", "dnsservices"));
  EXPECT_TRUE(has_service(last, "default", "other"));
}

}  // namespace
}  // namespace clusterdns::registry
