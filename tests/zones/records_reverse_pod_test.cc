// PTR records, pod records and the name helpers (DESIGN.md §1).

#include <gtest/gtest.h>

#include "tests/zones/records_test_support.h"
#include "zones/names.h"

namespace clusterdns::zones::test {
namespace {

using registry::ClusterState;

TEST(Names, DashedLabelsReplaceDotsAndColons) {
  EXPECT_EQ(dashed_ip_label(ip("10.244.1.7")), "10-244-1-7");
  EXPECT_EQ(dashed_ip_label(ip("fd00::1")), "fd00--1");
  EXPECT_EQ(dashed_ip_label(ip("FD00:0:0:0:0:0:0:1")), "fd00--1");
  EXPECT_EQ(dashed_ip_label(ip("2001:db8:1:2:3:4:5:6")), "2001-db8-1-2-3-4-5-6");
  // IPv4 text is written without inet_ntop: every octet width, zeros, the extremes.
  EXPECT_EQ(dashed_ip_label(ip("0.0.0.0")), "0-0-0-0");
  EXPECT_EQ(dashed_ip_label(ip("255.255.255.255")), "255-255-255-255");
  EXPECT_EQ(dashed_ip_label(ip("100.10.1.0")), "100-10-1-0");
  EXPECT_EQ(dashed_ip_label(ip("1.200.30.109")), "1-200-30-109");
}

TEST(Names, ReverseNamesAreOctetsOrNibblesBackwards) {
  EXPECT_EQ(reverse_name(ip("10.96.0.1")), "1.0.96.10.in-addr.arpa.");
  EXPECT_EQ(reverse_name(ip("0.0.0.0")), "0.0.0.0.in-addr.arpa.");
  EXPECT_EQ(reverse_name(ip("255.100.10.9")), "9.10.100.255.in-addr.arpa.");
  EXPECT_EQ(reverse_name(ip("2001:db8::567:89ab")),
            "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
}

TEST(ReverseRecords, PointClusterIpsAtServicesAndEndpointsAtEndpointNames) {
  ClusterState state;
  state.services.push_back(
      cluster_ip_service("default", "web", {"10.96.0.20"}, {port("http", 80)}));
  state.endpoints.push_back(endpoints(
      "default", "web",
      {{{address("10.244.0.7", "web-a")}, {address("10.244.0.8")}, {endpoint_port("http", 80)}}}));
  const auto lines = listing(state);
  EXPECT_TRUE(
      contains(lines, "20.0.96.10.in-addr.arpa.\t5\tIN\tPTR\tweb.default.svc.cluster.local."));
  EXPECT_TRUE(contains(
      lines, "7.0.244.10.in-addr.arpa.\t5\tIN\tPTR\tweb-a.web.default.svc.cluster.local."));
  EXPECT_TRUE(lines_owned_by(lines, "8.0.244.10.in-addr.arpa.").empty()) << "not ready";
}

TEST(ReverseRecords, Ipv6AddressesLiveInIp6ArpaAsNibbles) {
  ClusterState state;
  state.services.push_back(cluster_ip_service("default", "web", {"10.96.0.20", "fd00::14"}));
  state.services.push_back(headless_service("default", "db"));
  state.endpoints.push_back(endpoints("default", "db", {{{address("fd00::1")}, {}, {}}}));
  const auto lines = listing(state);
  EXPECT_TRUE(contains(lines,
                       "4.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f."
                       "ip6.arpa.\t5\tIN\tPTR\tweb.default.svc.cluster.local."));
  EXPECT_TRUE(contains(lines,
                       "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f."
                       "ip6.arpa.\t5\tIN\tPTR\tfd00--1.db.default.svc.cluster.local."));
}

TEST(ReverseRecords, TwoNamesForOneAddressKeepBothPtrs) {
  ClusterState state;
  state.services.push_back(headless_service("default", "a"));
  state.services.push_back(headless_service("default", "b"));
  state.endpoints.push_back(endpoints("default", "a", {{{address("10.244.0.7")}, {}, {}}}));
  state.endpoints.push_back(endpoints("default", "b", {{{address("10.244.0.7", "db")}, {}, {}}}));
  EXPECT_EQ(lines_at(listing(state), "7.0.244.10.in-addr.arpa.", "PTR"),
            (std::vector<std::string>{
                "7.0.244.10.in-addr.arpa.\t5\tIN\tPTR\t10-244-0-7.a.default.svc.cluster.local.",
                "7.0.244.10.in-addr.arpa.\t5\tIN\tPTR\tdb.b.default.svc.cluster.local.",
            }));
}

ClusterState pods() {
  ClusterState state;
  state.pods.push_back(pod("default", "web-1", {"10.244.0.5", "fd00::5"}));
  state.pods.push_back(pod("prod", "sim-0", {"10.250.0.1"}));
  state.pods.mutate_back().simulated = true;
  state.pods.push_back(pod("default", "going", {"10.244.0.6"}));
  state.pods.mutate_back().terminating = true;
  state.pods.push_back(pod("default", "pending", {}));
  return state;
}

TEST(PodRecords, VerifiedModeListsEachIpOfEachPod) {
  const auto lines = listing(pods());
  EXPECT_TRUE(contains(lines, "10-244-0-5.default.pod.cluster.local.\t5\tIN\tA\t10.244.0.5"));
  EXPECT_TRUE(contains(lines, "fd00--5.default.pod.cluster.local.\t5\tIN\tAAAA\tfd00::5"));
  EXPECT_TRUE(contains(lines, "10-250-0-1.prod.pod.cluster.local.\t5\tIN\tA\t10.250.0.1"));
  // CoreDNS ignores terminating pods.
  EXPECT_TRUE(lines_owned_by(lines, "10-244-0-6.default.pod.cluster.local.").empty());
  // Pod IPs get no PTR: reverse names belong to Services and endpoints.
  EXPECT_TRUE(lines_owned_by(lines, "5.0.244.10.in-addr.arpa.").empty());
}

TEST(PodRecords, InsecureAndDisabledModesListNone) {
  for (const PodRecords mode : {PodRecords::kInsecure, PodRecords::kDisabled}) {
    RecordOptions options = default_options();
    options.pods = mode;
    for (const auto& line : listing(pods(), options)) {
      EXPECT_EQ(line.find(".pod."), std::string::npos) << line;
    }
  }
}

}  // namespace
}  // namespace clusterdns::zones::test
