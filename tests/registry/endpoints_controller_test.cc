// The endpoints controller's rules, each checked on real manifests in a temp dir.
#include "registry/endpoints_controller.h"

#include <gtest/gtest.h>

#include "tests/registry/manifest_dir.h"

namespace clusterdns::registry {
namespace {

using testing::format_all;
using testing::ManifestDir;

// A pod manifest's knobs, set by chained calls: PodSpec("a", "10.0.0.1").ready(false).
struct PodSpec {
  PodSpec(std::string name_value, std::string ip_value)
      : name(std::move(name_value)), ip(std::move(ip_value)) {}
  PodSpec& set_ready(bool value) { return ready = value, *this; }
  PodSpec& set_phase(std::string value) { return phase = std::move(value), *this; }
  PodSpec& set_terminating(bool value) { return terminating = value, *this; }
  PodSpec& set_extra_spec(std::string value) { return extra_spec = std::move(value), *this; }
  PodSpec& set_ports(std::string value) { return ports = std::move(value), *this; }
  PodSpec& set_labels(std::string value) { return labels = std::move(value), *this; }

  std::string name;
  std::string ip;  // "" for none; "a,b" for podIPs
  bool ready = true;
  std::string phase = "Running";
  bool terminating = false;
  std::string extra_spec;  // more lines under spec:
  std::string ports = "    - name: http\n      containerPort: 8080\n";
  std::string labels = "    app: web\n";
};

std::string pod_yaml(const PodSpec& pod) {
  std::string text =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + pod.name + "\n  labels:\n" + pod.labels;
  if (pod.terminating) text += "  deletionTimestamp: \"2024-01-01T00:00:00Z\"\n";
  text += "spec:\n" + pod.extra_spec + "  containers:\n  - name: main\n";
  if (!pod.ports.empty()) text += "    ports:\n" + pod.ports;
  text += "status:\n  phase: " + pod.phase + "\n";
  if (!pod.ip.empty()) {
    text += "  podIPs:\n";
    size_t start = 0;
    while (start <= pod.ip.size()) {
      size_t comma = pod.ip.find(',', start);
      if (comma == std::string::npos) comma = pod.ip.size();
      text += "  - ip: " + pod.ip.substr(start, comma - start) + "\n";
      start = comma + 1;
    }
  }
  text += std::string("  conditions:\n  - type: Ready\n    status: \"") +
          (pod.ready ? "True" : "False") + "\"\n";
  return text;
}

std::string service_yaml(const std::string& name, const std::string& extra_spec = "",
                         const std::string& ports =
                             "  - name: http\n    port: 80\n    "
                             "targetPort: 8080\n") {
  return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name +
         "\nspec:\n  selector:\n    app: web\n" + extra_spec + "  ports:\n" + ports;
}

std::vector<std::string> ips(const CompactVector<EndpointAddress>& addresses) {
  std::vector<std::string> out;
  for (const auto& address : addresses) out.push_back(address.ip.to_string());
  return out;
}

Endpoints endpoints_of(const LoadResult& result, const std::string& name) {
  const std::optional<Endpoints> endpoints = result.state.find_endpoints("default", name);
  if (!endpoints) throw std::runtime_error("no endpoints for " + name);
  return *endpoints;
}

using Strings = std::vector<std::string>;

TEST(EndpointsController, ReadyPodsAreAddressesAndUnreadyOnesNotReadyAddresses) {
  ManifestDir dir;
  dir.write("svc.yaml", service_yaml("web"));
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1")));
  dir.write("b.yaml", pod_yaml(PodSpec("b", "10.0.0.2").set_ready(false)));
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  const auto& endpoints = endpoints_of(result, "web");
  ASSERT_EQ(endpoints.subsets.size(), 1u);
  EXPECT_EQ(ips(endpoints.subsets[0].addresses), Strings{"10.0.0.1"});
  EXPECT_EQ(ips(endpoints.subsets[0].not_ready_addresses), Strings{"10.0.0.2"});
  ASSERT_EQ(endpoints.subsets[0].ports.size(), 1u);
  EXPECT_EQ(endpoints.subsets[0].ports[0].port, 8080);
  EXPECT_EQ(endpoints.subsets[0].ports[0].name, "http");
  EXPECT_EQ(endpoints.subsets[0].addresses[0].target_pod, "a");
}

TEST(EndpointsController, PublishNotReadyAddressesMakesEveryPodReadyIncludingTerminating) {
  ManifestDir dir;
  dir.write("svc.yaml", service_yaml("web", "  publishNotReadyAddresses: true\n"));
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1").set_ready(false)));
  dir.write("b.yaml", pod_yaml(PodSpec("b", "10.0.0.2").set_terminating(true)));
  const auto loaded = dir.load();
  const auto& endpoints = endpoints_of(loaded, "web");
  ASSERT_EQ(endpoints.subsets.size(), 1u);
  EXPECT_EQ(ips(endpoints.subsets[0].addresses), (Strings{"10.0.0.1", "10.0.0.2"}));
  EXPECT_TRUE(endpoints.subsets[0].not_ready_addresses.empty());
}

TEST(EndpointsController, TerminatingPodsAreLeftOutEntirely) {
  ManifestDir dir;
  dir.write("svc.yaml", service_yaml("web"));
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1")));
  dir.write("b.yaml", pod_yaml(PodSpec("b", "10.0.0.2").set_terminating(true)));
  dir.write("c.yaml", pod_yaml(PodSpec("c", "10.0.0.3").set_ready(false).set_terminating(true)));
  const auto loaded = dir.load();
  const auto& endpoints = endpoints_of(loaded, "web");
  ASSERT_EQ(endpoints.subsets.size(), 1u);
  EXPECT_EQ(ips(endpoints.subsets[0].addresses), Strings{"10.0.0.1"});
  EXPECT_TRUE(endpoints.subsets[0].not_ready_addresses.empty());
}

TEST(EndpointsController, SucceededFailedAndAddresslessPodsAreLeftOut) {
  ManifestDir dir;
  dir.write("svc.yaml", service_yaml("web"));
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1").set_phase("Succeeded")));
  dir.write("b.yaml", pod_yaml(PodSpec("b", "10.0.0.2").set_ready(false).set_phase("Failed")));
  dir.write("c.yaml", pod_yaml(PodSpec("c", "").set_phase("Pending")));
  dir.write("d.yaml", pod_yaml(PodSpec("d", "10.0.0.4")));
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  const auto& endpoints = endpoints_of(result, "web");
  ASSERT_EQ(endpoints.subsets.size(), 1u);
  EXPECT_EQ(ips(endpoints.subsets[0].addresses), Strings{"10.0.0.4"});
  EXPECT_TRUE(endpoints.subsets[0].not_ready_addresses.empty());
}

TEST(EndpointsController, PodsInOtherNamespacesOrWithOtherLabelsAreNotSelected) {
  ManifestDir dir;
  dir.write("svc.yaml", service_yaml("web"));
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1").set_labels("    app: db\n")));
  auto other = pod_yaml(PodSpec("b", "10.0.0.2"));
  other.replace(other.find("  labels:"), 0, "  namespace: other\n");
  dir.write("b.yaml", other);
  const auto loaded = dir.load();
  const auto& endpoints = endpoints_of(loaded, "web");
  EXPECT_TRUE(endpoints.subsets.empty());
}

TEST(EndpointsController, NamedTargetPortResolvesPerPodAndPodsLackingItFormTheirOwnSubset) {
  ManifestDir dir;
  dir.write("svc.yaml",
            service_yaml("web", "",
                         "  - name: http\n    port: 80\n    targetPort: http\n"
                         "  - name: metrics\n    port: 9090\n    targetPort: metrics\n"));
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1")
                                   .set_ports("    - name: http\n      containerPort: 8080\n"
                                              "    - name: metrics\n      containerPort: 9100\n")));
  dir.write(
      "b.yaml",
      pod_yaml(
          PodSpec("b", "10.0.0.2").set_ports("    - name: http\n      containerPort: 8081\n")));
  dir.write("c.yaml", pod_yaml(PodSpec("c", "10.0.0.3").set_ports("")));
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  const auto& endpoints = endpoints_of(result, "web");
  ASSERT_EQ(endpoints.subsets.size(), 2u);
  // Pod c has neither port: it is in no subset at all.
  const EndpointSubset* both = nullptr;
  const EndpointSubset* http_only = nullptr;
  for (const auto& subset : endpoints.subsets) {
    (subset.ports.size() == 2 ? both : http_only) = &subset;
  }
  ASSERT_NE(both, nullptr);
  ASSERT_NE(http_only, nullptr);
  EXPECT_EQ(ips(both->addresses), Strings{"10.0.0.1"});
  EXPECT_EQ(both->ports[0].port, 8080);
  EXPECT_EQ(both->ports[1].port, 9100);
  EXPECT_EQ(ips(http_only->addresses), Strings{"10.0.0.2"});
  ASSERT_EQ(http_only->ports.size(), 1u);
  EXPECT_EQ(http_only->ports[0].port, 8081);
  EXPECT_EQ(http_only->ports[0].name, "http");
}

