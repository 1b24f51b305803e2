// registry::Labels reads like the std::map it replaced (issue 8: a sorted array, smaller).
#include "registry/labels.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace clusterdns::registry {
namespace {

std::vector<std::string> keys(const Labels& labels) {
  std::vector<std::string> out;
  for (const auto& [key, value] : labels) out.push_back(std::string(key));
  return out;
}

TEST(Labels, IterateInKeyOrderWhateverTheOrderOfInsertion) {
  Labels labels;
  labels.set("tier", "backend");
  labels.set("app", "web");
  labels.set("pod-template-hash", "77c56c9fb9");
  EXPECT_EQ(keys(labels), (std::vector<std::string>{"app", "pod-template-hash", "tier"}));
  labels.set("app", "api");
  EXPECT_EQ(labels.size(), 3u);
  EXPECT_EQ(labels.at("app"), "api");
}

TEST(Labels, FindCountAndAtLikeAMap) {
  const Labels labels{{"app", "web"}, {"app", "ignored"}, {"tier", ""}};
  EXPECT_EQ(labels.size(), 2u) << "of repeated keys the first is kept, as std::map does";
  EXPECT_EQ(labels.at("app"), "web");
  EXPECT_EQ(labels.count("tier"), 1u);
  EXPECT_EQ(labels.find("missing"), labels.end());
  EXPECT_THROW((void)labels.at("missing"), std::out_of_range);
  EXPECT_EQ(labels, (Labels{{"tier", ""}, {"app", "web"}}));
  Labels copy = labels;
  EXPECT_FALSE(copy.emplace("tier", "x"));
  EXPECT_EQ(copy.at("tier"), "");
}

TEST(Labels, AChangedCopyLeavesTheLabelsItWasCopiedFromAlone) {
  const Labels original{{"app", "web"}};
  Labels copy = original;
  EXPECT_TRUE(copy.shares_with(original));
  copy.set("tier", "backend");
  EXPECT_FALSE(copy.shares_with(original));
  EXPECT_EQ(original.size(), 1u);
  EXPECT_EQ(copy.size(), 2u);
}

TEST(Labels, KeysLongerThan255OctetsSurvive) {
  // A prefixed key: a DNS-subdomain prefix of up to 253 octets, '/', a 63-octet name.
  const std::string key = std::string(253, 'p') + "/" + std::string(63, 'n');
  Labels labels;
  labels.set(key, "v");
  labels.set("app", std::string(63, 'x'));
  EXPECT_EQ(labels.at(key), "v");
  EXPECT_EQ(labels.at("app"), std::string(63, 'x'));
  EXPECT_EQ(keys(labels), (std::vector<std::string>{"app", key}));
}

}  // namespace
}  // namespace clusterdns::registry
