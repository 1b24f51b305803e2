// Headless Services, endpoint names and SRV records (DESIGN.md §1).

#include <gtest/gtest.h>

#include "tests/zones/records_test_support.h"

namespace clusterdns::zones::test {
namespace {

using registry::ClusterState;
using registry::EndpointSubset;
using registry::Protocol;

const std::string kDb = "db.default.svc.cluster.local.";

// db: headless, port "sql" 5432, three ready endpoints (one with a hostname) and one
// not ready.
ClusterState headless_db() {
  ClusterState state;
  state.services.push_back(headless_service("default", "db", {port("sql", 5432)}));
  EndpointSubset subset;
  subset.addresses = {address("10.244.1.3"), address("10.244.1.2", "db-0"), address("10.244.2.9")};
  subset.not_ready_addresses = {address("10.244.3.1")};
  subset.ports = {endpoint_port("sql", 5432)};
  state.endpoints.push_back(endpoints("default", "db", {subset}));
  return state;
}

TEST(HeadlessService, AnswersEveryReadyEndpoint) {
  const auto lines = listing(headless_db());
  EXPECT_EQ(lines_at(lines, kDb, "A"), (std::vector<std::string>{kDb + "\t5\tIN\tA\t10.244.1.2",
                                                                 kDb + "\t5\tIN\tA\t10.244.1.3",
                                                                 kDb + "\t5\tIN\tA\t10.244.2.9"}));
}

TEST(HeadlessService, WithoutReadyEndpointsHasNoRecordsAtAll) {
  ClusterState state;
  state.services.push_back(headless_service("default", "db", {port("sql", 5432)}));
  EndpointSubset subset;
  subset.not_ready_addresses = {address("10.244.3.1")};
  subset.ports = {endpoint_port("sql", 5432)};
  state.endpoints.push_back(endpoints("default", "db", {subset}));
  for (const auto& line : listing(state)) {
    EXPECT_EQ(line.find("db.default.svc"), std::string::npos) << line;
  }
}

TEST(HeadlessService, PublishNotReadyAddressesPublishesNotReadyEndpoints) {
  ClusterState state = headless_db();
  state.services.mutate(0).publish_not_ready_addresses = true;
  const auto lines = listing(state);
  EXPECT_TRUE(contains(lines, kDb + "\t5\tIN\tA\t10.244.3.1"));
  EXPECT_TRUE(contains(lines, "10-244-3-1." + kDb + "\t5\tIN\tA\t10.244.3.1"));
  EXPECT_EQ(lines_at(lines, "_sql._tcp." + kDb, "SRV").size(), 4u);
}

TEST(EndpointNames, UseTheHostnameElseTheDashedAddress) {
  const auto lines = listing(headless_db());
  EXPECT_TRUE(contains(lines, "db-0." + kDb + "\t5\tIN\tA\t10.244.1.2"));
  EXPECT_TRUE(contains(lines, "10-244-1-3." + kDb + "\t5\tIN\tA\t10.244.1.3"));
  EXPECT_TRUE(contains(lines, "10-244-2-9." + kDb + "\t5\tIN\tA\t10.244.2.9"));
  EXPECT_TRUE(lines_owned_by(lines, "10-244-3-1." + kDb).empty()) << "not ready";
  EXPECT_TRUE(lines_owned_by(lines, "10-244-1-2." + kDb).empty()) << "has a hostname";
}

TEST(EndpointNames, ExistForClusterIpServicesToo) {
  ClusterState state;
  state.services.push_back(
      cluster_ip_service("default", "web", {"10.96.0.20"}, {port("http", 80)}));
  state.endpoints.push_back(
      endpoints("default", "web", {{{address("10.244.0.7")}, {}, {endpoint_port("http", 8080)}}}));
  const auto lines = listing(state);
  EXPECT_TRUE(contains(lines, "10-244-0-7.web.default.svc.cluster.local.\t5\tIN\tA\t10.244.0.7"));
  // The service name itself still answers the ClusterIP only.
  EXPECT_EQ(lines_at(lines, "web.default.svc.cluster.local.", "A"),
            std::vector<std::string>{"web.default.svc.cluster.local.\t5\tIN\tA\t10.96.0.20"});
}

TEST(EndpointNames, Ipv6AddressesAreDashedFromTheirCompressedForm) {
  ClusterState state;
  state.services.push_back(headless_service("default", "v6", {port("http", 80)}));
  state.endpoints.push_back(endpoints(
      "default", "v6",
      {{{address("fd00::1"), address("fd00:0:0:0:0:0:a:1")}, {}, {endpoint_port("http", 80)}}}));
  const auto lines = listing(state);
  EXPECT_TRUE(contains(lines, "fd00--1.v6.default.svc.cluster.local.\t5\tIN\tAAAA\tfd00::1"));
  EXPECT_TRUE(contains(lines, "fd00--a-1.v6.default.svc.cluster.local.\t5\tIN\tAAAA\tfd00::a:1"));
  EXPECT_TRUE(contains(lines, "v6.default.svc.cluster.local.\t5\tIN\tAAAA\tfd00::1"));
}

TEST(ClusterIpSrv, HasOneRecordPerNamedPortPointingAtTheService) {
  ClusterState state;
  state.services.push_back(
      cluster_ip_service("default", "web", {"10.96.0.20"}, {port("http", 80), port("https", 443)}));
  const auto lines = listing(state);
  const std::string web = "web.default.svc.cluster.local.";
  EXPECT_EQ(lines_at(lines, "_http._tcp." + web, "SRV"),
            std::vector<std::string>{"_http._tcp." + web + "\t5\tIN\tSRV\t0 100 80 " + web});
  EXPECT_EQ(lines_at(lines, "_https._tcp." + web, "SRV"),
            std::vector<std::string>{"_https._tcp." + web + "\t5\tIN\tSRV\t0 100 443 " + web});
}

TEST(ClusterIpSrv, TheBareServiceNameCarriesEveryPortsRecord) {
  ClusterState state;
  state.services.push_back(
      cluster_ip_service("default", "web", {"10.96.0.20"}, {port("http", 80), port("https", 443)}));
  const std::string web = "web.default.svc.cluster.local.";
  EXPECT_EQ(lines_at(listing(state), web, "SRV"),
            (std::vector<std::string>{web + "\t5\tIN\tSRV\t0 100 80 " + web,
                                      web + "\t5\tIN\tSRV\t0 100 443 " + web}));
}

TEST(ClusterIpSrv, UnnamedPortsGetNone) {
  ClusterState state;
  state.services.push_back(cluster_ip_service("default", "web", {"10.96.0.20"}, {port("", 80)}));
  for (const auto& line : listing(state)) {
    EXPECT_EQ(line.find("\tSRV\t"), std::string::npos) << line;
  }
}

TEST(ClusterIpSrv, UdpAndSctpPortsUseTheirProtocolLabel) {
  ClusterState state;
  state.services.push_back(
      cluster_ip_service("kube-system", "kube-dns", {"10.96.0.10"},
                         {port("dns", 53, Protocol::kUdp), port("dns-tcp", 53, Protocol::kTcp),
                          port("sig", 2905, Protocol::kSctp)}));
  const auto lines = listing(state);
  const std::string dns = "kube-dns.kube-system.svc.cluster.local.";
  EXPECT_TRUE(contains(lines, "_dns._udp." + dns + "\t5\tIN\tSRV\t0 100 53 " + dns));
  EXPECT_TRUE(contains(lines, "_dns-tcp._tcp." + dns + "\t5\tIN\tSRV\t0 100 53 " + dns));
  EXPECT_TRUE(contains(lines, "_sig._sctp." + dns + "\t5\tIN\tSRV\t0 100 2905 " + dns));
  EXPECT_TRUE(lines_owned_by(lines, "_dns._tcp." + dns).empty());
  // Two ports with the same number make one record at the bare name.
  EXPECT_EQ(lines_at(lines, dns, "SRV").size(), 2u);
}

TEST(HeadlessSrv, HasOneRecordPerReadyEndpointWithWeightFloorOfHundredOverN) {
  const auto lines = listing(headless_db());
  const std::string owner = "_sql._tcp." + kDb;
  EXPECT_EQ(lines_at(lines, owner, "SRV"), (std::vector<std::string>{
                                               owner + "\t5\tIN\tSRV\t0 33 5432 10-244-1-3." + kDb,
                                               owner + "\t5\tIN\tSRV\t0 33 5432 10-244-2-9." + kDb,
                                               owner + "\t5\tIN\tSRV\t0 33 5432 db-0." + kDb,
                                           }));
}

TEST(HeadlessSrv, TheBareServiceNameCarriesTheSameRecords) {
  const auto lines = listing(headless_db());
  EXPECT_EQ(lines_at(lines, kDb, "SRV"), (std::vector<std::string>{
                                             kDb + "\t5\tIN\tSRV\t0 33 5432 10-244-1-3." + kDb,
                                             kDb + "\t5\tIN\tSRV\t0 33 5432 10-244-2-9." + kDb,
                                             kDb + "\t5\tIN\tSRV\t0 33 5432 db-0." + kDb,
                                         }));
}

TEST(HeadlessSrv, UsesTheEndpointPortAcrossSubsets) {
  ClusterState state;
  state.services.push_back(headless_service("default", "db", {port("sql", 5432)}));
  state.endpoints.push_back(endpoints(
      "default", "db",
      {{{address("10.244.1.2")}, {}, {endpoint_port("sql", 15432)}},
       {{address("10.244.1.3")}, {}, {endpoint_port("sql", 25432), endpoint_port("", 9)}}}));
  const auto lines = listing(state);
  const std::string owner = "_sql._tcp." + kDb;
  EXPECT_EQ(lines_at(lines, owner, "SRV"), (std::vector<std::string>{
                                               owner + "\t5\tIN\tSRV\t0 50 15432 10-244-1-2." + kDb,
                                               owner + "\t5\tIN\tSRV\t0 50 25432 10-244-1-3." + kDb,
                                           }));
}

TEST(HeadlessSrv, UnnamedPortsGetNone) {
  ClusterState state;
  state.services.push_back(headless_service("default", "db", {port("", 5432)}));
  state.endpoints.push_back(
      endpoints("default", "db", {{{address("10.244.1.2")}, {}, {endpoint_port("", 5432)}}}));
  const auto lines = listing(state);
  EXPECT_TRUE(contains(lines, kDb + "\t5\tIN\tA\t10.244.1.2"));
  for (const auto& line : lines) EXPECT_EQ(line.find("\tSRV\t"), std::string::npos) << line;
}

}  // namespace
}  // namespace clusterdns::zones::test