TEST(EndpointsController, HostnameIsSetOnlyWhenTheSubdomainIsTheServiceName) {
  ManifestDir dir;
  dir.write("svc.yaml", service_yaml("web"));
  dir.write(
      "a.yaml",
      pod_yaml(PodSpec("a", "10.0.0.1").set_extra_spec("  hostname: alpha\n  subdomain: web\n")));
  dir.write(
      "b.yaml",
      pod_yaml(PodSpec("b", "10.0.0.2").set_extra_spec("  hostname: beta\n  subdomain: other\n")));
  const auto loaded = dir.load();
  const auto& endpoints = endpoints_of(loaded, "web");
  ASSERT_EQ(endpoints.subsets.size(), 1u);
  ASSERT_EQ(endpoints.subsets[0].addresses.size(), 2u);
  EXPECT_EQ(endpoints.subsets[0].addresses[0].hostname, "alpha");
  EXPECT_EQ(endpoints.subsets[0].addresses[1].hostname, "");
}

TEST(EndpointsController, AddressesAreSortedByIpTextLikeTheControllersRepack) {
  ManifestDir dir;
  dir.write("svc.yaml", service_yaml("web"));
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.5")));
  dir.write("b.yaml", pod_yaml(PodSpec("b", "10.0.0.10")));
  dir.write("c.yaml", pod_yaml(PodSpec("c", "10.0.0.1")));
  const auto loaded = dir.load();
  const auto& endpoints = endpoints_of(loaded, "web");
  ASSERT_EQ(endpoints.subsets.size(), 1u);
  // LessEndpointAddress compares the strings: "10.0.0.10" < "10.0.0.5".
  EXPECT_EQ(ips(endpoints.subsets[0].addresses), (Strings{"10.0.0.1", "10.0.0.10", "10.0.0.5"}));
}

