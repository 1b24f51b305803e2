// SharedValue (registry/shared_value.h) reads like the struct it holds, compares by
// value, and behaves as if every holder owned its copy: changing one never shows in
// another. Pods hold their PodDetails this way, and a workload's pods share one copy.
#include "registry/shared_value.h"

#include <gtest/gtest.h>

#include <string>

#include "registry/loader.h"
#include "registry/objects.h"

namespace clusterdns::registry {
namespace {

TEST(SharedValue, ReadsTheDefaultValueWhenNothingWasSet) {
  const SharedValue<PodDetails> details;
  EXPECT_TRUE(details.empty());
  EXPECT_TRUE(details->hostname.empty());
  EXPECT_EQ(details->containers, 0);
  EXPECT_EQ(*details, PodDetails{});
  // Setting the default value is the same as setting nothing.
  EXPECT_TRUE(SharedValue<PodDetails>(PodDetails{}).empty());
  EXPECT_EQ(SharedValue<PodDetails>(PodDetails{}), details);
}

TEST(SharedValue, CopiesShareUntilOneChanges) {
  PodDetails value;
  value.hostname = "db-0";
  value.containers = 2;
  SharedValue<PodDetails> first(value);
  SharedValue<PodDetails> second = first;
  EXPECT_TRUE(second.shares_with(first));
  second.mutate().hostname = "db-1";
  EXPECT_FALSE(second.shares_with(first));
  EXPECT_EQ(first->hostname, "db-0");
  EXPECT_EQ(second->hostname, "db-1");
  EXPECT_EQ(second->containers, 2);  // the rest was copied along
  EXPECT_NE(first, second);
  SharedValue<PodDetails> unset;
  unset.mutate().restarts = 3;
  EXPECT_FALSE(unset.empty());
  EXPECT_EQ(unset->restarts, 3);
}

TEST(SharedValue, ComparesByValue) {
  PodDetails a;
  a.hostname = "a";
  PodDetails b;
  b.hostname = "b";
  EXPECT_EQ(SharedValue<PodDetails>(a), SharedValue<PodDetails>(a));  // two copies, equal
  EXPECT_LT(SharedValue<PodDetails>(a), SharedValue<PodDetails>(b));
  EXPECT_LT(SharedValue<PodDetails>(), SharedValue<PodDetails>(a));
}

TEST(SharedValue, AWorkloadsPodsShareTheirDetails) {
  std::string text;
  for (const char* name : {"web-0", "web-1", "db-0"}) {
    const bool db = name[0] == 'd';
    text += std::string("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ") + name +
            "\n  namespace: shop\nspec:\n" + (db ? "  hostname: db-0\n  subdomain: db\n" : "") +
            "  containers:\n  - name: main\n    ports:\n    - containerPort: 8080\n"
            "status:\n  phase: Running\n  podIP: 10.0.0." +
            (db               ? "3"
             : name[4] == '0' ? "1"
                              : "2") +
            "\n";
  }
  const FileObjects file = parse_manifest_text("shop.yaml", text);
  ASSERT_EQ(file.pods.size(), 3u);
  EXPECT_TRUE(file.pods[0].details.shares_with(file.pods[1].details));
  EXPECT_FALSE(file.pods[2].details.shares_with(file.pods[0].details));
  EXPECT_EQ(file.pods[2].details->hostname, "db-0");
  EXPECT_EQ(file.pods[0].details->hostname, "");
  // Different details, same ports: those are shared still.
  EXPECT_TRUE(file.pods[2].details->ports.shares_with(file.pods[0].details->ports));
  EXPECT_EQ(file.pods[0].details->containers, 1);
}

}  // namespace
}  // namespace clusterdns::registry
