// CompactString (registry/compact_string.h) reads like the std::string it replaced.
#include "registry/compact_string.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <utility>

namespace clusterdns::registry {
namespace {

TEST(CompactString, EmptyByDefaultAndFromEmptyText) {
  EXPECT_TRUE(CompactString().empty());
  EXPECT_TRUE(CompactString("").empty());
  EXPECT_EQ(CompactString().view(), "");
  EXPECT_EQ(CompactString().size(), 0u);
}

TEST(CompactString, CopiesShareTheTextAndOutliveTheOriginal) {
  auto original = std::make_unique<CompactString>(std::string("node-20"));
  CompactString copy = *original;
  EXPECT_TRUE(copy.shares_with(*original));
  original.reset();
  EXPECT_EQ(copy, "node-20");
  CompactString assigned;
  assigned = copy;
  assigned = assigned;  // self-assignment keeps the text
  EXPECT_EQ(assigned.str(), "node-20");
  CompactString moved = std::move(assigned);
  EXPECT_EQ(moved, "node-20");
}

TEST(CompactString, ComparesAndConcatenatesLikeAString) {
  const CompactString web = "web-0";
  EXPECT_EQ(web, std::string("web-0"));
  EXPECT_NE(web, "web-1");
  EXPECT_LT(web, CompactString("web-1"));
  EXPECT_EQ("pod " + web + " on " + std::string("node-1"), "pod web-0 on node-1");
  EXPECT_EQ(web.size(), 5u);
}

TEST(CompactString, PrintsItsCharacters) {
  std::ostringstream out;
  out << CompactString("web-0") << "|" << CompactString();
  EXPECT_EQ(out.str(), "web-0|");
}

}  // namespace
}  // namespace clusterdns::registry
