// compact_objects (registry/compact_objects.h): what a parsed file keeps is shared
// where objects are alike (issue 8: memory per object).
#include "registry/compact_objects.h"

#include <gtest/gtest.h>

#include <string>

#include "registry/loader.h"

namespace clusterdns::registry {
namespace {

// A Deployment's pods hold their labels and ports once, and so does a Service whose
// selector is its own labels: what makes a 50k-object cluster's registry smaller.
TEST(CompactObjects, ObjectsOfOneFileShareEqualLabelsPortsAndNamespaces) {
  const std::string pod =
      "kind: Pod\napiVersion: v1\nmetadata:\n  name: NAME\n  namespace: shop\n"
      "  labels:\n    app: web\n    tier: backend\nspec:\n  containers:\n"
      "  - name: app\n    ports:\n    - name: http\n"
      "      containerPort: 8080\n";
  std::string text;
  for (const char* name : {"web-0", "web-1"}) {
    std::string doc = pod;
    doc.replace(doc.find("NAME"), 4, name);
    text += doc + "---\n";
  }
  text +=
      "kind: Service\napiVersion: v1\nmetadata:\n  name: web\n  namespace: shop\n"
      "  labels:\n    app: web\n"
      "spec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
  const FileObjects file = parse_manifest_text("web.yaml", text);
  ASSERT_EQ(file.pods.size(), 2u);
  ASSERT_EQ(file.services.size(), 1u);
  EXPECT_TRUE(file.pods[0].labels.shares_with(file.pods[1].labels));
  EXPECT_EQ(file.pods[1].labels.at("tier"), "backend");
  EXPECT_TRUE(file.pods[0].details->ports.shares_with(file.pods[1].details->ports));
  ASSERT_EQ(file.pods[1].details->ports.size(), 1u);
  EXPECT_EQ(file.pods[1].details->ports[0].port, 8080);
  ASSERT_TRUE(file.services[0].selector.has_value());
  EXPECT_TRUE(file.services[0].selector->shares_with(file.services[0].labels));
  // The objects of one namespace share its name.
  EXPECT_TRUE(file.pods[0].namespace_name.shares_with(file.pods[1].namespace_name));
  EXPECT_TRUE(file.pods[0].namespace_name.shares_with(file.services[0].namespace_name));
  EXPECT_EQ(file.services[0].namespace_name, "shop");
}

}  // namespace
}  // namespace clusterdns::registry