TEST(EndpointsController, IPv6ServiceTakesTheIPv6AddressOfDualStackPods) {
  ManifestDir dir;
  dir.write("svc.yaml", service_yaml("web", "  clusterIP: fd00:96::20\n"));
  dir.write("both.yaml", service_yaml("both",
                                      "  ipFamilies: [IPv4, IPv6]\n  clusterIPs: "
                                      "[10.96.0.50, \"fd00:96::21\"]\n"));
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1,fd00::1")));
  dir.write("b.yaml", pod_yaml(PodSpec("b", "fd00::2")));
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  const auto& web = endpoints_of(result, "web");
  ASSERT_EQ(web.subsets.size(), 1u);
  EXPECT_EQ(ips(web.subsets[0].addresses), (Strings{"fd00::1", "fd00::2"}));
  const auto& both = endpoints_of(result, "both");
  ASSERT_EQ(both.subsets.size(), 1u);
  EXPECT_EQ(ips(both.subsets[0].addresses), (Strings{"10.0.0.1", "fd00::1", "fd00::2"}));
  const Service* service = result.state.find_service("default", "both");
  ASSERT_NE(service, nullptr);
  ASSERT_EQ(service->cluster_ips.size(), 2u);
  EXPECT_EQ(service->cluster_ips[1].to_string(), "fd00:96::21");
}

