// Every row of DESIGN.md §1, asked over the wire from the real server.

#include <gtest/gtest.h>

#include "tests/integration/sample_cluster.h"
#include "tests/support/dns_client.h"
#include "tests/integration/suite_server.h"

namespace clusterdns::testing {
namespace {

using Lines = std::vector<std::string>;

constexpr uint16_t kA = 1, kPtr = 12, kAaaa = 28;

class RecordsServed : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { suite_.start(write_sample_cluster); }
  static void TearDownTestSuite() { suite_.stop(); }
  static Lines ask(const std::string& type, const std::string& name) {
    return dig_short(suite_.port(), {type, name});
  }
  static ResponseHeader header_of(const std::string& name, uint16_t type) {
    auto reply = udp_exchange(suite_.port(), make_query(name, type));
    EXPECT_TRUE(reply.has_value()) << name;
    return reply ? parse_header(*reply) : ResponseHeader{};
  }
  static std::string authority(const std::string& type, const std::string& name) {
    return dig(suite_.port(), {"+noall", "+authority", type, name});
  }
  static SuiteServer suite_;
};
SuiteServer RecordsServed::suite_;

TEST_F(RecordsServed, ZoneApexHasSoaAndNsAndTheDnsServiceAddress) {
  const Lines soa = ask("SOA", "cluster.local");
  ASSERT_EQ(soa.size(), 1u);
  EXPECT_EQ(soa[0].rfind("ns.dns.cluster.local. hostmaster.cluster.local. ", 0), 0u) << soa[0];
  EXPECT_NE(soa[0].find(" 7200 1800 86400 5"), std::string::npos) << soa[0];
  EXPECT_EQ(ask("NS", "cluster.local"), Lines{"ns.dns.cluster.local."});
  EXPECT_EQ(ask("A", "ns.dns.cluster.local"), Lines{"10.96.0.10"});
  EXPECT_EQ(ask("TXT", "dns-version.cluster.local"), Lines{"\"1.1.0\""});
}

TEST_F(RecordsServed, ClusterIpServiceAnswersItsAddressAndSrvPerNamedPort) {
  EXPECT_EQ(ask("A", "frontend.web.svc.cluster.local"), Lines{"10.96.1.10"});
  EXPECT_EQ(ask("SRV", "_http._tcp.frontend.web.svc.cluster.local"),
            Lines{"0 100 80 frontend.web.svc.cluster.local."});
  EXPECT_EQ(ask("SRV", "_dns._udp.frontend.web.svc.cluster.local"),
            Lines{"0 100 53 frontend.web.svc.cluster.local."});
  EXPECT_EQ(ask("SRV", "frontend.web.svc.cluster.local"),
            (Lines{"0 100 53 frontend.web.svc.cluster.local.",
                   "0 100 80 frontend.web.svc.cluster.local."}));
}

TEST_F(RecordsServed, EveryServiceNamesItsReadyEndpointsByDashedAddress) {
  EXPECT_EQ(ask("A", "10-244-1-10.frontend.web.svc.cluster.local"), Lines{"10.244.1.10"});
  EXPECT_EQ(header_of("10-244-1-12.frontend.web.svc.cluster.local", kA).rcode, 3)
      << "a not-ready endpoint has no name";
}

TEST_F(RecordsServed, HeadlessServiceAnswersEveryReadyEndpoint) {
  EXPECT_EQ(ask("A", "db.web.svc.cluster.local"), (Lines{"10.244.2.10", "10.244.2.11"}));
  EXPECT_EQ(ask("A", "db-0.db.web.svc.cluster.local"), Lines{"10.244.2.10"});
  EXPECT_EQ(ask("SRV", "_pg._tcp.db.web.svc.cluster.local"),
            (Lines{"0 50 5432 db-0.db.web.svc.cluster.local.",
                   "0 50 5432 db-1.db.web.svc.cluster.local."}));
  const std::string additional =
      dig(suite_.port(), {"+noall", "+additional", "SRV", "_pg._tcp.db.web.svc.cluster.local"});
  EXPECT_NE(additional.find("db-0.db.web.svc.cluster.local. 5 IN A 10.244.2.10"), std::string::npos)
      << additional;
  EXPECT_NE(additional.find("db-1.db.web.svc.cluster.local. 5 IN A 10.244.2.11"), std::string::npos)
      << additional;
}

TEST_F(RecordsServed, HeadlessServiceWithoutReadyEndpointsIsNxdomainWithSoa) {
  const ResponseHeader header = header_of("idle.web.svc.cluster.local", kA);
  EXPECT_EQ(header.rcode, 3);
  EXPECT_TRUE(header.aa);
  EXPECT_EQ(header.nscount, 1);
  EXPECT_NE(authority("A", "idle.web.svc.cluster.local").find("cluster.local. 5 IN SOA"),
            std::string::npos);
}

TEST_F(RecordsServed, PublishNotReadyAddressesServesNotReadyPods) {
  EXPECT_EQ(ask("A", "peers.web.svc.cluster.local"), Lines{"10.244.3.10"});
}

TEST_F(RecordsServed, DualStackServiceAnswersEachFamily) {
  EXPECT_EQ(ask("A", "dual.web.svc.cluster.local"), Lines{"10.96.1.20"});
  EXPECT_EQ(ask("AAAA", "dual.web.svc.cluster.local"), Lines{"fd00:10:96::20"});
}

TEST_F(RecordsServed, Ipv6EndpointsAreNamedFromTheCompressedForm) {
  EXPECT_EQ(ask("AAAA", "v6db.web.svc.cluster.local"), Lines{"fd00::1"});
  EXPECT_EQ(ask("AAAA", "fd00--1.v6db.web.svc.cluster.local"), Lines{"fd00::1"});
}

TEST_F(RecordsServed, ExternalNameIsACname) {
  EXPECT_EQ(ask("CNAME", "search.web.svc.cluster.local"), Lines{"www.example.com."});
  const ResponseHeader header = header_of("search.web.svc.cluster.local", kA);
  EXPECT_EQ(header.rcode, 0);
  EXPECT_EQ(header.ancount, 1) << "only the CNAME: no upstream to follow it";
}

TEST_F(RecordsServed, ExternalNameInsideTheZoneIsFollowedInPlace) {
  EXPECT_EQ(ask("A", "alias.web.svc.cluster.local"),
            (Lines{"10.96.1.10", "frontend.web.svc.cluster.local."}));
}

TEST_F(RecordsServed, PodNamesAnswerOnlyForExistingPodsByDefault) {
  EXPECT_EQ(ask("A", "10-244-1-10.web.pod.cluster.local"), Lines{"10.244.1.10"});
  EXPECT_EQ(header_of("10-1-2-3.web.pod.cluster.local", kA).rcode, 3);
}

TEST_F(RecordsServed, ReverseLookupsNameServicesAndEndpoints) {
  EXPECT_EQ(dig_short(suite_.port(), {"-x", "10.96.1.10"}),
            Lines{"frontend.web.svc.cluster.local."});
  EXPECT_EQ(dig_short(suite_.port(), {"-x", "10.244.2.10"}),
            Lines{"db-0.db.web.svc.cluster.local."});
  EXPECT_EQ(dig_short(suite_.port(), {"-x", "fd00:10:96::20"}),
            Lines{"dual.web.svc.cluster.local."});
  EXPECT_EQ(header_of("4.3.2.1.in-addr.arpa", kPtr).rcode, 3) << "no PTR, no upstream";
}

TEST_F(RecordsServed, EmptyNonTerminalsAreNodataWithSoa) {
  for (const char* name : {"svc.cluster.local", "web.svc.cluster.local", "quiet.svc.cluster.local",
                           "_tcp.frontend.web.svc.cluster.local"}) {
    const ResponseHeader header = header_of(name, kA);
    EXPECT_EQ(header.rcode, 0) << name;
    EXPECT_EQ(header.ancount, 0) << name;
    EXPECT_EQ(header.nscount, 1) << name;
    EXPECT_TRUE(header.aa) << name;
  }
}

TEST_F(RecordsServed, ExistingNameOfAnotherTypeIsNodata) {
  const ResponseHeader header = header_of("frontend.web.svc.cluster.local", kAaaa);
  EXPECT_EQ(header.rcode, 0);
  EXPECT_EQ(header.ancount, 0);
  EXPECT_EQ(header.nscount, 1);
}

TEST_F(RecordsServed, UnknownNamesUnderTheZoneAreNxdomain) {
  for (const char* name : {"nope.svc.cluster.local", "missing.web.svc.cluster.local",
                           "www.example.com.web.svc.cluster.local", "x.cluster.local"}) {
    const ResponseHeader header = header_of(name, kA);
    EXPECT_EQ(header.rcode, 3) << name;
    EXPECT_TRUE(header.aa) << name;
    EXPECT_EQ(header.nscount, 1) << name;
  }
}

TEST_F(RecordsServed, KubernetesServiceIsSynthesized) {
  EXPECT_EQ(ask("A", "kubernetes.default.svc.cluster.local"), Lines{"10.96.0.1"});
}

TEST_F(RecordsServed, NamesOutsideOurZonesAreRefusedWithoutUpstream) {
  const ResponseHeader header = header_of("www.example.com", kA);
  EXPECT_EQ(header.rcode, 5);
  EXPECT_FALSE(header.ra);
  EXPECT_FALSE(header.aa);
}

TEST_F(RecordsServed, NegativeSoaTtlIsTheMinimum) {
  const std::string text = authority("A", "missing.web.svc.cluster.local");
  EXPECT_NE(text.find("cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local."),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace clusterdns::testing
