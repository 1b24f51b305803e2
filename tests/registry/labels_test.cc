// registry::Labels reads like the std::map it replaced (issue 8: a sorted array, smaller).
#include "registry/labels.h"

#include <gtest/gtest.h>

#include "registry/loader.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace clusterdns::registry {
namespace {

std::vector<std::string> keys(const Labels& labels) {
  std::vector<std::string> out;
  for (const auto& [key, value] : labels) out.push_back(key);
  return out;
}

TEST(Labels, IterateInKeyOrderWhateverTheOrderOfInsertion) {
  Labels labels;
  labels["tier"] = "backend";
  labels["app"] = "web";
  labels["pod-template-hash"] = "77c56c9fb9";
  EXPECT_EQ(keys(labels), (std::vector<std::string>{"app", "pod-template-hash", "tier"}));
  labels["app"] = "api";
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
  EXPECT_FALSE(copy.emplace("tier", "x").second);
  EXPECT_EQ(copy.at("tier"), "");
}

TEST(Labels, AChangedCopyLeavesTheLabelsItWasCopiedFromAlone) {
  const Labels original{{"app", "web"}};
  Labels copy = original;
  EXPECT_TRUE(copy.shares_with(original));
  copy["tier"] = "backend";
  EXPECT_FALSE(copy.shares_with(original));
  EXPECT_EQ(original.size(), 1u);
  EXPECT_EQ(copy.size(), 2u);
}

// A Deployment's pods hold their labels once, and so does a Service whose selector is
// its own labels: what makes a 50k-object cluster's registry smaller (issue 8).
TEST(Labels, ObjectsOfOneFileWithEqualLabelsShareThem) {
  const std::string pod = "kind: Pod\napiVersion: v1\nmetadata:\n  name: NAME\n  labels:\n"
                          "    app: web\n    tier: backend\nspec:\n  containers:\n  - name: app\n";
  std::string text;
  for (const char* name : {"web-0", "web-1"}) {
    std::string doc = pod;
    doc.replace(doc.find("NAME"), 4, name);
    text += doc + "---\n";
  }
  text += "kind: Service\napiVersion: v1\nmetadata:\n  name: web\n  labels:\n    app: web\n"
          "spec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
  const FileObjects file = parse_manifest_text("web.yaml", text);
  ASSERT_EQ(file.pods.size(), 2u);
  ASSERT_EQ(file.services.size(), 1u);
  EXPECT_TRUE(file.pods[0].labels.shares_with(file.pods[1].labels));
  EXPECT_EQ(file.pods[1].labels.at("tier"), "backend");
  ASSERT_TRUE(file.services[0].selector.has_value());
  EXPECT_TRUE(file.services[0].selector->shares_with(file.services[0].labels));
}

}  // namespace
}  // namespace clusterdns::registry
