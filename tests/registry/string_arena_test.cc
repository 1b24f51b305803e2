// StringArena (registry/string_arena.h): a parsed file's strings in one shared block,
// equal texts once, alive as long as any string holds them.
#include "registry/string_arena.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "registry/labels.h"
#include "registry/loader.h"

namespace clusterdns::registry {
namespace {

TEST(StringArena, MovesTextsIntoOneBlockAndStoresEqualOnesOnce) {
  CompactString a("ns-0"), b("web-0"), c(std::string("ns-0")), empty;
  StringArena arena;
  for (CompactString* text : {&a, &b, &c, &empty}) arena.add(*text);
  EXPECT_FALSE(a.in_arena());  // nothing moves before store()
  arena.store();
  EXPECT_TRUE(a.in_arena());
  EXPECT_TRUE(b.in_arena());
  EXPECT_TRUE(a.shares_with(c));
  EXPECT_EQ(a, "ns-0");
  EXPECT_EQ(b, "web-0");
  EXPECT_TRUE(empty.empty());
  EXPECT_FALSE(empty.in_arena());
}

// The block outlives the arena and every string but the last (ASan checks the frees).
TEST(StringArena, BlockLivesWhileAnyStringHoldsIt) {
  std::optional<CompactString> kept;
  {
    std::vector<CompactString> texts{"a", "bb", "ccc"};
    StringArena arena;
    for (auto& text : texts) arena.add(text);
    arena.store();
    kept = texts[2];
  }
  EXPECT_EQ(*kept, "ccc");
  CompactString copy = *kept;
  kept.reset();
  EXPECT_EQ(copy, "ccc");
  copy = CompactString("own");
  EXPECT_FALSE(copy.in_arena());
}

// A later parse (a reload) keeps the texts of reused objects where they are: new equal
// texts share them instead of making a second copy.
TEST(StringArena, NewTextsShareEqualTextsOfAnEarlierBlock) {
  CompactString old_namespace("shop");
  {
    StringArena first;
    first.add(old_namespace);
    first.store();
  }
  CompactString fresh("shop"), other("cart");
  StringArena second;
  second.reuse(old_namespace);
  second.add(fresh);
  second.add(other);
  second.store();
  EXPECT_TRUE(fresh.shares_with(old_namespace));
  EXPECT_TRUE(other.in_arena());
  EXPECT_FALSE(other.shares_with(old_namespace));
}

// Strings of one block are copied and dropped on several threads at once (the snapshot
// builder and the watcher read the same objects).
TEST(StringArena, CopiesOnManyThreadsCountOnce) {
  std::vector<CompactString> texts;
  for (int i = 0; i < 64; ++i) texts.emplace_back("name-" + std::to_string(i));
  StringArena arena;
  for (auto& text : texts) arena.add(text);
  arena.store();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&texts] {
      for (int round = 0; round < 1000; ++round) {
        std::vector<CompactString> copies(texts.begin(), texts.end());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(texts[63], "name-63");
}

// What a parsed file keeps: names, labels and node names in the file's block, a
// Deployment's label set and the namespace once; a reparse keeps reused objects as
// they were.
TEST(StringArena, ParsedObjectsKeepTheirStringsInTheFilesBlock) {
  const std::string text =
      "kind: Pod\napiVersion: v1\nmetadata:\n  name: web-0\n  namespace: shop\n"
      "  labels:\n    app: web\nspec:\n  nodeName: node-1\n---\n"
      "kind: Pod\napiVersion: v1\nmetadata:\n  name: web-1\n  namespace: shop\n"
      "  labels:\n    app: web\nspec:\n  nodeName: node-1\n---\n"
      "kind: Service\napiVersion: v1\nmetadata:\n  name: web\n  namespace: shop\n"
      "  labels:\n    app: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
  const FileObjects file = parse_manifest_text("web.yaml", text);
  ASSERT_EQ(file.pods.size(), 2u);
  ASSERT_EQ(file.services.size(), 1u);
  const Pod& pod = file.pods[1];
  const Service& service = file.services[0];
  EXPECT_TRUE(pod.name.in_arena());
  EXPECT_TRUE(pod.node_name.shares_with(file.pods[0].node_name));
  EXPECT_TRUE(pod.namespace_name.shares_with(service.namespace_name));
  EXPECT_TRUE(pod.labels.shares_with(service.labels));
  ASSERT_TRUE(service.selector.has_value());
  EXPECT_TRUE(service.selector->shares_with(service.labels));
  EXPECT_EQ(pod.labels.at("app"), "web");

  std::string changed = text;
  changed.replace(changed.find("web-1"), 5, "web-2");
  const FileObjects again = parse_manifest_text("web.yaml", changed, &file);
  ASSERT_EQ(again.pods.size(), 2u);
  EXPECT_EQ(&again.pods[0], &file.pods[0]);  // reused, not copied
  EXPECT_EQ(again.pods[1].name, "web-2");
  EXPECT_TRUE(again.pods[1].namespace_name.shares_with(file.pods[0].namespace_name));
  EXPECT_TRUE(again.pods[1].labels.shares_with(file.pods[0].labels));
}

}  // namespace
}  // namespace clusterdns::registry
