// clusterdns as a pod's resolver: c-ares configured like a pod's resolv.conf
// (search default.svc.cluster.local svc.cluster.local cluster.local, ndots:5) resolves
// the names the Kubernetes DNS conformance tests ask. Also the --pods modes.

#include <ares.h>
#include <gtest/gtest.h>

#include "tests/integration/sample_cluster.h"
#include "tests/support/dns_client.h"
#include "tests/integration/suite_server.h"
#include "tests/support/server_process.h"

namespace clusterdns::testing {
namespace {

using Lines = std::vector<std::string>;

AresOptions pod_resolver(uint16_t port, const std::string& pod_namespace) {
  AresOptions options;
  options.port = port;
  options.search = {pod_namespace + ".svc.cluster.local", "svc.cluster.local", "cluster.local"};
  options.ndots = 5;
  options.use_search = true;
  return options;
}

class PodResolver : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { suite_.start(write_sample_cluster); }
  static void TearDownTestSuite() { suite_.stop(); }
  static Lines resolve(const std::string& name, const std::string& pod_namespace = "default",
                       uint16_t type = 1) {
    return ares_addresses(ares_lookup(name, type, pod_resolver(suite_.port(), pod_namespace)),
                          type);
  }
  static SuiteServer suite_;
};
SuiteServer PodResolver::suite_;

TEST_F(PodResolver, ResolvesTheKubernetesServiceByEveryConformanceName) {
  for (const char* name : {"kubernetes", "kubernetes.default", "kubernetes.default.svc",
                           "kubernetes.default.svc.cluster.local"}) {
    EXPECT_EQ(resolve(name), Lines{"10.96.0.1"}) << name;
  }
}

TEST_F(PodResolver, ResolvesServicesOfItsOwnAndOtherNamespaces) {
  EXPECT_EQ(resolve("frontend", "web"), Lines{"10.96.1.10"});
  EXPECT_EQ(resolve("frontend.web"), Lines{"10.96.1.10"});
  EXPECT_EQ(resolve("frontend.web.svc"), Lines{"10.96.1.10"});
  EXPECT_TRUE(resolve("frontend", "default").empty()) << "frontend lives in web, not default";
}

TEST_F(PodResolver, ResolvesHostnameSubdomainPodsAndPodNames) {
  EXPECT_EQ(resolve("db-0.db", "web"), Lines{"10.244.2.10"});
  EXPECT_EQ(resolve("db-0.db.web.svc.cluster.local"), Lines{"10.244.2.10"});
  EXPECT_EQ(resolve("10-244-1-10.web.pod.cluster.local"), Lines{"10.244.1.10"});
}

TEST_F(PodResolver, ResolvesSrvOfANamedPort) {
  AresOptions options = pod_resolver(suite_.port(), "web");
  auto result = ares_lookup("_http._tcp.frontend.web.svc.cluster.local", 33, options);
  ASSERT_EQ(result.status, ARES_SUCCESS);
  ares_srv_reply* srv = nullptr;
  ASSERT_EQ(ares_parse_srv_reply(result.answer.data(), static_cast<int>(result.answer.size()), &srv),
            ARES_SUCCESS);
  ASSERT_NE(srv, nullptr);
  EXPECT_EQ(std::string(srv->host), "frontend.web.svc.cluster.local");
  EXPECT_EQ(srv->port, 80);
  EXPECT_EQ(srv->next, nullptr);
  ares_free_data(srv);
}

TEST(PodRecordModes, InsecureAnswersAnyWellFormedPodName) {
  TempDir dir;
  write_sample_cluster(dir);
  ServerProcess server(dir.str(), {"--pods", "insecure"});
  ASSERT_TRUE(server.started()) << server.log();
  EXPECT_EQ(dig_short(server.port(), {"A", "10-1-2-3.web.pod.cluster.local"}), Lines{"10.1.2.3"});
  EXPECT_EQ(parse_header(*udp_exchange(server.port(), make_query("10-1-2.web.pod.cluster.local", 1)))
                .rcode,
            3)
      << "three octets is not an address";
  EXPECT_EQ(server.stop(), 0);
}

TEST(PodRecordModes, DisabledAnswersNoPodNames) {
  TempDir dir;
  write_sample_cluster(dir);
  ServerProcess server(dir.str(), {"--pods", "disabled"});
  ASSERT_TRUE(server.started()) << server.log();
  EXPECT_EQ(
      parse_header(*udp_exchange(server.port(), make_query("10-244-1-10.web.pod.cluster.local", 1)))
          .rcode,
      3);
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace clusterdns::testing
