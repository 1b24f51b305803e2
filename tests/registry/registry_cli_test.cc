// check, get and describe on the seed story (examples/), run as the real binary.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/registry/manifest_dir.h"
#include "tests/support/process.h"

namespace clusterdns {
namespace {

using testing::clusterdns_binary;
using testing::ManifestDir;
using testing::run_process;
using testing::source_dir;

std::string examples() {
  return source_dir() + "/examples";
}

testing::ProcessOutput clusterdns(std::vector<std::string> args) {
  args.insert(args.begin(), clusterdns_binary());
  return run_process(args);
}

std::string read(const std::filesystem::path& path) {
  std::ifstream stream(path);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

// A copy of examples/ where pod 6twzl was deleted and its replacement gcqcd created.
void replace_pod(const std::filesystem::path& dir) {
  const auto old_file = dir / "pods" / "sampledns-77c56c9fb9-6twzl.yaml";
  std::string text = read(old_file);
  for (auto [from, to] :
       {std::pair<std::string, std::string>{"6twzl", "gcqcd"}, {"10.244.2.205", "10.244.2.206"}}) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
      text.replace(at, from.size(), to);
    }
  }
  std::filesystem::remove(old_file);
  std::ofstream(dir / "pods" / "sampledns-77c56c9fb9-gcqcd.yaml") << text;
}

TEST(SeedStory, DescribeEndpointsShowsTheThreePodsAndThreePorts) {
  auto result = clusterdns({"describe", "endpoints", "dnsservices", "--manifests", examples()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "Name:         dnsservices\n"
            "Namespace:    default\n"
            "Labels:       <none>\n"
            "Annotations:  <none>\n"
            "Subsets:\n"
            "  Addresses:          10.244.1.194,10.244.1.195,10.244.2.205\n"
            "  NotReadyAddresses:  <none>\n"
            "  Ports:\n"
            "    Name    Port  Protocol\n"
            "    ----    ----  --------\n"
            "    tcpdns  53    TCP\n"
            "    udpdns  53    UDP\n"
            "    web     5001  TCP\n"
            "\n"
            "Events:  <none>\n");
}

TEST(SeedStory, GetEndpointsShowsThreeAddressesAndSixMore) {
  auto result = clusterdns({"get", "endpoints", "dnsservices", "--manifests", examples()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "NAME          ENDPOINTS                                                     AGE\n"
            "dnsservices   10.244.1.194:53,10.244.1.195:53,10.244.2.205:53 + 6 more...   "
            "<unknown>\n");
}

TEST(SeedStory, ReplacingAPodFileUpdatesTheEndpoints) {
  ManifestDir copy;
  std::filesystem::copy(examples(), copy.path(), std::filesystem::copy_options::recursive);
  replace_pod(copy.path());
  auto result =
      clusterdns({"describe", "endpoints", "dnsservices", "--manifests", copy.path().string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("  Addresses:          10.244.1.194,10.244.1.195,10.244.2.206\n"),
            std::string::npos)
      << result.out;
  auto pods = clusterdns({"get", "pods", "-o", "wide", "--manifests", copy.path().string()});
  EXPECT_NE(pods.out.find("sampledns-77c56c9fb9-gcqcd   1/1     Running   0          <unknown>   "
                          "10.244.2.206   node2"),
            std::string::npos)
      << pods.out;
  EXPECT_EQ(pods.out.find("6twzl"), std::string::npos);
}

TEST(SeedStory, GetServicesWideMatchesKubectl) {
  auto result =
      clusterdns({"get", "services", "dnsservices", "-o", "wide", "--manifests", examples()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(
      result.out,
      "NAME          TYPE       CLUSTER-IP     EXTERNAL-IP   PORT(S)                         "
      "    AGE         SELECTOR\n"
      "dnsservices   NodePort   10.1.146.200   <none>        53:53/TCP,53:53/UDP,5001:5001/TCP"
      "   <unknown>   app=dns\n");
}

TEST(SeedStory, GetPodsWideMatchesKubectl) {
  auto result = clusterdns({"get", "pods", "-o", "wide", "--manifests", examples()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "NAME                         READY   STATUS    RESTARTS   AGE         IP             "
            "NODE    NOMINATED NODE   READINESS GATES\n"
            "sampledns-77c56c9fb9-6twzl   1/1     Running   0          <unknown>   10.244.2.205   "
            "node2   <none>           <none>\n"
            "sampledns-77c56c9fb9-g97jw   1/1     Running   0          <unknown>   10.244.1.195   "
            "node1   <none>           <none>\n"
            "sampledns-77c56c9fb9-l7j5x   1/1     Running   0          <unknown>   10.244.1.194   "
            "node1   <none>           <none>\n");
}

TEST(SeedStory, CheckAcceptsTheExamplesWithWarnings) {
  auto result = clusterdns({"check", "--manifests", examples() + "/"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("service.yaml:22:15: warning: spec.ports[1].nodePort 53 is outside"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("error:"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("6 objects, 0 errors, 3 warnings"), std::string::npos) << result.out;
}

TEST(SeedStory, HeadlessTwinListsTheSamePods) {
  auto result = clusterdns({"get", "services", "dnsservices-headless", "--manifests", examples()});
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("dnsservices-headless   ClusterIP   None"), std::string::npos)
      << result.out;
  auto endpoints =
      clusterdns({"describe", "endpoints", "dnsservices-headless", "--manifests", examples()});
  EXPECT_NE(endpoints.out.find("10.244.1.194,10.244.1.195,10.244.2.205"), std::string::npos);
  EXPECT_NE(endpoints.out.find("service.kubernetes.io/headless="), std::string::npos);
}

TEST(GetCommand, UnknownNameIsNotFoundWithExitOne) {
  auto result = clusterdns({"get", "services", "nope", "--manifests", examples()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("Error from server (NotFound): services \"nope\" not found"),
            std::string::npos)
      << result.err;
  auto describe = clusterdns({"describe", "endpoints", "nope", "--manifests", examples()});
  EXPECT_EQ(describe.exit_code, 1);
  EXPECT_NE(describe.err.find("endpoints \"nope\" not found"), std::string::npos);
}

TEST(GetCommand, AllNamespacesAddsANamespaceColumnAndNamespaceFilters) {
  ManifestDir dir;
  dir.write("a.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: team\n"
            "spec:\n  clusterIP: 10.96.7.7\n  ports:\n  - port: 80\n");
  auto all = clusterdns({"get", "svc", "-A", "--manifests", dir.path().string()});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out.rfind("NAMESPACE   NAME         TYPE", 0), 0u) << all.out;
  EXPECT_NE(all.out.find("team        a            ClusterIP   10.96.7.7"), std::string::npos)
      << all.out;
  auto team = clusterdns({"get", "svc", "-n", "team", "--manifests", dir.path().string()});
  EXPECT_NE(team.out.find("a      ClusterIP   10.96.7.7    <none>        80/TCP"),
            std::string::npos)
      << team.out;
  auto empty = clusterdns({"get", "pods", "-n", "team", "--manifests", dir.path().string()});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_EQ(empty.err, "No resources found in team namespace.\n");
}

TEST(GetCommand, YamlOutputIsKubernetesYamlThatLoadsBack) {
  auto result = clusterdns({"get", "endpoints", "-o", "yaml", "--manifests", examples()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  YAML::Node list = YAML::Load(result.out);
  EXPECT_EQ(list["kind"].as<std::string>(), "List");
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][0]["metadata"]["name"].as<std::string>(), "dnsservices");
  EXPECT_EQ(list["items"][0]["subsets"][0]["addresses"].size(), 3u);

  ManifestDir dir;
  auto services =
      clusterdns({"get", "services", "dnsservices", "-o", "yaml", "--manifests", examples()});
  dir.write("svc.yaml", services.out);
  auto pods = clusterdns({"get", "pods", "-o", "yaml", "--manifests", examples()});
  dir.write("pods.yaml", pods.out);
  auto again =
      clusterdns({"describe", "endpoints", "dnsservices", "--manifests", dir.path().string()});
  EXPECT_NE(again.out.find("10.244.1.194,10.244.1.195,10.244.2.205"), std::string::npos)
      << again.out << again.err;
}

TEST(GetCommand, UsageErrorsExitTwo) {
  EXPECT_EQ(clusterdns({"get", "pods"}).exit_code, 2);
  EXPECT_EQ(clusterdns({"get", "--manifests", examples()}).exit_code, 2);
  EXPECT_EQ(clusterdns({"get", "nodes", "--manifests", examples()}).exit_code, 2);
  EXPECT_EQ(clusterdns({"get", "pods", "-o", "json", "--manifests", examples()}).exit_code, 2);
  EXPECT_EQ(clusterdns({"check"}).exit_code, 2);
  EXPECT_EQ(clusterdns({"check", "--manifests", examples(), "--bogus"}).exit_code, 2);
  EXPECT_EQ(clusterdns({"describe", "pods", "x", "--manifests", examples()}).exit_code, 2);
}

TEST(CheckCommand, MissingDirectoryIsAnInputError) {
  auto result = clusterdns({"check", "--manifests", "/nonexistent/clusterdns"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("/nonexistent/clusterdns: error: cannot read manifests directory"),
            std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace clusterdns
