// Every row of DESIGN.md §1's answer table, asked through the responder with real
// query packets and checked by parsing the response.

#include <gtest/gtest.h>

#include "tests/zones/responder_test_util.h"

namespace clusterdns::zones::testing {
namespace {

using dns::RRType;

constexpr uint16_t kA = 1, kNS = 2, kCNAME = 5, kSOA = 6, kPTR = 12, kTXT = 16, kAAAA = 28,
                   kSRV = 33, kANY = 255;

std::vector<Record> cluster_records() {
  std::vector<Record> records = apex_records();
  // ClusterIP, dual-stack, one named port.
  records.push_back(address("web.default.svc.cluster.local.", "10.96.1.1"));
  records.push_back(address("web.default.svc.cluster.local.", "fd00::1"));
  records.push_back(
      srv("_http._tcp.web.default.svc.cluster.local.", 100, 80, "web.default.svc.cluster.local."));
  records.push_back(
      srv("web.default.svc.cluster.local.", 100, 80, "web.default.svc.cluster.local."));
  // Headless with two ready endpoints, one with a hostname.
  records.push_back(address("db.default.svc.cluster.local.", "10.244.1.1"));
  records.push_back(address("db.default.svc.cluster.local.", "10.244.1.2"));
  records.push_back(address("db-0.db.default.svc.cluster.local.", "10.244.1.1"));
  records.push_back(address("10-244-1-2.db.default.svc.cluster.local.", "10.244.1.2"));
  records.push_back(srv("_pg._tcp.db.default.svc.cluster.local.", 50, 5432,
                        "db-0.db.default.svc.cluster.local."));
  records.push_back(srv("_pg._tcp.db.default.svc.cluster.local.", 50, 5432,
                        "10-244-1-2.db.default.svc.cluster.local."));
  // Reverse records.
  records.push_back(name_record("1.1.96.10.in-addr.arpa.", kPTR, "web.default.svc.cluster.local."));
  records.push_back(
      name_record("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.", kPTR,
                  "web.default.svc.cluster.local."));
  // ExternalName: outside and inside our zone (a chain of two).
  records.push_back(name_record("ext.default.svc.cluster.local.", kCNAME, "example.com."));
  records.push_back(
      name_record("alias.default.svc.cluster.local.", kCNAME, "hop.default.svc.cluster.local."));
  records.push_back(
      name_record("hop.default.svc.cluster.local.", kCNAME, "web.default.svc.cluster.local."));
  // A verified pod.
  records.push_back(address("10-244-1-1.default.pod.cluster.local.", "10.244.1.1"));
  return records;
}

class Answers : public ::testing::Test {
 protected:
  Answers() : records_(cluster_records()) {
    snapshot_ = build_snapshot(records_, RecordOptions{}, {"default", "kube-system", "empty"});
  }
  dns::Message ask(const std::string& name, uint16_t type) {
    return testing::ask(*snapshot_, name, type);
  }
  std::vector<Record> records_;
  std::unique_ptr<const Snapshot> snapshot_;
};

void expect_authoritative(const dns::Message& message, uint16_t expected_rcode) {
  EXPECT_TRUE(message.header.has(dns::kFlagQR));
  EXPECT_TRUE(message.header.has(dns::kFlagAA));
  EXPECT_FALSE(message.header.has(dns::kFlagRA));
  EXPECT_FALSE(message.header.has(dns::kFlagTC));
  EXPECT_EQ(rcode(message), expected_rcode);
}

void expect_negative_soa(const dns::Message& message, const char* apex, uint32_t ttl) {
  EXPECT_TRUE(message.answers.empty());
  ASSERT_EQ(message.authority.size(), 1u);
  EXPECT_EQ(message.authority[0].type, RRType::kSOA);
  EXPECT_EQ(text(message.authority[0].owner), apex);
  EXPECT_EQ(message.authority[0].ttl, ttl);
}

TEST_F(Answers, DnsVersionIsTheSpecVersion) {
  const auto message = ask("dns-version.cluster.local", kTXT);
  expect_authoritative(message, 0);
  EXPECT_EQ(rdata_texts(message.answers), std::vector<std::string>{"\"1.1.0\""});
}

TEST_F(Answers, ZoneApexAnswersSoa) {
  const auto message = ask("cluster.local", kSOA);
  expect_authoritative(message, 0);
  ASSERT_EQ(message.answers.size(), 1u);
  EXPECT_EQ(rdata_texts(message.answers)[0],
            "ns.dns.cluster.local. hostmaster.cluster.local. 42 7200 1800 86400 5");
}

TEST_F(Answers, ZoneApexAnswersNsWithGlueInAdditional) {
  const auto message = ask("cluster.local", kNS);
  expect_authoritative(message, 0);
  EXPECT_EQ(rdata_texts(message.answers), std::vector<std::string>{"ns.dns.cluster.local."});
  ASSERT_EQ(message.additional.size(), 1u);
  EXPECT_EQ(text(message.additional[0].owner), "ns.dns.cluster.local.");
  EXPECT_EQ(rdata_texts(message.additional)[0], "10.96.0.10");
}

TEST_F(Answers, ReverseZonesHaveTheirOwnSoa) {
  const auto message = ask("in-addr.arpa", kSOA);
  expect_authoritative(message, 0);
  ASSERT_EQ(message.answers.size(), 1u);
  EXPECT_EQ(text(message.answers[0].owner), "in-addr.arpa.");
}

TEST_F(Answers, NameServerAddressIsTheDnsIp) {
  const auto message = ask("ns.dns.cluster.local", kA);
  expect_authoritative(message, 0);
  EXPECT_EQ(rdata_texts(message.answers), std::vector<std::string>{"10.96.0.10"});
}

TEST_F(Answers, ClusterIpServiceAnswersEachFamily) {
  const auto a = ask("web.default.svc.cluster.local", kA);
  expect_authoritative(a, 0);
  EXPECT_EQ(rdata_texts(a.answers), std::vector<std::string>{"10.96.1.1"});
  EXPECT_EQ(a.answers[0].ttl, 5u);
  EXPECT_EQ(text(a.answers[0].owner), "web.default.svc.cluster.local.");
  const auto aaaa = ask("web.default.svc.cluster.local", kAAAA);
  expect_authoritative(aaaa, 0);
  EXPECT_EQ(rdata_texts(aaaa.answers), std::vector<std::string>{"fd00::1"});
}

TEST_F(Answers, ServiceSrvCarriesTargetAddressesInAdditional) {
  const auto message = ask("_http._tcp.web.default.svc.cluster.local", kSRV);
  expect_authoritative(message, 0);
  EXPECT_EQ(rdata_texts(message.answers),
            std::vector<std::string>{"0 100 80 web.default.svc.cluster.local."});
  EXPECT_EQ(rdata_texts(message.additional), (std::vector<std::string>{"10.96.1.1", "fd00::1"}));
}

TEST_F(Answers, ServiceNameAnswersSrvPerNamedPort) {
  const auto message = ask("web.default.svc.cluster.local", kSRV);
  expect_authoritative(message, 0);
  EXPECT_EQ(message.answers.size(), 1u);
}

TEST_F(Answers, HeadlessServiceAnswersEveryReadyEndpoint) {
  const auto message = ask("db.default.svc.cluster.local", kA);
  expect_authoritative(message, 0);
  EXPECT_EQ(rdata_texts(message.answers), (std::vector<std::string>{"10.244.1.1", "10.244.1.2"}));
}

TEST_F(Answers, HeadlessSrvNamesEachEndpointWithAddressesInAdditional) {
  const auto message = ask("_pg._tcp.db.default.svc.cluster.local", kSRV);
  expect_authoritative(message, 0);
  EXPECT_EQ(rdata_texts(message.answers),
            (std::vector<std::string>{"0 50 5432 db-0.db.default.svc.cluster.local.",
                                      "0 50 5432 10-244-1-2.db.default.svc.cluster.local."}));
  ASSERT_EQ(message.additional.size(), 2u);
  EXPECT_EQ(text(message.additional[0].owner), "db-0.db.default.svc.cluster.local.");
  EXPECT_EQ(text(message.additional[1].owner), "10-244-1-2.db.default.svc.cluster.local.");
}

TEST_F(Answers, EndpointNameAnswersItsAddress) {
  EXPECT_EQ(rdata_texts(ask("db-0.db.default.svc.cluster.local", kA).answers),
            std::vector<std::string>{"10.244.1.1"});
  EXPECT_EQ(rdata_texts(ask("10-244-1-2.db.default.svc.cluster.local", kA).answers),
            std::vector<std::string>{"10.244.1.2"});
}

TEST_F(Answers, ReverseOfClusterIpNamesTheService) {
  const auto v4 = ask("1.1.96.10.in-addr.arpa", kPTR);
  expect_authoritative(v4, 0);
  EXPECT_EQ(rdata_texts(v4.answers), std::vector<std::string>{"web.default.svc.cluster.local."});
  const auto v6 =
      ask("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa", kPTR);
  expect_authoritative(v6, 0);
  EXPECT_EQ(rdata_texts(v6.answers), std::vector<std::string>{"web.default.svc.cluster.local."});
}

TEST_F(Answers, ExternalNameOutsideOurZonesAnswersTheCnameOnly) {
  const auto message = ask("ext.default.svc.cluster.local", kA);
  expect_authoritative(message, 0);
  ASSERT_EQ(message.answers.size(), 1u);
  EXPECT_EQ(message.answers[0].type, RRType::kCNAME);
  EXPECT_EQ(rdata_texts(message.answers)[0], "example.com.");
}

TEST_F(Answers, ExternalNameInsideOurZonesIsFollowedInPlace) {
  const auto message = ask("alias.default.svc.cluster.local", kA);
  expect_authoritative(message, 0);
  ASSERT_EQ(message.answers.size(), 3u);
  EXPECT_EQ(message.answers[0].type, RRType::kCNAME);
  EXPECT_EQ(text(message.answers[0].owner), "alias.default.svc.cluster.local.");
  EXPECT_EQ(message.answers[1].type, RRType::kCNAME);
  EXPECT_EQ(text(message.answers[1].owner), "hop.default.svc.cluster.local.");
  EXPECT_EQ(message.answers[2].type, RRType::kA);
  EXPECT_EQ(text(message.answers[2].owner), "web.default.svc.cluster.local.");
  EXPECT_EQ(rdata_texts(message.answers)[2], "10.96.1.1");
}

TEST_F(Answers, CnameQueryAnswersTheCnameItself) {
  const auto message = ask("alias.default.svc.cluster.local", kCNAME);
  ASSERT_GE(message.answers.size(), 1u);
  EXPECT_EQ(message.answers[0].type, RRType::kCNAME);
  EXPECT_EQ(text(message.answers[0].owner), "alias.default.svc.cluster.local.");
}

TEST_F(Answers, CnameOwnerWithATypeItsTargetLacksStillAnswersTheCname) {
  const auto message = ask("alias.default.svc.cluster.local", kTXT);
  expect_authoritative(message, 0);
  ASSERT_GE(message.answers.size(), 1u);
  EXPECT_EQ(message.answers[0].type, RRType::kCNAME);
}

TEST_F(Answers, UnknownNameIsNxdomainWithZoneSoa) {
  const auto message = ask("nothing.default.svc.cluster.local", kA);
  expect_authoritative(message, 3);
  expect_negative_soa(message, "cluster.local.", 5);
}

TEST_F(Answers, ExistingNameWithOtherTypeIsNodataWithSoa) {
  const auto message = ask("web.default.svc.cluster.local", kTXT);
  expect_authoritative(message, 0);
  expect_negative_soa(message, "cluster.local.", 5);
}

TEST_F(Answers, EmptyNonTerminalsAreNodata) {
  for (const char* name :
       {"svc.cluster.local", "default.svc.cluster.local", "_tcp.web.default.svc.cluster.local",
        "dns.cluster.local", "96.10.in-addr.arpa", "d.f.ip6.arpa"}) {
    SCOPED_TRACE(name);
    const auto message = ask(name, kA);
    expect_authoritative(message, 0);
    EXPECT_TRUE(message.answers.empty());
    EXPECT_EQ(message.authority.size(), 1u);
  }
}

TEST_F(Answers, ExistingNamespaceWithoutServicesIsNodata) {
  const auto message = ask("empty.svc.cluster.local", kA);
  expect_authoritative(message, 0);
  expect_negative_soa(message, "cluster.local.", 5);
  expect_authoritative(ask("missing.svc.cluster.local", kA), 3);
}

TEST_F(Answers, ReverseNameWithoutPtrIsNxdomainWithItsZoneSoa) {
  const auto message = ask("9.9.9.10.in-addr.arpa", kPTR);
  expect_authoritative(message, 3);
  expect_negative_soa(message, "in-addr.arpa.", 5);
  const auto v6 = ask("f.f.ip6.arpa", kPTR);
  expect_authoritative(v6, 3);
  expect_negative_soa(v6, "ip6.arpa.", 5);
}

TEST_F(Answers, NameOutsideServedZonesIsRefusedWithoutAa) {
  const auto message = ask("example.com", kA);
  EXPECT_EQ(rcode(message), 5);
  EXPECT_FALSE(message.header.has(dns::kFlagAA));
  EXPECT_FALSE(message.header.has(dns::kFlagRA));
  EXPECT_TRUE(message.answers.empty());
}

TEST_F(Answers, VerifiedPodAnswersOnlyExistingPods) {
  EXPECT_EQ(rdata_texts(ask("10-244-1-1.default.pod.cluster.local", kA).answers),
            std::vector<std::string>{"10.244.1.1"});
  expect_authoritative(ask("10-244-9-9.default.pod.cluster.local", kA), 3);
  expect_authoritative(ask("default.pod.cluster.local", kA), 0);
  expect_authoritative(ask("kube-system.pod.cluster.local", kA), 0);
  expect_authoritative(ask("pod.cluster.local", kA), 0);
}

TEST_F(Answers, AnyAtExistingNameIsOneSynthesizedHinfo) {
  for (auto transport : {dns::Transport::kUdp, dns::Transport::kTcp}) {
    const auto message = testing::ask(*snapshot_, "web.default.svc.cluster.local", kANY, transport);
    expect_authoritative(message, 0);
    ASSERT_EQ(message.answers.size(), 1u);
    EXPECT_EQ(message.answers[0].type, RRType::kHINFO);
    EXPECT_EQ(rdata_texts(message.answers)[0], "\"RFC8482\" \"\"");
  }
}

TEST_F(Answers, AnyAtMissingNameIsNxdomain) {
  expect_authoritative(ask("nothing.default.svc.cluster.local", kANY), 3);
}

TEST_F(Answers, QuestionCaseIsPreservedInQuestionAndAnswers) {
  const auto response =
      respond(snapshot_.get(), query("DnSsErViCeS.dEfAuLt.svc.cluster.local", kNS));
  const auto message = parse(response);
  // The name does not exist: still, the question comes back exactly as sent.
  ASSERT_EQ(message.questions.size(), 1u);
  EXPECT_EQ(text(message.questions[0].name), "DnSsErViCeS.dEfAuLt.svc.cluster.local.");

  const auto web = parse(respond(snapshot_.get(), query("WeB.DeFaUlT.SvC.cluster.local", kA)));
  ASSERT_EQ(web.questions.size(), 1u);
  EXPECT_EQ(text(web.questions[0].name), "WeB.DeFaUlT.SvC.cluster.local.");
  ASSERT_EQ(web.answers.size(), 1u);
  EXPECT_EQ(text(web.answers[0].owner), "WeB.DeFaUlT.SvC.cluster.local.");
  EXPECT_EQ(rdata_texts(web.answers)[0], "10.96.1.1");
}

TEST(NegativeTtl, IsTheSmallestOfSoaTtlMinimumAndTtlFlag) {
  std::vector<Record> records = {soa("cluster.local.", 30, 10)};
  RecordOptions options;
  options.ttl = 20;
  auto snapshot = build_snapshot(records, options);
  expect_negative_soa(testing::ask(*snapshot, "x.cluster.local", kA), "cluster.local.", 10);

  records = {soa("cluster.local.", 30, 60)};
  snapshot = build_snapshot(records, options);
  expect_negative_soa(testing::ask(*snapshot, "x.cluster.local", kA), "cluster.local.", 20);
}

TEST(NegativeAnswers, ZoneWithoutSoaRecordGetsOneFromTheOptions) {
  RecordOptions options;
  options.domain = "example.internal";
  const auto snapshot = build_snapshot({}, options);
  const auto message = testing::ask(*snapshot, "x.example.internal", kA);
  EXPECT_EQ(rcode(message), 3);
  expect_negative_soa(message, "example.internal.", 5);
  EXPECT_EQ(rdata_texts(message.authority)[0].rfind("ns.dns.example.internal. ", 0), 0u);
}

class InsecurePods : public ::testing::Test {
 protected:
  InsecurePods() {
    RecordOptions options;
    options.pods = PodRecords::kInsecure;
    snapshot_ = build_snapshot(apex_records(), options);
  }
  std::unique_ptr<const Snapshot> snapshot_;
};

TEST_F(InsecurePods, AnyWellFormedIpv4NameAnswersItsAddress) {
  const auto message = testing::ask(*snapshot_, "1-2-3-4.anything.pod.cluster.local", kA);
  expect_authoritative(message, 0);
  ASSERT_EQ(message.answers.size(), 1u);
  EXPECT_EQ(rdata_texts(message.answers)[0], "1.2.3.4");
  EXPECT_EQ(message.answers[0].ttl, 5u);
  EXPECT_EQ(text(message.answers[0].owner), "1-2-3-4.anything.pod.cluster.local.");
}

TEST_F(InsecurePods, DashedIpv6NameAnswersAaaa) {
  const auto message = testing::ask(*snapshot_, "fd00--5.default.pod.cluster.local", kAAAA);
  expect_authoritative(message, 0);
  EXPECT_EQ(rdata_texts(message.answers), std::vector<std::string>{"fd00::5"});
}

TEST_F(InsecurePods, OtherFamilyIsNodata) {
  const auto message = testing::ask(*snapshot_, "1-2-3-4.default.pod.cluster.local", kAAAA);
  expect_authoritative(message, 0);
  expect_negative_soa(message, "cluster.local.", 5);
}

TEST_F(InsecurePods, MalformedNamesAreNxdomain) {
  for (const char* name :
       {"1-2-3-256.default.pod.cluster.local", "01-2-3-4.default.pod.cluster.local",
        "1-2-3.default.pod.cluster.local", "1-2-3-4-5.default.pod.cluster.local",
        "x.1-2-3-4.default.pod.cluster.local", "zz--1.default.pod.cluster.local"}) {
    SCOPED_TRACE(name);
    expect_authoritative(testing::ask(*snapshot_, name, kA), 3);
  }
}

TEST_F(InsecurePods, NamespaceLevelIsEmptyNonTerminal) {
  expect_authoritative(testing::ask(*snapshot_, "anything.pod.cluster.local", kA), 0);
}

TEST(DisabledPods, EveryPodNameIsNxdomain) {
  std::vector<Record> records = apex_records();
  records.push_back(address("10-244-1-1.default.pod.cluster.local.", "10.244.1.1"));
  RecordOptions options;
  options.pods = PodRecords::kDisabled;
  const auto snapshot = build_snapshot(records, options, {"default"});
  for (const char* name :
       {"10-244-1-1.default.pod.cluster.local", "default.pod.cluster.local", "pod.cluster.local"}) {
    SCOPED_TRACE(name);
    expect_authoritative(testing::ask(*snapshot, name, kA), 3);
  }
  // The svc side is unaffected.
  expect_authoritative(testing::ask(*snapshot, "default.svc.cluster.local", kA), 0);
}

}  // namespace
}  // namespace clusterdns::zones::testing
