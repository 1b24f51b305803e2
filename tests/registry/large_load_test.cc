// 100k objects in 20 multi-document files: the loader copes without trouble. The
// timing figures for 10k Services + 40k Pods are measured by hand with
// /usr/bin/time (see the registry report); this only guards against blow-ups.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "tests/registry/manifest_dir.h"

namespace clusterdns::registry {
namespace {

constexpr int kNamespaces = 20;
constexpr int kServicesPerNamespace = 1000;
constexpr int kPodsPerService = 4;  // 20 * 1000 * (1 + 4) = 100k objects

void write_namespace(const std::filesystem::path& file, int ns) {
  std::ofstream out(file);
  const std::string name = "ns-" + std::to_string(ns);
  out << "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " << name << "\n";
  for (int s = 0; s < kServicesPerNamespace; ++s) {
    const std::string app = "app-" + std::to_string(s);
    out << "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: " << app
        << "\n  namespace: " << name << "\nspec:\n"
        << (s % 4 == 0 ? "  clusterIP: None\n" : "") << "  selector:\n    app: " << app
        << "\n  ports:\n  - name: http\n    port: 80\n"
        << "    targetPort: http\n";
    for (int p = 0; p < kPodsPerService; ++p) {
      const int host = (s * kPodsPerService + p);
      out << "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " << app << "-" << p
          << "\n  namespace: " << name << "\n  labels:\n    app: " << app
          << "\nspec:\n  containers:\n  - name: main\n    ports:\n    - name: http\n"
          << "      containerPort: 8080\nstatus:\n  phase: Running\n  podIP: 10." << (100 + ns)
          << "." << host / 250 << "." << host % 250 + 1
          << "\n  conditions:\n  - type: Ready\n    status: \"True\"\n";
    }
  }
}

TEST(LargeInput, LoadsOneHundredThousandObjects) {
  testing::ManifestDir dir;
  for (int ns = 0; ns < kNamespaces; ++ns) {
    write_namespace(dir.path() / ("ns-" + std::to_string(ns) + ".yaml"), ns);
  }
  const auto start = std::chrono::steady_clock::now();
  const auto result = dir.load();
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(has_errors(result.diagnostics)) << testing::format_all(result.diagnostics);
  EXPECT_EQ(result.state.services.size(), kNamespaces * kServicesPerNamespace + 1u);
  EXPECT_EQ(result.state.pods.size(), kNamespaces * kServicesPerNamespace * kPodsPerService * 1u);
  EXPECT_EQ(result.state.endpoints.size(), kNamespaces * kServicesPerNamespace * 1u);
  const std::optional<Endpoints> endpoints = result.state.find_endpoints("ns-3", "app-17");
  ASSERT_TRUE(endpoints);
  ASSERT_EQ(endpoints->subsets.size(), 1u);
  EXPECT_EQ(endpoints->subsets[0].addresses.size(), static_cast<size_t>(kPodsPerService));
  std::printf("loaded 100k objects in %.2f s\n", seconds);
}

}  // namespace
}  // namespace clusterdns::registry