TEST(EndpointsController, SingleStackIPv4ServiceIgnoresTheIPv6AddressesOfPods) {
  ManifestDir dir;
  dir.write("svc.yaml", service_yaml("web"));
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1,fd00::1")));
  const auto loaded = dir.load();
  const auto& endpoints = endpoints_of(loaded, "web");
  ASSERT_EQ(endpoints.subsets.size(), 1u);
  EXPECT_EQ(ips(endpoints.subsets[0].addresses), Strings{"10.0.0.1"});
}

TEST(EndpointsController, EmptySelectorSelectsNoPods) {
  ManifestDir dir;
  dir.write("svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
            "  selector: {}\n  ports:\n  - port: 80\n");
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1")));
  const auto result = dir.load();
  EXPECT_FALSE(result.state.find_endpoints("default", "web").has_value());
}

TEST(EndpointsController, SelectorlessServiceUsesItsEndpointsObject) {
  ManifestDir dir;
  dir.write("svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n"
            "  ports:\n  - name: pg\n    port: 5432\n");
  dir.write("ep.yaml",
            "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: db\nsubsets:\n"
            "- addresses:\n  - ip: 192.168.1.10\n    hostname: primary\n"
            "  notReadyAddresses:\n  - ip: 192.168.1.11\n"
            "  ports:\n  - name: pg\n    port: 5432\n");
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  const auto& endpoints = endpoints_of(result, "db");
  ASSERT_EQ(endpoints.subsets.size(), 1u);
  EXPECT_EQ(ips(endpoints.subsets[0].addresses), Strings{"192.168.1.10"});
  EXPECT_EQ(endpoints.subsets[0].addresses[0].hostname, "primary");
  EXPECT_EQ(ips(endpoints.subsets[0].not_ready_addresses), Strings{"192.168.1.11"});
}

TEST(EndpointsController, SelectorlessServicePrefersItsEndpointSlices) {
  ManifestDir dir;
  dir.write("svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n"
            "  ports:\n  - name: pg\n    port: 5432\n");
  dir.write("ep.yaml",
            "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: db\nsubsets:\n"
            "- addresses:\n  - ip: 192.168.1.10\n  ports:\n  - port: 5432\n");
  dir.write("slice.yaml",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: db-abc\n"
            "  labels:\n    kubernetes.io/service-name: db\naddressType: IPv4\nendpoints:\n"
            "- addresses: [\"172.16.0.2\"]\n  hostname: two\n"
            "- addresses: [\"172.16.0.1\"]\n  conditions:\n    ready: true\n"
            "- addresses: [\"172.16.0.3\"]\n  conditions:\n    ready: false\n"
            "ports:\n- name: pg\n  port: 5433\n  protocol: TCP\n");
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  const auto& endpoints = endpoints_of(result, "db");
  ASSERT_EQ(endpoints.subsets.size(), 1u);
  EXPECT_EQ(ips(endpoints.subsets[0].addresses), (Strings{"172.16.0.1", "172.16.0.2"}));
  EXPECT_EQ(ips(endpoints.subsets[0].not_ready_addresses), Strings{"172.16.0.3"});
  EXPECT_EQ(endpoints.subsets[0].ports[0].port, 5433);
}

TEST(EndpointsController, ExternalNameServicesGetNoEndpoints) {
  ManifestDir dir;
  dir.write("svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: ext\nspec:\n"
            "  type: ExternalName\n  externalName: www.example.com\n");
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  EXPECT_FALSE(result.state.find_endpoints("default", "ext").has_value());
  const Service* service = result.state.find_service("default", "ext");
  ASSERT_NE(service, nullptr);
  EXPECT_TRUE(service->cluster_ips.empty());
}

