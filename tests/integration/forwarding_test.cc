// clusterdns as a pod's only resolver (DESIGN.md §1, §4): names outside the cluster
// zones are forwarded to a real upstream (NSD on 127.0.0.1, serving example.org) or to
// a counting fake upstream, answers are cached, failures are bounded, and recursion is
// offered only to allowed clients. All traffic stays on loopback.

#include <ares.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "dns/wire/message.h"
#include "tests/dns/upstream_fake_server.h"
#include "tests/integration/forwarding_nsd.h"
#include "tests/support/dns_client.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace clusterdns::testing {
namespace {

using Lines = std::vector<std::string>;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr uint16_t kA = 1, kMX = 15, kTXT = 16, kAAAA = 28;

void write_manifests(const TempDir& dir) {
  dir.write("services.yaml", R"(apiVersion: v1
kind: Service
metadata: {name: ext, namespace: default}
spec:
  type: ExternalName
  externalName: www.example.org
)");
}

dns::Message parsed(const std::optional<Bytes>& reply) {
  EXPECT_TRUE(reply.has_value()) << "no reply";
  if (!reply) return {};
  auto message = dns::parse_message(*reply);
  EXPECT_TRUE(message.ok());
  return message.ok() ? *message : dns::Message{};
}

class Forwarding : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nsd_ = new NsdUpstream();
    ASSERT_TRUE(nsd_->started()) << nsd_->log();
  }
  static void TearDownTestSuite() {
    delete nsd_;
    nsd_ = nullptr;
  }
  void SetUp() override { write_manifests(manifests_); }

  // Every server a test started stops cleanly (exit 0, no sanitizer report).
  void TearDown() override {
    for (auto& server : servers_) {
      EXPECT_EQ(server->stop(), 0) << server->log();
      EXPECT_EQ(server->log().find("runtime error"), std::string::npos) << server->log();
    }
  }

  // clusterdns forwarding to `upstreams` (each given as --upstream) plus `extra`.
  ServerProcess* serve(const std::vector<std::string>& upstreams,
                       const std::vector<std::string>& extra = {}) {
    std::vector<std::string> flags;
    for (const auto& upstream : upstreams) {
      flags.push_back("--upstream");
      flags.push_back(upstream);
    }
    servers_.push_back(std::make_unique<ServerProcess>(
        manifests_.str(), extra, std::vector<std::string>{"127.0.0.1:0"}, flags));
    EXPECT_TRUE(servers_.back()->started()) << servers_.back()->log();
    return servers_.back().get();
  }

  static NsdUpstream* nsd_;
  TempDir manifests_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
};
NsdUpstream* Forwarding::nsd_ = nullptr;

