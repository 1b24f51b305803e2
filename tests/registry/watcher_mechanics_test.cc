// How the watcher notices changes: inotify on directories created later, bursts
// coalesced by the debounce, reload on demand, and polling when inotify is not used.
#include <gtest/gtest.h>

#include "registry/watcher.h"
#include "tests/registry/watcher_test_support.h"

namespace clusterdns::registry {
namespace {

using namespace testing;

bool has(const LoadResult& result, const char* pod) {
  return has_pod(result, pod);
}

TEST(WatcherMechanics, WatchesSubdirectoriesCreatedLater) {
  WatchedTree tree;
  tree.write("service.yaml", seed_service());
  Reloads reloads;
  Watcher watcher(tree.path(), {}, quick_options(), reloads.callback());
  EXPECT_FALSE(watcher.polling());

  std::filesystem::create_directories(tree.path() / "team-a" / "pods");
  std::this_thread::sleep_for(50ms);  // the new directory's watch is in place by now...
  tree.write("team-a/pods/one.yaml", seed_pod("one", "10.244.3.1", "node3"));
  ASSERT_TRUE(reloads.wait_for([](const LoadResult& r) { return has(r, "one"); }));

  // ...and a file written into it later is seen through that watch alone.
  tree.write("team-a/pods/two.yaml", seed_pod("two", "10.244.3.2", "node3"));
  ASSERT_TRUE(reloads.wait_for([](const LoadResult& r) { return has(r, "two"); }));

  // A whole tree moved in at once.
  WatchedTree elsewhere;
  elsewhere.write("deep/er/three.yaml", seed_pod("three", "10.244.3.3", "node3"));
  std::filesystem::rename(elsewhere.path() / "deep", tree.path() / "deep");
  ASSERT_TRUE(reloads.wait_for([](const LoadResult& r) { return has(r, "three"); }));
  tree.write("deep/er/four.yaml", seed_pod("four", "10.244.3.4", "node3"));
  ASSERT_TRUE(reloads.wait_for([](const LoadResult& r) { return has(r, "four"); }));
}

TEST(WatcherMechanics, SeesInPlaceWritesBehindASymlinkToAFileElsewhere) {
  WatchedTree tree;
  WatchedTree elsewhere;
  elsewhere.write("pods.yaml", seed_pods(false));
  std::filesystem::create_symlink(elsewhere.path() / "pods.yaml", tree.path() / "pods.yaml");
  Reloads reloads;
  Watcher watcher(tree.path(), {}, quick_options(), reloads.callback());
  EXPECT_EQ(watcher.initial().state.pods.size(), 3u);

  elsewhere.write("pods.yaml", seed_pods(true));
  ASSERT_TRUE(
      reloads.wait_for([](const LoadResult& r) { return has(r, "sampledns-77c56c9fb9-gcqcd"); }));
}

TEST(WatcherMechanics, BurstOfWritesCoalescesIntoAFewReloads) {
  WatchedTree tree;
  tree.write("service.yaml", seed_service());
  Reloads reloads;
  Watcher watcher(tree.path(), {}, quick_options(), reloads.callback());

  for (int i = 0; i < 100; ++i) {
    tree.write("burst.yaml", seed_pod("burst-" + std::to_string(i), "10.244.4.4", "node4"));
  }
  ASSERT_TRUE(reloads.wait_for([](const LoadResult& r) { return has(r, "burst-99"); }));
  std::this_thread::sleep_for(100ms);  // nothing more should trickle in
  EXPECT_LE(reloads.count(), 5u);
  EXPECT_TRUE(has(reloads.last(), "burst-99"));
  EXPECT_EQ(reloads.last().state.pods.size(), 1u);
}

// A debounce far longer than the test waits: only the short settle of a burst that is
// one finished file can show these changes in time.
TEST(WatcherMechanics, AFinishedFileIsReadWithoutWaitingForTheDebounce) {
  WatchedTree tree;
  tree.write("service.yaml", seed_service());
  Reloads reloads;
  auto options = quick_options();
  options.debounce = 60s;
  options.max_delay = 120s;
  Watcher watcher(tree.path(), {}, options, reloads.callback());

  tree.write_via_rename("renamed.yaml", seed_pod("renamed-in", "10.244.4.4", "node4"));
  ASSERT_TRUE(reloads.wait_for([](const LoadResult& r) { return has(r, "renamed-in"); }));
  tree.write("written.yaml", seed_pod("written-in-place", "10.244.4.5", "node4"));
  ASSERT_TRUE(reloads.wait_for([](const LoadResult& r) { return has(r, "written-in-place"); }));
  EXPECT_TRUE(has(reloads.last(), "renamed-in"));
}

TEST(WatcherMechanics, ReloadNowRereadsEveryFile) {
  WatchedTree tree;
  tree.write("service.yaml", seed_service());
  Reloads reloads;
  auto options = quick_options();
  options.poll_period = std::chrono::hours(1);  // nothing but reload_now will look
  Watcher watcher(tree.path(), {}, options, reloads.callback());
  EXPECT_TRUE(watcher.polling());

  tree.write("pods.yaml", seed_pods(false));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(reloads.count(), 0u);
  watcher.reload_now();
  ASSERT_TRUE(reloads.wait_for([](const LoadResult& r) { return r.state.pods.size() == 3; }));

  // Asked for, a reload is reported even when nothing changed.
  watcher.reload_now();
  ASSERT_TRUE(reloads.wait_for_count(2));
  EXPECT_FALSE(reloads.summaries().back().state_changed);
  EXPECT_NE(reloads.summaries().back().describe().find("0 files changed"), std::string::npos);
}

TEST(WatcherMechanics, PollingFindsChangesWithoutInotify) {
  WatchedTree tree;
  tree.write("service.yaml", seed_service());
  tree.write("pods.yaml", seed_pods(false));
  Reloads reloads;
  auto options = quick_options();
  options.poll_period = 50ms;
  Watcher watcher(tree.path(), {}, options, reloads.callback());
  ASSERT_TRUE(watcher.polling());

  tree.write_via_rename("pods.yaml", seed_pods(true));
  ASSERT_TRUE(
      reloads.wait_for([](const LoadResult& r) { return has(r, "sampledns-77c56c9fb9-gcqcd"); }));
  tree.remove("pods.yaml");
  ASSERT_TRUE(reloads.wait_for([](const LoadResult& r) { return r.state.pods.empty(); }));
  // A broken file found by polling is judged after a second look, then kept out.
  tree.write("pods.yaml", seed_pods(false));
  ASSERT_TRUE(reloads.wait_for([](const LoadResult& r) { return r.state.pods.size() == 3; }));
  tree.write("pods.yaml", "kind: Pod\nmetadata: {name: [\n");
  ASSERT_TRUE(reloads.wait_for_report(tree.file("pods.yaml")));
  EXPECT_EQ(reloads.last().state.pods.size(), 3u);
}

TEST(WatcherMechanics, FallsBackToPollingWhenTheDirectoryCannotBeWatched) {
  WatchedTree tree;
  std::vector<std::string> notices;
  auto options = quick_options();
  options.fallback_poll_period = 50ms;
  options.on_notice = [&notices](const std::string& line) { notices.push_back(line); };
  Reloads reloads;
  // A directory that does not exist yet cannot be watched; polling finds it later.
  Watcher watcher(tree.path() / "later", {}, options, reloads.callback());
  EXPECT_TRUE(watcher.polling());
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("polling every 0.05 s"), std::string::npos) << notices[0];

  tree.write("later/pods.yaml", seed_pods(false));
  ASSERT_TRUE(reloads.wait_for([](const LoadResult& r) { return r.state.pods.size() == 3; }));
}

TEST(WatcherMechanics, StopsPromptly) {
  WatchedTree tree;
  Reloads reloads;
  auto watcher =
      std::make_unique<Watcher>(tree.path(), ClusterOptions{}, quick_options(), reloads.callback());
  const auto start = std::chrono::steady_clock::now();
  watcher->stop();
  watcher->stop();  // idempotent
  watcher.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

}  // namespace
}  // namespace clusterdns::registry
