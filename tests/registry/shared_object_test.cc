// SharedObject (registry/shared_object.h): handles share one object, which lives as
// long as the last of them.
#include "registry/shared_object.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

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

}  // namespace
}  // namespace clusterdns::registry
