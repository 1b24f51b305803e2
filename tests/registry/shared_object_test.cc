// SharedObject (registry/shared_object.h): handles share one object, which lives as
// long as the last of them.
#include "registry/shared_object.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace clusterdns::registry {
namespace {

// Counts its destructions, to see when the shared object goes.
struct Tracked {
  std::string text;
  int* destroyed = nullptr;
  ~Tracked() {
    if (destroyed != nullptr) ++*destroyed;
  }
};

TEST(SharedObject, EmptyByDefault) {
  const SharedObject<std::string> none;
  EXPECT_FALSE(none);
  EXPECT_EQ(none.get(), nullptr);
  EXPECT_EQ(none, SharedObject<std::string>());
}

TEST(SharedObject, CopiesShareOneObjectThatTheLastHandleFrees) {
  int destroyed = 0;
  auto first = SharedObject<Tracked>::make(Tracked{"web-0", &destroyed});
  destroyed = 0;  // the temporary moved from
  EXPECT_TRUE(first.unique());
  {
    const SharedObject<Tracked> copy = first;
    EXPECT_EQ(copy, first);
    EXPECT_EQ(copy.get(), first.get());
    EXPECT_EQ(copy->text, "web-0");
    EXPECT_FALSE(first.unique());
  }
  EXPECT_TRUE(first.unique());
  SharedObject<Tracked> moved = std::move(first);
  EXPECT_FALSE(first);  // NOLINT(bugprone-use-after-move): moved-from is empty
  const SharedObject<Tracked>& self = moved;
  moved = self;  // self-assignment keeps the object
  EXPECT_EQ((*moved).text, "web-0");
  EXPECT_EQ(destroyed, 0);
  moved = SharedObject<Tracked>();
  EXPECT_EQ(destroyed, 1);
}

TEST(SharedObject, EqualObjectsMadeApartAreDifferentHandles) {
  const auto a = SharedObject<std::string>::make("web");
  const auto b = SharedObject<std::string>::make("web");
  EXPECT_EQ(*a, *b);
  EXPECT_NE(a, b);
}

TEST(SharedObject, AUniqueObjectCanBeChanged) {
  auto object = SharedObject<std::string>::make("web");
  ASSERT_TRUE(object.unique());
  object.unique_value() += "-0";
  EXPECT_EQ(*object, "web-0");
}

// The count may sit in the object's tail padding (here after `last`): counting holders
// must never change the object, nor the object's changes the count.
TEST(SharedObject, MutateCopiesOnWriteAndMakesANullHandleItsOwn) {
  SharedObject<std::string> none;
  none.mutate() = "made";
  EXPECT_EQ(*none, "made");

  auto first = SharedObject<std::string>::make("api");
  SharedObject<std::string> second = first;
  second.mutate() += "-1";
  EXPECT_EQ(*first, "api") << "the other holder keeps the object it had";
  EXPECT_EQ(*second, "api-1");
  EXPECT_FALSE(first == second);

  const std::string* own = second.get();
  second.mutate() += "2";
  EXPECT_EQ(second.get(), own) << "a unique object is changed in place";
  EXPECT_EQ(*second, "api-12");
}

TEST(SharedObject, TheCountAndAnObjectWithTailPaddingKeepApart) {
  struct Padded {
    std::string text;
    uint32_t last = 0;
  };
  auto object = SharedObject<Padded>::make(Padded{"web", 0xFFFFFFFF});
  std::vector<SharedObject<Padded>> holders(100, object);
  EXPECT_FALSE(object.unique());
  EXPECT_EQ(object->last, 0xFFFFFFFFu);
  holders.clear();
  ASSERT_TRUE(object.unique());
  object.unique_value().last = 0;  // all bits cleared: a count stored over it would show
  EXPECT_TRUE(object.unique());
  object.unique_value() = Padded{"api", 0};  // assigning the whole object, too
  EXPECT_TRUE(object.unique());
  const SharedObject<Padded> copy = object;
  EXPECT_FALSE(object.unique());
  EXPECT_EQ(copy->last, 0u);
  EXPECT_EQ(copy->text, "api");
}

}  // namespace
}  // namespace clusterdns::registry