TEST(EndpointsController, HeadlessServiceWithoutPortsStillListsAddresses) {
  ManifestDir dir;
  dir.write("svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
            "  clusterIP: None\n  selector:\n    app: web\n");
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1")));
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  const auto& endpoints = endpoints_of(result, "web");
  ASSERT_EQ(endpoints.subsets.size(), 1u);
  EXPECT_EQ(ips(endpoints.subsets[0].addresses), Strings{"10.0.0.1"});
  EXPECT_TRUE(endpoints.subsets[0].ports.empty());
}

// What keeps 50k derived Endpoints small (issue 8): they share their Service's names, and
// the Endpoints of one namespace with equal ports share one port list.
TEST(EndpointsController, DerivedEndpointsShareNamesAndEqualPorts) {
  ManifestDir dir;
  dir.write("web.yaml", service_yaml("web"));
  dir.write("api.yaml", service_yaml("api"));
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1")));
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  const auto& web = endpoints_of(result, "web");
  const auto& api = endpoints_of(result, "api");
  ASSERT_EQ(web.subsets.size(), 1u);
  ASSERT_EQ(api.subsets.size(), 1u);
  EXPECT_TRUE(web.subsets[0].ports.shares_with(api.subsets[0].ports));
  ASSERT_EQ(api.subsets[0].ports.size(), 1u);
  EXPECT_EQ(api.subsets[0].ports[0].port, 8080);
  const Service* service = result.state.find_service("default", "web");
  ASSERT_NE(service, nullptr);
  EXPECT_TRUE(web.name.shares_with(service->name));
  EXPECT_TRUE(web.namespace_name.shares_with(service->namespace_name));
}

std::vector<std::string> names(const SharedList<Endpoints>& list) {
  std::vector<std::string> out;
  for (const auto& endpoints : list) out.push_back(endpoints.name.str());
  return out;
}

// A Service whose selector picks no address has empty Endpoints, as kubectl shows them.
// The state does not keep those (issue 8: 24k of them at 50k objects), but finding and
// listing give them back, and re-deriving after a change leaves them out like a load.
TEST(EndpointsController, EmptyEndpointsOfASelectorAreFoundAndListedButNotKept) {
  ManifestDir dir;
  dir.write("api.yaml", service_yaml("api"));
  dir.write("idle.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: idle\nspec:\n"
            "  selector:\n    app: idle\n  ports:\n  - port: 80\n");
  dir.write("web.yaml", service_yaml("web"));
  dir.write("a.yaml", pod_yaml(PodSpec("a", "10.0.0.1")));
  const auto result = dir.load();
  ASSERT_FALSE(has_errors(result.diagnostics)) << format_all(result.diagnostics);
  EXPECT_EQ(names(result.state.endpoints), (Strings{"api", "web"}));
  EXPECT_EQ(names(result.state.listed_endpoints()), (Strings{"api", "idle", "web"}));

  const Service* idle = result.state.find_service("default", "idle");
  ASSERT_NE(idle, nullptr);
  const std::optional<Endpoints> found = result.state.find_endpoints("default", "idle");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->namespace_name, "default");
  EXPECT_EQ(found->name, "idle");
  EXPECT_TRUE(found->subsets.empty());
  EXPECT_EQ(found->where, idle->where);
  EXPECT_EQ(*found, result.state.listed_endpoints()[1]);

  // The only pod goes: every Service's Endpoints become empty, and none is kept.
  ClusterState state = result.state;
  EndpointsChange change;
  change.namespaces["default"].pod_labels.push_back(state.pods[0].labels);
  state.pods.clear();
  rederive_endpoints(state, change);
  EXPECT_TRUE(state.endpoints.empty());
  EXPECT_TRUE(state.endpoints == derive_all_endpoints(state));
  EXPECT_EQ(names(state.listed_endpoints()), (Strings{"api", "idle", "web"}));
  ASSERT_TRUE(state.find_endpoints("default", "web").has_value());
  EXPECT_TRUE(state.find_endpoints("default", "web")->subsets.empty());
}

}  // namespace
}  // namespace clusterdns::registry
