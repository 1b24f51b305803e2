// ClusterIP allocation: deterministic, stable, never on a reserved or taken address.
#include "registry/cluster_ip_allocator.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/registry/manifest_dir.h"

namespace clusterdns::registry {
namespace {

using testing::format_all;
using testing::ManifestDir;

std::string service(const std::string& name, const std::string& extra = "") {
  return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\nspec:\n" + extra +
         "  ports:\n  - port: 80\n";
}

// "<prefix><i><suffix>", appended piece by piece: `numbered("s", i)` trips a g++ 12
// -Wrestrict false positive in optimized builds.
std::string numbered(const char* prefix, int i, const char* suffix = "") {
  std::string text = prefix;
  text += std::to_string(i);
  text += suffix;
  return text;
}

std::map<std::string, std::string> cluster_ips(const LoadResult& result) {
  std::map<std::string, std::string> ips;
  for (const auto& svc : result.state.services) {
    if (!svc.cluster_ips.empty())
      ips[svc.namespace_name + "/" + svc.name] = svc.cluster_ips[0].to_string();
  }
  return ips;
}

TEST(ClusterIpAllocator, GivesTheSameAddressesOnEveryLoad) {
  ManifestDir dir;
  for (int i = 0; i < 50; ++i) dir.write(numbered("s", i, ".yaml"), service(numbered("svc-", i)));
  const auto first = cluster_ips(dir.load());
  const auto second = cluster_ips(dir.load());
  EXPECT_EQ(first.size(), 51u);  // plus default/kubernetes
  EXPECT_EQ(first, second);
}

TEST(ClusterIpAllocator, AddingAnUnrelatedServiceDoesNotMoveExistingAddresses) {
  ManifestDir dir;
  for (int i = 0; i < 20; ++i) dir.write(numbered("s", i, ".yaml"), service(numbered("svc-", i)));
  const auto before = cluster_ips(dir.load());
  dir.write("new.yaml", service("a-new-service"));
  dir.write("zzz.yaml", service("zzz"));
  auto after = cluster_ips(dir.load());
  after.erase("default/a-new-service");
  after.erase("default/zzz");
  EXPECT_EQ(before, after);
}

TEST(ClusterIpAllocator, StartsAtTheHashOfNamespaceAndName) {
  ManifestDir dir;
  dir.write("s.yaml", service("web"));
  const auto result = dir.load();
  const ClusterOptions options;
  const uint64_t offset = cluster_ip_start_offset("default", "web", options.service_cidr.size());
  EXPECT_EQ(cluster_ips(result)["default/web"], options.service_cidr.at(offset)->to_string());
}

TEST(ClusterIpAllocator, CollisionsProbeUpwardAndReservedAddressesAreNeverGiven) {
  ManifestDir dir;
  ClusterOptions options;
  options.service_cidr = *IpPrefix::parse("10.0.0.0/28");  // 16 addresses
  // Free: .2-.9 and .11-.14 (network, .1 kubernetes, .10 DNS, .15 broadcast reserved).
  for (int i = 0; i < 12; ++i) dir.write(numbered("s", i, ".yaml"), service(numbered("svc-", i)));
  const auto result = dir.load(options);
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  std::set<std::string> seen;
  for (const auto& [name, ip] : cluster_ips(result)) {
    if (name == "default/kubernetes") {
      EXPECT_EQ(ip, "10.0.0.1");
      continue;
    }
    EXPECT_TRUE(seen.insert(ip).second) << ip << " given twice";
    EXPECT_NE(ip, "10.0.0.0");
    EXPECT_NE(ip, "10.0.0.10");
    EXPECT_NE(ip, "10.0.0.15");
  }
  EXPECT_EQ(seen.size(), 12u);
  dir.write("one-too-many.yaml", service("one-too-many"));
  const auto full = dir.load(options);
  ASSERT_TRUE(has_errors(full.diagnostics));
  EXPECT_NE(format_all(full.diagnostics).find("no free ClusterIP left"), std::string::npos);
}

TEST(ClusterIpAllocator, DnsIpIsReservedButAnExplicitServiceMayHoldIt) {
  ManifestDir dir;
  ClusterOptions options;
  options.service_cidr = *IpPrefix::parse("10.0.0.0/28");
  options.dns_ip = *IpAddress::parse("10.0.0.5");
  for (int i = 0; i < 11; ++i) dir.write(numbered("s", i, ".yaml"), service(numbered("svc-", i)));
  const auto result = dir.load(options);
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  for (const auto& [name, ip] : cluster_ips(result)) EXPECT_NE(ip, "10.0.0.5") << name;

  ManifestDir dns;
  dns.write("kube-dns.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: kube-dns\n"
            "  namespace: kube-system\nspec:\n  clusterIP: 10.96.0.10\n"
            "  ports:\n  - name: dns\n    port: 53\n    protocol: UDP\n");
  const auto with_dns = dns.load();
  ASSERT_FALSE(has_errors(with_dns.diagnostics)) << format_all(with_dns.diagnostics);
  EXPECT_EQ(cluster_ips(with_dns)["kube-system/kube-dns"], "10.96.0.10");
}

TEST(ClusterIpAllocator, ExplicitAddressesNeverMoveAndAllocationAvoidsThem) {
  ManifestDir dir;
  ClusterOptions options;
  options.service_cidr = *IpPrefix::parse("10.0.0.0/28");
  for (int i = 2; i <= 9; ++i) {
    dir.write(numbered("e", i, ".yaml"),
              service(numbered("explicit-", i), "  clusterIP: 10.0.0." + std::to_string(i) + "\n"));
  }
  dir.write("auto.yaml", service("auto"));
  const auto result = dir.load(options);
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  auto ips = cluster_ips(result);
  for (int i = 2; i <= 9; ++i)
    EXPECT_EQ(ips["default/explicit-" + std::to_string(i)], numbered("10.0.0.", i));
  const std::string allocated = ips["default/auto"];
  EXPECT_TRUE(allocated == "10.0.0.11" || allocated == "10.0.0.12" || allocated == "10.0.0.13" ||
              allocated == "10.0.0.14")
      << allocated;
  EXPECT_TRUE(result.state.find_service("default", "auto")->cluster_ip_allocated);
  EXPECT_FALSE(result.state.find_service("default", "explicit-2")->cluster_ip_allocated);
}

TEST(ClusterIpAllocator, TheSameExplicitAddressOnTwoServicesIsAnErrorNamingBoth) {
  ManifestDir dir;
  dir.write("a.yaml", service("a", "  clusterIP: 10.96.5.5\n"));
  dir.write("b.yaml", service("b", "  clusterIP: 10.96.5.5\n"));
  const auto result = dir.load();
  const std::string text = format_all(result.diagnostics);
  const std::string b = (dir.path() / "b.yaml").string();
  const std::string a = (dir.path() / "a.yaml").string();
  EXPECT_NE(text.find(b +
                      ":6:14: error: clusterIP 10.96.5.5 of Service default/b is already used "
                      "by Service default/a (" +
                      a + ":6:14)"),
            std::string::npos)
      << text;
  EXPECT_NE(result.state.find_service("default", "a"), nullptr);
  EXPECT_EQ(result.state.find_service("default", "b"), nullptr);
}

TEST(ClusterIpAllocator, ExplicitAddressOutsideTheServiceCidrIsAWarning) {
  ManifestDir dir;
  dir.write("a.yaml", service("a", "  clusterIP: 10.1.146.200\n"));
  const auto result = dir.load();
  EXPECT_FALSE(has_errors(result.diagnostics));
  EXPECT_NE(format_all(result.diagnostics)
                .find("warning: clusterIP 10.1.146.200 is outside "
                      "--service-cidr 10.96.0.0/12"),
            std::string::npos);
  EXPECT_EQ(cluster_ips(result)["default/a"], "10.1.146.200");
}

TEST(ClusterIpAllocator, SynthesizesDefaultKubernetesWithTheFirstAddress) {
  ManifestDir dir;
  dir.write("a.yaml", service("a"));
  const auto result = dir.load();
  const Service* kubernetes = result.state.find_service("default", "kubernetes");
  ASSERT_NE(kubernetes, nullptr);
  EXPECT_TRUE(kubernetes->synthesized);
  ASSERT_EQ(kubernetes->cluster_ips.size(), 1u);
  EXPECT_EQ(kubernetes->cluster_ips[0].to_string(), "10.96.0.1");
  ASSERT_EQ(kubernetes->ports.size(), 1u);
  EXPECT_EQ(kubernetes->ports[0].name, "https");
  EXPECT_EQ(kubernetes->ports[0].port, 443);
  EXPECT_EQ(kubernetes->ports[0].target_port, 6443);
  EXPECT_FALSE(kubernetes->selector.has_value());

  ManifestDir own;
  own.write("k.yaml", service("kubernetes", "  clusterIP: 10.96.0.1\n"));
  const auto given = own.load();
  ASSERT_NE(given.state.find_service("default", "kubernetes"), nullptr);
  EXPECT_FALSE(given.state.find_service("default", "kubernetes")->synthesized);
}

TEST(ClusterIpAllocator, AllocatesFromAnIPv6ServiceCidr) {
  ManifestDir dir;
  ClusterOptions options;
  options.service_cidr = *IpPrefix::parse("fd00:96::/108");
  dir.write("a.yaml", service("a"));
  const auto result = dir.load(options);
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  const auto ips = cluster_ips(result);
  EXPECT_EQ(ips.at("default/kubernetes"), "fd00:96::1");
  EXPECT_TRUE(options.service_cidr.contains(*IpAddress::parse(ips.at("default/a"))));
  EXPECT_EQ(result.state.find_service("default", "a")->ip_families,
            IpFamilies{IpFamily::kIPv6});
}

}  // namespace
}  // namespace clusterdns::registry
