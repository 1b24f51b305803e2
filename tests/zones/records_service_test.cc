// Zone apex, ClusterIP/NodePort/LoadBalancer and ExternalName Services, options and
// order of the record listing (DESIGN.md §1).

#include <gtest/gtest.h>

#include "tests/zones/records_test_support.h"

namespace clusterdns::zones::test {
namespace {

using registry::ClusterState;

TEST(ZoneApex, HasSoaNsNameServerAddressAndVersionTxt) {
  const auto lines = listing(ClusterState{});
  EXPECT_TRUE(
      contains(lines,
               "cluster.local.\t5\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. "
               "1 7200 1800 86400 5"));
  EXPECT_TRUE(contains(lines, "cluster.local.\t5\tIN\tNS\tns.dns.cluster.local."));
  EXPECT_TRUE(contains(lines, "ns.dns.cluster.local.\t5\tIN\tA\t10.96.0.10"));
  EXPECT_TRUE(contains(lines, "dns-version.cluster.local.\t5\tIN\tTXT\t\"1.1.0\""));
}

TEST(ZoneApex, ReverseZonesHaveTheirOwnSoaAndNs) {
  const auto lines = listing(ClusterState{});
  for (const std::string apex : {"in-addr.arpa.", "ip6.arpa."}) {
    EXPECT_TRUE(contains(lines, apex + "\t5\tIN\tSOA\tns.dns.cluster.local. "
                                       "hostmaster.cluster.local. 1 7200 1800 86400 5"));
    EXPECT_TRUE(contains(lines, apex + "\t5\tIN\tNS\tns.dns.cluster.local."));
  }
  EXPECT_EQ(lines.size(), 8u) << "3 SOA, 3 NS, ns.dns A, dns-version TXT";
}

TEST(ZoneApex, AnIpv6DnsAddressGivesAnAaaaRecord) {
  RecordOptions options = default_options();
  options.dns_ip = ip("fd00:10:96::a");
  const auto lines = listing(ClusterState{}, options);
  EXPECT_TRUE(contains(lines, "ns.dns.cluster.local.\t5\tIN\tAAAA\tfd00:10:96::a"));
  EXPECT_TRUE(lines_at(lines, "ns.dns.cluster.local.", "A").empty());
}

TEST(ZoneApex, SerialComesFromTheOptions) {
  RecordOptions options = default_options();
  options.serial = 2024061501;
  const auto soa = lines_at(listing(ClusterState{}, options), "cluster.local.", "SOA");
  ASSERT_EQ(soa.size(), 1u);
  EXPECT_NE(soa[0].find(" 2024061501 7200 "), std::string::npos) << soa[0];
}

TEST(ClusterIpService, AnswersItsClusterIp) {
  ClusterState state;
  state.services.push_back(cluster_ip_service("default", "web", {"10.96.0.20"}));
  const auto lines = listing(state);
  EXPECT_EQ(lines_owned_by(lines, "web.default.svc.cluster.local."),
            std::vector<std::string>{"web.default.svc.cluster.local.\t5\tIN\tA\t10.96.0.20"});
}

TEST(ClusterIpService, DualStackAnswersEachFamily) {
  ClusterState state;
  state.services.push_back(cluster_ip_service("prod", "api", {"10.96.3.4", "fd00:10:96::3:4"}));
  const auto lines = listing(state);
  EXPECT_TRUE(contains(lines, "api.prod.svc.cluster.local.\t5\tIN\tA\t10.96.3.4"));
  EXPECT_TRUE(contains(lines, "api.prod.svc.cluster.local.\t5\tIN\tAAAA\tfd00:10:96::3:4"));
}

TEST(ClusterIpService, NodePortAndLoadBalancerAnswerTheirClusterIpToo) {
  ClusterState state;
  state.services.push_back(cluster_ip_service("default", "lb", {"10.96.0.30"}));
  state.services.mutate_back().type = registry::ServiceType::kLoadBalancer;
  state.services.push_back(cluster_ip_service("default", "np", {"10.96.0.31"}));
  state.services.mutate_back().type = registry::ServiceType::kNodePort;
  const auto lines = listing(state);
  EXPECT_TRUE(contains(lines, "lb.default.svc.cluster.local.\t5\tIN\tA\t10.96.0.30"));
  EXPECT_TRUE(contains(lines, "np.default.svc.cluster.local.\t5\tIN\tA\t10.96.0.31"));
}

TEST(ExternalNameService, IsALowerCaseAbsoluteCnameAndNothingElse) {
  ClusterState state;
  registry::Service service;
  service.namespace_name = "default";
  service.name = "db";
  service.type = registry::ServiceType::kExternalName;
  service.external.mutate().name = "Database.Example.COM";
  service.ports = {port("sql", 5432)};
  state.services.push_back(service);
  state.endpoints.push_back(
      endpoints("default", "db", {{{address("10.244.0.9")}, {}, {endpoint_port("sql", 5432)}}}));
  const auto lines = listing(state);
  EXPECT_EQ(lines_owned_by(lines, "db.default.svc.cluster.local."),
            std::vector<std::string>{
                "db.default.svc.cluster.local.\t5\tIN\tCNAME\tdatabase.example.com."});
  EXPECT_TRUE(lines_owned_by(lines, "_sql._tcp.db.default.svc.cluster.local.").empty());
  EXPECT_TRUE(lines_owned_by(lines, "10-244-0-9.db.default.svc.cluster.local.").empty());
}

TEST(ExternalNameService, KeepsAnAlreadyAbsoluteTarget) {
  ClusterState state;
  registry::Service service;
  service.name = "ext";
  service.namespace_name = "default";
  service.type = registry::ServiceType::kExternalName;
  service.external.mutate().name = "web.other.svc.cluster.local.";
  state.services.push_back(service);
  EXPECT_TRUE(contains(listing(state),
                       "ext.default.svc.cluster.local.\t5\tIN\tCNAME\t"
                       "web.other.svc.cluster.local."));
}

TEST(RecordOptionsTtl, AppliesToEveryRecordAndTheSoaMinimum) {
  ClusterState state;
  state.services.push_back(
      cluster_ip_service("default", "web", {"10.96.0.20"}, {port("http", 80)}));
  state.pods.push_back(pod("default", "web-1", {"10.244.0.5"}));
  RecordOptions options = default_options();
  options.ttl = 300;
  const auto records = build_records(state, options);
  ASSERT_FALSE(records.empty());
  for (const auto& record : records) EXPECT_EQ(record.ttl, 300u) << to_master_file_line(record);
  EXPECT_TRUE(contains(listing(state, options),
                       "cluster.local.\t300\tIN\tSOA\tns.dns.cluster.local. "
                       "hostmaster.cluster.local. 1 7200 1800 86400 300"));
}

TEST(RecordOptionsDomain, ChangesEveryNameInTheClusterZone) {
  ClusterState state;
  state.services.push_back(cluster_ip_service("default", "web", {"10.96.0.20"}));
  RecordOptions options = default_options();
  options.domain = "k8s.example.org";
  const auto lines = listing(state, options);
  EXPECT_TRUE(contains(lines, "web.default.svc.k8s.example.org.\t5\tIN\tA\t10.96.0.20"));
  EXPECT_TRUE(contains(lines, "k8s.example.org.\t5\tIN\tNS\tns.dns.k8s.example.org."));
  EXPECT_TRUE(
      contains(lines, "20.0.96.10.in-addr.arpa.\t5\tIN\tPTR\tweb.default.svc.k8s.example.org."));
  for (const auto& line : lines) EXPECT_EQ(line.find("cluster.local"), std::string::npos) << line;
}

TEST(RecordOrder, IsCanonicalWithEachZoneApexFirst) {
  ClusterState state;
  state.services.push_back(cluster_ip_service("b", "web", {"10.96.0.2"}));
  state.services.push_back(cluster_ip_service("a", "zeta", {"10.96.0.1"}));
  const auto lines = listing(state);
  // arpa sorts before local; in-addr before ip6; an apex before its descendants.
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("in-addr.arpa.\t5\tIN\tNS", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("in-addr.arpa.\t5\tIN\tSOA", 0), 0u) << lines[1];
  const auto position = [&](const std::string& prefix) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].rfind(prefix, 0) == 0) return i;
    }
    return lines.size();
  };
  EXPECT_LT(position("ip6.arpa."), position("cluster.local."));
  EXPECT_LT(position("cluster.local."), position("dns-version.cluster.local."));
  // zeta.a.svc sorts before web.b.svc: the namespace label is compared first.
  EXPECT_LT(position("zeta.a.svc.cluster.local."), position("web.b.svc.cluster.local."));
}

TEST(RecordOrder, IsTheSameWhateverTheInputOrderAndDropsDuplicates) {
  ClusterState forward;
  forward.services.push_back(cluster_ip_service("default", "a", {"10.96.0.1"}));
  forward.services.push_back(cluster_ip_service("default", "b", {"10.96.0.2"}));
  ClusterState backward;
  backward.services = {forward.services[1], forward.services[0]};
  EXPECT_EQ(listing(forward), listing(backward));

  ClusterState duplicated = forward;
  duplicated.services.push_back(forward.services[0]);
  EXPECT_EQ(listing(duplicated), listing(forward));
}

TEST(CompareNames, FollowsRfc4034CanonicalOrder) {
  EXPECT_LT(compare_names("example.", "a.example."), 0);
  EXPECT_LT(compare_names("a.example.", "yljkjljk.a.example."), 0);
  EXPECT_LT(compare_names("z.a.example.", "b.example."), 0);
  EXPECT_LT(compare_names("Z.a.example.", "zABC.a.EXAMPLE."), 0);
  EXPECT_EQ(compare_names("A.Example.", "a.example."), 0);
  EXPECT_GT(compare_names("b.example.", "a.example."), 0);
}

}  // namespace
}  // namespace clusterdns::zones::test