TEST_F(Forwarding, HelpListsTheForwardingFlags) {
  const auto help = run_process({clusterdns_binary(), "serve", "--help"}, 10);
  for (const char* flag : {"--upstream", "--forward", "--allow-recursion", "--cache-size"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
}

TEST_F(Forwarding, ForwardsAddressMailAndTextQuestionsToTheUpstream) {
  auto server = serve({nsd_->address()});
  EXPECT_EQ(dig_short(server->port(), {"www.example.org", "A"}), Lines{"192.0.2.10"});
  EXPECT_EQ(dig_short(server->port(), {"www.example.org", "AAAA"}), Lines{"2001:db8::10"});
  EXPECT_EQ(dig_short(server->port(), {"example.org", "MX"}), Lines{"10 mail.example.org."});
  EXPECT_EQ(dig_short(server->port(), {"txt.example.org", "TXT"}), Lines{"\"hello from nsd\""});
}

TEST_F(Forwarding, KeepsTheClientsIdAndQuestionCaseAndSetsRa) {
  auto server = serve({nsd_->address()});
  const auto reply =
      parsed(udp_exchange(server->port(), make_query("WwW.ExAmPlE.oRg", kA, 0x4242, 1232)));
  EXPECT_EQ(reply.header.id, 0x4242);
  EXPECT_TRUE(reply.header.has(dns::kFlagRA));
  ASSERT_EQ(reply.questions.size(), 1u);
  EXPECT_EQ(reply.questions[0].name.to_text(), "WwW.ExAmPlE.oRg.");
  ASSERT_NE(reply.opt(), nullptr);
  EXPECT_EQ(reply.opt()->klass, 1232) << "our OPT replaces the upstream's";
}

TEST_F(Forwarding, PassesNxdomainThroughWithTheUpstreamSoa) {
  auto server = serve({nsd_->address()});
  const auto reply = parsed(udp_exchange(server->port(), make_query("nope.example.org", kA)));
  EXPECT_EQ(reply.rcode(), 3);
  ASSERT_EQ(reply.authority.size(), 1u);
  EXPECT_EQ(reply.authority[0].type, dns::RRType::kSOA);
  EXPECT_EQ(reply.authority[0].owner.to_text(), "example.org.");
}

TEST_F(Forwarding, RetriesOverTcpWhenTheUpstreamTruncates) {
  auto server = serve({nsd_->address()});
  // 120 A records do not fit 1232 octets: NSD truncates over UDP, clusterdns asks again
  // over TCP, and a TCP client gets all of them.
  const auto tcp = parsed(tcp_exchange(server->port(), make_query("many.example.org", kA)));
  EXPECT_FALSE(tcp.header.has(dns::kFlagTC));
  EXPECT_EQ(tcp.answers.size(), 120u);
  // A UDP client gets TC and no partial RRset (RFC 2181 §9), and retries over TCP.
  const auto udp =
      parsed(udp_exchange(server->port(), make_query("many.example.org", kA, 7, 1232)));
  EXPECT_TRUE(udp.header.has(dns::kFlagTC));
  EXPECT_TRUE(udp.answers.empty());
}

TEST_F(Forwarding, AnswersServfailWithinThreeSecondsWhenTheUpstreamIsStopped) {
  NsdUpstream doomed;
  ASSERT_TRUE(doomed.started());
  auto server = serve({doomed.address()});
  doomed.stop();
  const auto start = steady_clock::now();
  const auto reply = parsed(udp_exchange(server->port(), make_query("www.example.org", kA), 5000));
  EXPECT_EQ(reply.rcode(), 2);
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(Forwarding, AnswersServfailWithinThreeSecondsWhenTheUpstreamIsSilent) {
  FakeUpstream silent;
  silent.set_silent(true);
  auto server = serve({silent.address()});
  const auto start = steady_clock::now();
  const auto reply = parsed(udp_exchange(server->port(), make_query("www.example.org", kA), 5000));
  EXPECT_EQ(reply.rcode(), 2);
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_GE(silent.total_queries(), 1u);
}

TEST_F(Forwarding, FailsOverToTheSecondUpstreamWhenTheFirstIsDown) {
  auto server = serve({"127.0.0.1:" + std::to_string(free_loopback_port()), nsd_->address()});
  const auto start = steady_clock::now();
  EXPECT_EQ(dig_short(server->port(), {"www.example.org", "A"}), Lines{"192.0.2.10"});
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(Forwarding, SendsADomainToItsOwnUpstream) {
  FakeUpstream general;
  general.add_a("other.test", "203.0.113.7", 300);
  auto server = serve({general.address()}, {"--forward", "example.org=" + nsd_->address()});
  EXPECT_EQ(dig_short(server->port(), {"www.example.org", "A"}), Lines{"192.0.2.10"});
  EXPECT_EQ(dig_short(server->port(), {"other.test", "A"}), Lines{"203.0.113.7"});
  EXPECT_EQ(general.queries("www.example.org"), 0u);
  EXPECT_EQ(general.queries("other.test"), 1u);
}

TEST_F(Forwarding, AnswersARepeatedQuestionFromTheCache) {
  FakeUpstream upstream;
  upstream.add_a("cached.test", "203.0.113.8", 300);
  auto server = serve({upstream.address()}, {"--threads", "2"});
  const auto first = parsed(udp_exchange(server->port(), make_query("cached.test", kA)));
  std::this_thread::sleep_for(milliseconds(1100));
  const auto second = parsed(udp_exchange(server->port(), make_query("CACHED.test", kA, 99)));
  EXPECT_EQ(upstream.queries("cached.test"), 1u);
  ASSERT_EQ(second.answers.size(), 1u);
  EXPECT_EQ(second.header.id, 99);
  EXPECT_LT(second.answers[0].ttl, 300u) << "TTL lowered by the answer's age";
  EXPECT_EQ(second.answers[0].rdata, first.answers.at(0).rdata);
}

TEST_F(Forwarding, EvictsTheLeastRecentlyUsedAnswerBeyondCacheSize) {
  FakeUpstream upstream;
  upstream.add_a("a.test", "203.0.113.1", 300);
  upstream.add_a("b.test", "203.0.113.2", 300);
  auto server = serve({upstream.address()}, {"--cache-size", "1", "--threads", "1"});
  for (const char* name : {"a.test", "a.test", "b.test", "a.test"}) {
    EXPECT_EQ(parsed(udp_exchange(server->port(), make_query(name, kA))).answers.size(), 1u);
  }
  EXPECT_EQ(upstream.queries("a.test"), 2u) << "asked again after b.test took its place";
  EXPECT_EQ(upstream.queries("b.test"), 1u);
}

TEST_F(Forwarding, CachesNegativeAnswersForTheSoaMinimum) {
  FakeUpstream upstream;
  upstream.set_negative(300, 60);
  auto server = serve({upstream.address()});
  for (int i = 0; i < 3; ++i) {
    const auto reply = parsed(udp_exchange(server->port(), make_query("gone.test", kA)));
    EXPECT_EQ(reply.rcode(), 3);
    ASSERT_EQ(reply.authority.size(), 1u);
    EXPECT_LE(reply.authority[0].ttl, 300u);
  }
  EXPECT_EQ(upstream.queries("gone.test"), 1u);
}

TEST_F(Forwarding, SendsSimultaneousIdenticalQuestionsUpstreamOnce) {
  FakeUpstream upstream;
  upstream.add_a("popular.test", "203.0.113.9", 300);
  upstream.set_delay(milliseconds(500));
  auto server = serve({upstream.address()}, {"--threads", "2"});
  std::vector<std::future<std::optional<Bytes>>> replies;
  for (int i = 0; i < 8; ++i) {
    replies.push_back(std::async(std::launch::async, [&server, i] {
      return udp_exchange(server->port(), make_query("popular.test", kA, static_cast<uint16_t>(i)),
                          3000);
    }));
  }
  for (auto& reply : replies) {
    const auto message = parsed(reply.get());
    EXPECT_EQ(message.answers.size(), 1u);
  }
  EXPECT_EQ(upstream.queries("popular.test"), 1u);
}

TEST_F(Forwarding, ResolvesAnExternalNameTargetOutsideTheCluster) {
  auto server = serve({nsd_->address()});
  EXPECT_EQ(dig_short(server->port(), {"ext.default.svc.cluster.local", "A"}),
            (Lines{"192.0.2.10", "www.example.org."}));
}

TEST_F(Forwarding, ForwardsReverseNamesItHoldsNoPtrFor) {
  FakeUpstream upstream;
  auto server = serve({upstream.address()});
  const auto reply = parsed(udp_exchange(server->port(), make_query("1.2.0.192.in-addr.arpa", 12)));
  EXPECT_EQ(reply.rcode(), 3);
  EXPECT_EQ(upstream.queries("1.2.0.192.in-addr.arpa"), 1u);
  // Reverse names of the cluster stay ours.
  EXPECT_EQ(dig_short(server->port(), {"-x", "10.96.0.1"}),
            Lines{"kubernetes.default.svc.cluster.local."});
}

TEST_F(Forwarding, RefusesRecursionToClientsOutsideAllowRecursion) {
  FakeUpstream upstream;
  upstream.add_a("www.example.org", "192.0.2.10", 300);
  auto server = serve({upstream.address()}, {"--allow-recursion", "192.0.2.0/24"});
  const auto outside = udp_exchange(server->port(), make_query("www.example.org", kA));
  ASSERT_TRUE(outside.has_value());
  EXPECT_EQ(parse_header(*outside).rcode, 5);
  EXPECT_FALSE(parse_header(*outside).ra);
  const auto inside =
      udp_exchange(server->port(), make_query("kubernetes.default.svc.cluster.local", kA));
  ASSERT_TRUE(inside.has_value());
  EXPECT_EQ(parse_header(*inside).rcode, 0);
  EXPECT_FALSE(parse_header(*inside).ra);
  EXPECT_EQ(upstream.queries("www.example.org"), 0u);
}

TEST_F(Forwarding, SetsRaOnClusterAnswersForAllowedClientsOnly) {
  auto forwarding = serve({nsd_->address()});
  const auto allowed =
      udp_exchange(forwarding->port(), make_query("kubernetes.default.svc.cluster.local", kA));
  ASSERT_TRUE(allowed.has_value());
  EXPECT_TRUE(parse_header(*allowed).ra);
  EXPECT_TRUE(parse_header(*allowed).aa);
  auto refusing = serve({"none"});
  const auto none = udp_exchange(refusing->port(), make_query("www.example.org", kA));
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(parse_header(*none).rcode, 5);
  EXPECT_FALSE(parse_header(*none).ra);
}

TEST_F(Forwarding, RefusesAnUpstreamThatIsItsOwnListenAddress) {
  const std::string own = "127.0.0.1:" + std::to_string(free_loopback_port());
  const auto result = run_process({clusterdns_binary(), "serve", "--manifests", manifests_.str(),
                                   "--listen", own, "--upstream", own},
                                  20);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("own --listen addresses (a forwarding loop)"), std::string::npos)
      << result.err;
}

TEST_F(Forwarding, StopsWithAClearErrorWhenTheUpstreamForwardsBackToIt) {
  // b forwards to a; a forwards to b: a's start-up probe comes back to a.
  const uint16_t a_port = free_loopback_port();
  const uint16_t b_port = free_loopback_port();
  ASSERT_NE(a_port, b_port);
  ServerProcess b(manifests_.str(), {}, {"127.0.0.1:" + std::to_string(b_port)},
                  {"--upstream", "127.0.0.1:" + std::to_string(a_port)});
  ASSERT_TRUE(b.started()) << b.log();
  const auto a = run_process(
      {clusterdns_binary(), "serve", "--manifests", manifests_.str(), "--listen",
       "127.0.0.1:" + std::to_string(a_port), "--upstream", "127.0.0.1:" + std::to_string(b_port)},
      20);
  EXPECT_EQ(a.exit_code, 1);
  EXPECT_NE(a.err.find("upstream 127.0.0.1:" + std::to_string(b_port) +
                       " forwards back to clusterdns (a forwarding loop); give --upstream an "
                       "address that does not"),
            std::string::npos)
      << a.err;
}

TEST_F(Forwarding, APodsResolverFindsClusterAndOutsideNames) {
  auto server = serve({nsd_->address()});
  AresOptions pod;
  pod.port = server->port();
  pod.search = {"default.svc.cluster.local", "svc.cluster.local", "cluster.local"};
  pod.ndots = 5;
  pod.use_search = true;
  EXPECT_EQ(ares_addresses(ares_lookup("kubernetes.default", kA, pod), kA), Lines{"10.96.0.1"});
  EXPECT_EQ(ares_addresses(ares_lookup("www.example.org", kA, pod), kA), Lines{"192.0.2.10"});
  EXPECT_EQ(ares_addresses(ares_lookup("www.example.org", kAAAA, pod), kAAAA),
            Lines{"2001:db8::10"});
}

}  // namespace
}  // namespace clusterdns::testing
