// Loading a manifests directory: file discovery, document shapes, defaults, errors.
#include "registry/loader.h"

#include <gtest/gtest.h>

#include "tests/registry/manifest_dir.h"

namespace clusterdns::registry {
namespace {

using testing::format_all;
using testing::ManifestDir;

std::string service(const std::string& name, const std::string& ns = "default") {
  return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\nspec:\n  ports:\n  - port: 80\n";
}

std::vector<std::string> service_names(const LoadResult& result) {
  std::vector<std::string> names;
  for (const auto& svc : result.state.services) {
    if (!svc.synthesized) names.push_back(svc.namespace_name + "/" + svc.name);
  }
  return names;
}

using Strings = std::vector<std::string>;

TEST(Loader, ReadsYamlYmlAndJsonFilesRecursivelyAndNothingElse) {
  ManifestDir dir;
  dir.write("a.yaml", service("a"));
  dir.write("sub/deeper/b.yml", service("b"));
  dir.write("c.json", R"({"apiVersion": "v1", "kind": "Service",
  "metadata": {"name": "c"}, "spec": {"ports": [{"port": 80}]}})");
  dir.write("notes.txt", service("ignored"));
  dir.write("d.yaml.bak", service("ignored-too"));
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  EXPECT_EQ(service_names(result), (Strings{"default/a", "default/b", "default/c"}));
}

TEST(Loader, SkipsDotEntriesButFollowsSymlinksLikeAConfigMapVolume) {
  ManifestDir dir;
  // A ConfigMap volume: data in a timestamped dir, "..data" → it, files → "..data/<name>".
  dir.write("..2024_01_01_00_00_00.000/svc.yaml", service("from-configmap"));
  std::filesystem::create_directory_symlink("..2024_01_01_00_00_00.000", dir.path() / "..data");
  std::filesystem::create_symlink("..data/svc.yaml", dir.path() / "svc.yaml");
  dir.write(".hidden.yaml", service("hidden"));
  dir.write(".git/x.yaml", service("in-git"));
  dir.write("real/r.yaml", service("real"));
  std::filesystem::create_directory_symlink("real", dir.path() / "linked");
  std::filesystem::create_symlink("does-not-exist.yaml", dir.path() / "dangling.yaml");
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  // "linked" reaches the same directory as "real": its files load once.
  EXPECT_EQ(service_names(result), (Strings{"default/from-configmap", "default/real"}));
}

TEST(Loader, ReadsEveryDocumentOfAMultiDocumentFile) {
  ManifestDir dir;
  dir.write("all.yaml", "---\n" + service("a") + "---\n# a comment only\n---\n" + service("b") +
                            "...\n---\n" + service("c", "other"));
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  EXPECT_EQ(service_names(result), (Strings{"default/a", "default/b", "other/c"}));
}

TEST(Loader, ReadsTheItemsOfAList) {
  ManifestDir dir;
  dir.write("list.yaml",
            "apiVersion: v1\nkind: List\nitems:\n"
            "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n"
            "  spec:\n    ports:\n    - port: 80\n"
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n");
  dir.write("list.json", R"({"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b", "namespace": "x"},
   "spec": {"ports": [{"port": 443, "protocol": "TCP"}]}}]})");
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  EXPECT_EQ(service_names(result), (Strings{"default/a", "x/b"}));
  ASSERT_EQ(result.state.pods.size(), 1u);
  EXPECT_EQ(result.state.pods[0].name, "p");
}

TEST(Loader, AppliesTheApiServerDefaults) {
  ManifestDir dir;
  dir.write("svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
            "  ports:\n  - port: 8080\n");
  const auto result = dir.load();
  const Service* svc = result.state.find_service("default", "web");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ(svc->type, ServiceType::kClusterIP);
  ASSERT_EQ(svc->ports.size(), 1u);
  EXPECT_EQ(svc->ports[0].protocol, Protocol::kTcp);
  EXPECT_EQ(svc->ports[0].target_port, 8080);
  EXPECT_EQ(svc->namespace_name, "default");
  ASSERT_EQ(svc->cluster_ips.size(), 1u);
  EXPECT_TRUE(svc->cluster_ip_allocated);
}

