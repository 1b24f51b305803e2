// CompactVector (registry/compact_vector.h) reads and writes like the std::vector it
// replaced in Endpoints, holds exactly the room it was given once shrunk, and owns its
// items: copies are independent, and every item it built is destroyed once.
#include "registry/compact_vector.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "registry/objects.h"

namespace clusterdns::registry {
namespace {

using Strings = std::vector<std::string>;

Strings items(const CompactVector<std::string>& list) {
  return Strings(list.begin(), list.end());
}

TEST(CompactVector, IsOnePointerWideAndEmptyByDefault) {
  static_assert(sizeof(CompactVector<EndpointAddress>) == sizeof(void*));
  const CompactVector<std::string> list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.capacity(), 0u);
  EXPECT_EQ(list.begin(), list.end());
  EXPECT_EQ(list, CompactVector<std::string>{});
  EXPECT_THROW((void)list.at(0), std::out_of_range);
}

TEST(CompactVector, KeepsItemsInOrderAcrossGrowth) {
  CompactVector<std::string> list;
  Strings expected;
  for (int i = 0; i < 100; ++i) {
    // Long enough to live on the heap: moving them must keep their text.
    list.push_back("item number " + std::to_string(i) + " with a long tail of text");
    expected.push_back("item number " + std::to_string(i) + " with a long tail of text");
  }
  EXPECT_EQ(items(list), expected);
  EXPECT_EQ(list.front(), expected.front());
  EXPECT_EQ(list.back(), expected.back());
  EXPECT_EQ(list[42], expected[42]);
  EXPECT_EQ(list.at(99), expected[99]);
  EXPECT_THROW((void)list.at(100), std::out_of_range);
}

TEST(CompactVector, PushBackOfItsOwnItemSurvivesGrowth) {
  CompactVector<std::string> list{"a long string that is not kept in place, surely", "b", "c", "d"};
  ASSERT_EQ(list.size(), list.capacity());
  list.push_back(list[0]);  // grows while the argument points into the old block
  EXPECT_EQ(list.back(), "a long string that is not kept in place, surely");
  EXPECT_EQ(list.size(), 5u);
}

TEST(CompactVector, ShrinkToFitLeavesExactlyTheItems) {
  CompactVector<std::string> list;
  for (const char* item : {"a", "b", "c", "d", "e"}) list.push_back(item);
  EXPECT_GT(list.capacity(), 5u);
  list.shrink_to_fit();
  EXPECT_EQ(list.capacity(), 5u);
  EXPECT_EQ(items(list), (Strings{"a", "b", "c", "d", "e"}));
  list.reserve(3);  // never shrinks
  EXPECT_EQ(list.capacity(), 5u);
  list.clear();
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.capacity(), 0u);
  list.push_back("again");
  EXPECT_EQ(items(list), Strings{"again"});
}

TEST(CompactVector, BuiltFromAVectorOrAListHoldsExactlyThem) {
  const Strings source{"x", "y", "z"};
  const CompactVector<std::string> copied(source);
  EXPECT_EQ(items(copied), source);
  EXPECT_EQ(copied.capacity(), 3u);
  Strings moved_from{"p", "q"};
  const CompactVector<std::string> moved(std::move(moved_from));
  EXPECT_EQ(items(moved), (Strings{"p", "q"}));
  const CompactVector<std::string> listed{"one", "two"};
  EXPECT_EQ(items(listed), (Strings{"one", "two"}));
  EXPECT_TRUE(CompactVector<std::string>(Strings{}).empty());
}

TEST(CompactVector, CopiesAreIndependent) {
  CompactVector<std::string> original{"a", "b"};
  CompactVector<std::string> copy = original;
  copy[0] = "changed";
  copy.push_back("c");
  EXPECT_EQ(items(original), (Strings{"a", "b"}));
  EXPECT_EQ(items(copy), (Strings{"changed", "b", "c"}));
  original = copy;
  EXPECT_EQ(original, copy);
  original = original;  // NOLINT: self-assignment keeps the items
  EXPECT_EQ(items(original), (Strings{"changed", "b", "c"}));
  CompactVector<std::string> taken = std::move(copy);
  EXPECT_EQ(items(taken), (Strings{"changed", "b", "c"}));
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  original = std::move(taken);
  EXPECT_EQ(items(original), (Strings{"changed", "b", "c"}));
}

TEST(CompactVector, ComparesLikeAVector) {
  using List = CompactVector<int>;
  EXPECT_EQ((List{1, 2}), (List{1, 2}));
  EXPECT_NE((List{1, 2}), (List{1, 3}));
  EXPECT_NE((List{1, 2}), (List{1, 2, 3}));
  EXPECT_LT((List{1, 2}), (List{1, 3}));
  EXPECT_LT((List{1, 2}), (List{1, 2, 0}));
  EXPECT_LT(List{}, (List{0}));
}

TEST(CompactVector, DestroysEveryItemOnce) {
  const auto counter = std::make_shared<int>(0);
  {
    CompactVector<std::shared_ptr<int>> list;
    for (int i = 0; i < 20; ++i) list.push_back(counter);
    EXPECT_EQ(counter.use_count(), 21);
    CompactVector<std::shared_ptr<int>> copy = list;
    EXPECT_EQ(counter.use_count(), 41);
    copy.pop_back();
    EXPECT_EQ(counter.use_count(), 40);
    copy.shrink_to_fit();
    EXPECT_EQ(counter.use_count(), 40);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

TEST(CompactVector, CopyThatThrowsLeavesNothingBehind) {
  struct Fragile {
    std::shared_ptr<int> held;
    bool throw_on_copy = false;
    Fragile(std::shared_ptr<int> h, bool t) : held(std::move(h)), throw_on_copy(t) {}
    Fragile(const Fragile& other) : held(other.held), throw_on_copy(other.throw_on_copy) {
      if (throw_on_copy) throw std::runtime_error("copy");
    }
    Fragile& operator=(const Fragile&) = default;
    ~Fragile() = default;
  };
  const auto counter = std::make_shared<int>(0);
  {
    std::vector<Fragile> source;
    source.emplace_back(counter, false);
    source.emplace_back(counter, false);
    source.emplace_back(counter, true);
    EXPECT_THROW(CompactVector<Fragile>{source}, std::runtime_error);
    EXPECT_EQ(counter.use_count(), 4);  // the source's three and `counter`
  }
  EXPECT_EQ(counter.use_count(), 1);
}

}  // namespace
}  // namespace clusterdns::registry
