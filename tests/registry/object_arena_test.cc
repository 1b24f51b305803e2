// ObjectArena (registry/object_arena.h): a parsed file's objects side by side in a few
// heap blocks, each object still destroyed when its last holder goes.
#include "registry/object_arena.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "registry/loader.h"
#include "registry/shared_list.h"

namespace clusterdns::registry {
namespace {

// Counts live instances, to see when objects are destroyed.
struct Tracked {
  std::shared_ptr<int> alive;
  std::string name;
  friend bool operator==(const Tracked&, const Tracked&) = default;
};

TEST(ObjectArena, MovedObjectsStayEqualAndSitSideBySide) {
  SharedList<std::string> list{"a", "bb", "ccc"};
  {
    ObjectArena<std::string> arena;
    for (size_t i = 0; i < list.size(); ++i) arena.take(list.handle(i));
  }
  EXPECT_EQ(list[0], "a");
  EXPECT_EQ(list[2], "ccc");
  EXPECT_TRUE(list.shared(1).unique());
}

TEST(ObjectArena, AnObjectHeldElsewhereStaysWhereItIs) {
  SharedList<std::string> list{"kept"};
  const SharedObject<std::string> other = list.shared(0);
  ObjectArena<std::string> arena;
  arena.take(list.handle(0));
  EXPECT_EQ(list.shared(0), other);  // the very same object
}

// Each object goes with its last holder; the block outlives the arena while any object
// is held (ASan checks the frees).
TEST(ObjectArena, ObjectsAreDestroyedOneByOne) {
  const auto alive = std::make_shared<int>(0);
  SharedList<Tracked> list;
  for (int i = 0; i < 40; ++i) list.push_back(Tracked{alive, "pod-" + std::to_string(i)});
  {
    ObjectArena<Tracked> arena;
    for (size_t i = 0; i < list.size(); ++i) arena.take(list.handle(i));
  }
  EXPECT_EQ(alive.use_count(), 41);
  SharedObject<Tracked> last = list.shared(39);
  list.erase(list.begin() + 1, list.end());
  EXPECT_EQ(alive.use_count(), 3);  // list[0] and `last`
  list.clear();
  EXPECT_EQ(alive.use_count(), 2);
  EXPECT_EQ(last->name, "pod-39");
  last = SharedObject<Tracked>();
  EXPECT_EQ(alive.use_count(), 1);
}

// Changing an object of a batch held once changes it in place; held twice, the change
// copies it first (copy on write, as for any object).
TEST(ObjectArena, ObjectsInABatchAreCopiedOnWrite) {
  SharedList<std::string> list{"a", "b"};
  ObjectArena<std::string> arena;
  arena.take(list.handle(0));
  arena.take(list.handle(1));
  const std::string* before = &list[0];
  list.mutate(0) += "-changed";
  EXPECT_EQ(&list[0], before);
  const SharedList<std::string> copy = list;
  list.mutate(1) += "-changed";
  EXPECT_EQ(copy[1], "b");
  EXPECT_EQ(list[1], "b-changed");
  EXPECT_EQ(copy[0], "a-changed");
}

TEST(ObjectArena, HandlesCopiedOnManyThreadsCountOnce) {
  SharedList<std::string> list;
  for (int i = 0; i < 300; ++i) list.push_back("name-" + std::to_string(i));
  {
    ObjectArena<std::string> arena;
    for (size_t i = 0; i < list.size(); ++i) arena.take(list.handle(i));
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&list] {
      for (int round = 0; round < 200; ++round) {
        SharedList<std::string> copy = list;
        copy.erase(copy.begin(), copy.begin() + 100);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(list[299], "name-299");
  EXPECT_TRUE(list.shared(299).unique());
}

// A parsed file's Pods and Services are in batches, and a reparse after a one-pod
// change keeps the others as they were (shared, not copied).
TEST(ObjectArena, ParsedObjectsAreBatchedAndReusedAcrossParses) {
  std::string text;
  for (int i = 0; i < 60; ++i) {
    text += "kind: Pod\napiVersion: v1\nmetadata:\n  name: web-" + std::to_string(i) +
            "\n  namespace: shop\n---\n";
  }
  const FileObjects file = parse_manifest_text("web.yaml", text);
  ASSERT_EQ(file.pods.size(), 60u);
  // Batches grow with the file: 1, 1, 2, 4, 8, 16, 32 objects.
  EXPECT_EQ(&file.pods[33], &file.pods[32] + 1);  // side by side in one batch
  std::string changed = text;
  changed.replace(changed.find("web-7\n"), 6, "web-x\n");
  const FileObjects again = parse_manifest_text("web.yaml", changed, &file);
  ASSERT_EQ(again.pods.size(), 60u);
  EXPECT_EQ(again.pods[8].name, file.pods[8].name);
  EXPECT_EQ(&again.pods[8], &file.pods[8]);
  EXPECT_EQ(again.pods[7].name, "web-x");
  EXPECT_EQ(file.pods[7].name, "web-7");
}

}  // namespace
}  // namespace clusterdns::registry
