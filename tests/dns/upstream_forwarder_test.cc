// The forwarder on its own thread against a fake upstream on 127.0.0.1: coalescing of
// identical questions, its cache, bounded failure, failover, upstream health (a downed
// upstream is skipped until a probe brings it back), serve-stale and the cap on
// questions in flight.

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>

#include "dns/upstream/forwarder.h"
#include "tests/dns/upstream_fake_server.h"
#include "tests/support/eventually.h"

namespace clusterdns::dns {
namespace {

using std::chrono::milliseconds;
using testing::FakeUpstream;

Endpoint loopback(uint16_t port) {
  return *parse_upstream_address("127.0.0.1:" + std::to_string(port));
}

// A port with nothing listening: UDP to it is refused at once.
uint16_t closed_port() {
  FakeUpstream gone;
  return gone.port();
}

UpstreamQuestion question(const char* name) {
  return UpstreamQuestion{*Name::from_text(name), RRType::kA, false};
}

// Collects results from the forwarder thread.
class Results {
 public:
  Forwarder::Completion collector() {
    return [this](const ForwardResult& result) {
      std::lock_guard lock(mutex_);
      results_.push_back(result);
      changed_.notify_all();
    };
  }
  bool wait_for(size_t count, milliseconds timeout = milliseconds(5000)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return results_.size() >= count; });
  }
  std::vector<ForwardResult> all() {
    std::lock_guard lock(mutex_);
    return results_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ForwardResult> results_;
};

ForwarderOptions options_for(std::vector<Endpoint> upstreams) {
  ForwarderOptions options;
  options.upstreams = std::move(upstreams);
  return options;
}

TEST(Forwarder, SendsIdenticalQuestionsInFlightUpstreamOnce) {
  FakeUpstream upstream;
  upstream.add_a("www.example.org", "192.0.2.10", 300);
  upstream.set_delay(milliseconds(300));
  Forwarder forwarder(options_for({loopback(upstream.port())}));
  ASSERT_TRUE(forwarder.start().ok());
  Results results;
  for (int i = 0; i < 10; ++i) forwarder.resolve(question("WWW.example.org."), results.collector());
  ASSERT_TRUE(results.wait_for(10));
  EXPECT_EQ(upstream.queries("www.example.org"), 1u);
  for (const auto& result : results.all()) {
    ASSERT_EQ(result.source, AnswerSource::kUpstream);
    EXPECT_EQ(result.answer->answers.size(), 1u);
  }
  EXPECT_EQ(forwarder.stats().coalesced, 9u);
}

TEST(Forwarder, AnswersARepeatedQuestionFromItsCache) {
  FakeUpstream upstream;
  upstream.add_a("www.example.org", "192.0.2.10", 300);
  Forwarder forwarder(options_for({loopback(upstream.port())}));
  ASSERT_TRUE(forwarder.start().ok());
  Results results;
  forwarder.resolve(question("www.example.org."), results.collector());
  ASSERT_TRUE(results.wait_for(1));
  forwarder.resolve(question("www.example.org."), results.collector());
  ASSERT_TRUE(results.wait_for(2));
  EXPECT_EQ(results.all()[1].source, AnswerSource::kCache);
  EXPECT_EQ(results.all()[1].ttl, 300u);
  EXPECT_EQ(upstream.queries("www.example.org"), 1u);
}

TEST(Forwarder, FailsWithinItsTimeoutWhenTheUpstreamIsSilent) {
  FakeUpstream upstream;
  upstream.set_silent(true);
  auto options = options_for({loopback(upstream.port())});
  options.timeout = milliseconds(600);
  Forwarder forwarder(options);
  ASSERT_TRUE(forwarder.start().ok());
  Results results;
  const auto start = std::chrono::steady_clock::now();
  forwarder.resolve(question("www.example.org."), results.collector());
  ASSERT_TRUE(results.wait_for(1));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(results.all()[0].source, AnswerSource::kFailed);
  EXPECT_LT(elapsed, milliseconds(1000));
  EXPECT_GE(upstream.total_queries(), 1u);
}

TEST(Forwarder, FailsOverToTheNextUpstreamWhenTheFirstRefusesConnections) {
  FakeUpstream upstream;
  upstream.add_a("www.example.org", "192.0.2.10", 300);
  Forwarder forwarder(options_for({loopback(closed_port()), loopback(upstream.port())}));
  ASSERT_TRUE(forwarder.start().ok());
  Results results;
  forwarder.resolve(question("www.example.org."), results.collector());
  ASSERT_TRUE(results.wait_for(1));
  EXPECT_EQ(results.all()[0].source, AnswerSource::kUpstream);
}

TEST(Forwarder, ServesAnExpiredAnswerWhenTheUpstreamStopsAnswering) {
  FakeUpstream upstream;
  upstream.add_a("www.example.org", "192.0.2.10", 1);
  auto options = options_for({loopback(upstream.port())});
  options.timeout = milliseconds(400);
  Forwarder forwarder(options);
  ASSERT_TRUE(forwarder.start().ok());
  Results results;
  forwarder.resolve(question("www.example.org."), results.collector());
  ASSERT_TRUE(results.wait_for(1));
  upstream.set_silent(true);
  std::this_thread::sleep_for(milliseconds(1100));
  forwarder.resolve(question("www.example.org."), results.collector());
  ASSERT_TRUE(results.wait_for(2));
  EXPECT_EQ(results.all()[1].source, AnswerSource::kStale);
  EXPECT_EQ(forwarder.stats().stale_answers, 1u);
}

TEST(Forwarder, AnswersServfailBeyondTheCapOnQuestionsInFlight) {
  FakeUpstream upstream;
  upstream.set_delay(milliseconds(300));
  auto options = options_for({loopback(upstream.port())});
  options.max_outstanding = 2;
  Forwarder forwarder(options);
  ASSERT_TRUE(forwarder.start().ok());
  Results results;
  for (const char* name : {"a.test.", "b.test.", "c.test."}) {
    forwarder.resolve(question(name), results.collector());
  }
  ASSERT_TRUE(results.wait_for(3));
  EXPECT_EQ(results.all()[0].source, AnswerSource::kFailed);  // the third, at once
  EXPECT_EQ(forwarder.stats().over_limit, 1u);
  EXPECT_EQ(upstream.total_queries(), 2u);
}

TEST(Forwarder, RoutesADomainToItsOwnUpstream) {
  FakeUpstream general, corp;
  general.add_a("www.example.org", "192.0.2.10", 300);
  corp.add_a("intranet.corp.example", "10.1.2.3", 300);
  auto options = options_for({loopback(general.port())});
  options.routes.push_back(
      *parse_forward_route("corp.example=127.0.0.1:" + std::to_string(corp.port())));
  Forwarder forwarder(options);
  ASSERT_TRUE(forwarder.start().ok());
  Results results;
  forwarder.resolve(question("intranet.corp.example."), results.collector());
  ASSERT_TRUE(results.wait_for(1));
  forwarder.resolve(question("www.example.org."), results.collector());
  ASSERT_TRUE(results.wait_for(2));
  EXPECT_EQ(corp.queries("intranet.corp.example"), 1u);
  EXPECT_EQ(general.queries("intranet.corp.example"), 0u);
  EXPECT_EQ(general.queries("www.example.org"), 1u);
}

using clusterdns::test::eventually;

ForwardResult ask(Forwarder& forwarder, const std::string& name) {
  Results results;
  forwarder.resolve(question(name.c_str()), results.collector());
  EXPECT_TRUE(results.wait_for(1));
  auto all = results.all();
  return all.empty() ? ForwardResult{} : all.front();
}

// Two upstreams, the first silent, sharing one second of budget: 250 ms per try.
struct SilentFirst {
  SilentFirst() {
    for (const char* name : {"a.test", "b.test", "c.test", "d.test"}) {
      first.add_a(name, "192.0.2.1", 300);
      second.add_a(name, "192.0.2.2", 300);
    }
    first.set_silent(true);
    auto options = options_for({loopback(first.port()), loopback(second.port())});
    options.timeout = milliseconds(1000);
    forwarder = std::make_unique<Forwarder>(options);
  }
  // Two questions each wait for the first upstream's timeout: it is down after them.
  void take_the_first_down() {
    for (const char* name : {"a.test.", "b.test."}) {
      EXPECT_EQ(ask(*forwarder, name).source, AnswerSource::kUpstream);
    }
    EXPECT_EQ(first.queries("a.test"), 1u);
    EXPECT_EQ(first.queries("b.test"), 1u);
  }
  FakeUpstream first, second;
  std::unique_ptr<Forwarder> forwarder;
};

TEST(Forwarder, StopsAskingAnUpstreamThatFailedTwiceInARowAndProbesIt) {
  SilentFirst upstreams;
  ASSERT_TRUE(upstreams.forwarder->start().ok());
  upstreams.take_the_first_down();
  EXPECT_EQ(ask(*upstreams.forwarder, "c.test.").source, AnswerSource::kUpstream);
  EXPECT_EQ(upstreams.first.queries("c.test"), 0u) << "a downed upstream is asked last";
  EXPECT_EQ(upstreams.second.queries("c.test"), 1u);
  EXPECT_TRUE(eventually([&] { return upstreams.first.queries(".") >= 2; }))
      << "probes (. NS) keep going while it is down";
  EXPECT_EQ(upstreams.second.queries("."), 0u) << "an upstream that is up is not probed";
}

TEST(Forwarder, AsksARecoveredUpstreamFirstAgainOnceAProbeIsAnswered) {
  SilentFirst upstreams;
  ASSERT_TRUE(upstreams.forwarder->start().ok());
  upstreams.take_the_first_down();
  upstreams.first.set_silent(false);
  // Each question a new name (no cache): once a probe was answered, the first asks.
  int asked = 0;
  EXPECT_TRUE(eventually([&] {
    const std::string name = "up" + std::to_string(++asked) + ".test";
    ask(*upstreams.forwarder, name + ".");
    return upstreams.first.queries(name) == 1;
  }));
  EXPECT_GE(upstreams.first.queries("."), 1u);
  const size_t second_before = upstreams.second.total_queries();
  EXPECT_EQ(ask(*upstreams.forwarder, "d.test.").source, AnswerSource::kUpstream);
  EXPECT_EQ(upstreams.first.queries("d.test"), 1u);
  EXPECT_EQ(upstreams.second.total_queries(), second_before);
}

TEST(Forwarder, StillAsksEveryUpstreamInOrderWhenAllAreDown) {
  FakeUpstream first, second;
  first.set_silent(true);
  second.set_silent(true);
  auto options = options_for({loopback(first.port()), loopback(second.port())});
  options.timeout = milliseconds(400);
  options.tries = 1;
  options.probe_period = std::chrono::seconds(60);  // keep probes out of the counts
  Forwarder forwarder(options);
  ASSERT_TRUE(forwarder.start().ok());
  for (const char* name : {"a.test.", "b.test.", "c.test."}) {
    EXPECT_EQ(ask(forwarder, name).source, AnswerSource::kFailed);
  }
  EXPECT_EQ(first.queries("c.test"), 1u);
  EXPECT_EQ(second.queries("c.test"), 1u);
}

TEST(Forwarder, TriesTheNextUpstreamWhenOneAnswersServfailOrRefused) {
  FakeUpstream failing, good;
  failing.set_failure_rcode(2);  // SERVFAIL
  good.add_a("www.example.org", "192.0.2.10", 300);
  Forwarder forwarder(options_for({loopback(failing.port()), loopback(good.port())}));
  ASSERT_TRUE(forwarder.start().ok());
  const auto result = ask(forwarder, "www.example.org.");
  ASSERT_EQ(result.source, AnswerSource::kUpstream);
  EXPECT_EQ(result.answer->answers.size(), 1u);
  failing.set_failure_rcode(5);  // REFUSED
  EXPECT_EQ(ask(forwarder, "ftp.example.org.").answer->rcode, 3u) << "good's NXDOMAIN";
  EXPECT_EQ(failing.queries("ftp.example.org"), 1u);
}

TEST(Forwarder, PassesServfailOnWhenEveryUpstreamAnswersIt) {
  FakeUpstream first, second;
  first.set_failure_rcode(2);
  second.set_failure_rcode(2);
  Forwarder forwarder(options_for({loopback(first.port()), loopback(second.port())}));
  ASSERT_TRUE(forwarder.start().ok());
  const auto result = ask(forwarder, "broken.test.");
  ASSERT_EQ(result.source, AnswerSource::kUpstream);
  EXPECT_EQ(result.answer->rcode, 2u);
  EXPECT_EQ(first.queries("broken.test"), 1u) << "an answer, even SERVFAIL, is not retried";
  EXPECT_EQ(second.queries("broken.test"), 1u);
}

}  // namespace
}  // namespace clusterdns::dns