TEST(Loader, OneBadObjectDoesNotHideTheOthers) {
  ManifestDir dir;
  dir.write("mixed.yaml", service("good-1") +
                              "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n"
                              "  ports:\n  - port: \"eighty\"\n---\n" +
                              service("good-2"));
  dir.write("broken.yaml", service("good-3") + "---\nkind: Service\nmetadata: [unclosed\n---\n" +
                               service("good-4"));
  const auto result = dir.load();
  EXPECT_EQ(service_names(result),
            (Strings{"default/good-1", "default/good-2", "default/good-3", "default/good-4"}));
  const std::string text = format_all(result.diagnostics);
  const std::string mixed = (dir.path() / "mixed.yaml").string();
  EXPECT_NE(text.find(mixed + ":16:11: error: spec.ports[0].port must be an integer between 1 "
                              "and 65535, not \"eighty\""),
            std::string::npos)
      << text;
  const std::string broken = (dir.path() / "broken.yaml").string();
  // yaml-cpp notices the unclosed "[" where the document ends, before the next "---".
  EXPECT_NE(text.find(broken + ":12:1: error: invalid YAML: end of sequence flow not found"),
            std::string::npos)
      << text;
}

TEST(Loader, DuplicateObjectsAcrossFilesAreReportedAtBothPlaces) {
  ManifestDir dir;
  dir.write("a.yaml", service("web"));
  dir.write("b.yaml", "# the same Service again\n" + service("web"));
  const auto result = dir.load();
  const std::string text = format_all(result.diagnostics);
  const std::string a = (dir.path() / "a.yaml").string();
  const std::string b = (dir.path() / "b.yaml").string();
  EXPECT_NE(
      text.find(b + ":2:1: error: duplicate Service default/web (first defined at " + a + ":1:1)"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(a + ":1:1: note: Service default/web first defined here"), std::string::npos)
      << text;
  EXPECT_EQ(service_names(result), Strings{"default/web"});
}

TEST(Loader, OtherKindsAreIgnoredWithANoteNeverAnError) {
  ManifestDir dir;
  dir.write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: b\n");
  const auto result = dir.load();
  EXPECT_FALSE(has_errors(result.diagnostics));
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].severity, Diagnostic::Severity::kNote);
}

TEST(Loader, ParseAndAssembleAreSeparateSteps) {
  auto a = parse_manifest_text("a.yaml", service("a"));
  auto b = parse_manifest_text("b.yaml", service("b") + "---\n" + service("c"));
  EXPECT_EQ(a.services.size(), 1u);
  EXPECT_EQ(b.services.size(), 2u);
  std::vector<FileObjects> files;
  files.push_back(std::move(b));
  files.push_back(std::move(a));
  const auto result = assemble_cluster(std::move(files), {});
  EXPECT_EQ(result.state.files, (Strings{"a.yaml", "b.yaml"}));
  const Service* c = result.state.find_service("default", "c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->where.file, 1u);
  EXPECT_EQ(c->where.line, 10u);
  EXPECT_EQ(c->where.column, 1u);
}

TEST(Loader, MissingDirectoryIsAnError) {
  const auto result = load_manifests("/nonexistent/clusterdns/manifests", {});
  EXPECT_TRUE(has_errors(result.diagnostics));
}

TEST(Loader, NamespacesExistWhenNamedOrUsed) {
  ManifestDir dir;
  dir.write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: empty\n");
  dir.write("svc.yaml", service("a", "used"));
  const auto result = dir.load();
  EXPECT_TRUE(result.state.namespace_exists("empty"));
  EXPECT_TRUE(result.state.namespace_exists("used"));
  EXPECT_TRUE(result.state.namespace_exists("default"));
  EXPECT_FALSE(result.state.namespace_exists("nope"));
}

TEST(Loader, PodFieldsAreRead) {
  ManifestDir dir;
  dir.write("pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    a: b\n"
            "spec:\n  hostname: h\n  subdomain: s\n  nodeName: n1\n  containers:\n"
            "  - name: c\n    ports:\n    - name: dns\n      containerPort: 53\n"
            "      protocol: UDP\nstatus:\n  phase: Running\n  podIP: 10.1.2.3\n"
            "  conditions:\n  - type: Ready\n    status: \"True\"\n"
            "  containerStatuses:\n  - ready: true\n    restartCount: 2\n");
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  ASSERT_EQ(result.state.pods.size(), 1u);
  const Pod& pod = result.state.pods[0];
  EXPECT_EQ(pod.labels.at("a"), "b");
  EXPECT_EQ(pod.details->hostname, "h");
  EXPECT_EQ(pod.details->subdomain, "s");
  EXPECT_EQ(pod.node_name, "n1");
  EXPECT_EQ(pod.ips.at(0).to_string(), "10.1.2.3");
  EXPECT_EQ(pod.phase, PodPhase::kRunning);
  EXPECT_TRUE(pod.ready);
  ASSERT_EQ(pod.details->ports.size(), 1u);
  EXPECT_EQ(pod.details->ports[0].protocol, Protocol::kUdp);
  EXPECT_EQ(pod.details->restarts, 2);
  EXPECT_EQ(pod.details->ready_containers, 1);
}

}  // namespace
}  // namespace clusterdns::registry
