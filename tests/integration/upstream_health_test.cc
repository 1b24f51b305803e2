// Upstream health as a client of `clusterdns serve` sees it (issue 7, CoreDNS forward's
// max_fails/health_check): an upstream that stops answering is skipped after two
// failures, so questions no longer wait for it; a background probe notices when it
// answers again, and questions go back to it. Two counting fake upstreams on 127.0.0.1.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "dns/wire/message.h"
#include "tests/dns/upstream_fake_server.h"
#include "tests/support/dns_client.h"
#include "tests/support/eventually.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace clusterdns::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr uint16_t kA = 1;

using clusterdns::test::eventually;

// "n<i>.test" (appended piecewise: g++ 12 warns falsely on "literal" + std::string).
std::string name_of(int i) {
  std::string name = "n";
  name += std::to_string(i);
  name += ".test";
  return name;
}

class UpstreamHealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 40; ++i) {
      const std::string name = name_of(i);
      first_.add_a(name, "192.0.2.1", 300);
      second_.add_a(name, "192.0.2.2", 300);
    }
    first_.set_silent(true);  // a bound socket that never replies: every try times out
  }

  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0) << server_->log();
      EXPECT_EQ(server_->log().find("runtime error"), std::string::npos) << server_->log();
    }
  }

  // One try per upstream within 2 s: each gets 1 s.
  void serve(const std::vector<std::string>& upstream_flags) {
    server_ = std::make_unique<ServerProcess>(
        manifests_.str(), std::vector<std::string>{"--upstream-tries", "1"},
        std::vector<std::string>{"127.0.0.1:0"}, upstream_flags);
    ASSERT_TRUE(server_->started()) << server_->log();
  }

  // The address a fresh name n<i>.test resolves to, and how long that took.
  std::string ask(std::chrono::milliseconds* took = nullptr) {
    const std::string name = name_of(next_name_++);
    const auto start = steady_clock::now();
    const auto reply = udp_exchange(server_->port(), make_query(name, kA), 5000);
    if (took) *took = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
    if (!reply) return "no reply";
    auto message = dns::parse_message(*reply);
    if (!message || message->answers.size() != 1) return "no answer";
    // first_ answers 192.0.2.1, second_ 192.0.2.2.
    return message->answers[0].rdata.back() == 1 ? "first" : "second";
  }

  size_t client_queries(const FakeUpstream& upstream) {
    size_t count = 0;
    for (int i = 0; i < next_name_; ++i) {
      count += upstream.queries(name_of(i));
    }
    return count;
  }

  // Two questions each wait out the first upstream's 1 s try: it is marked down.
  void take_the_first_down() {
    EXPECT_EQ(ask(), "second");
    EXPECT_EQ(ask(), "second");
    EXPECT_EQ(client_queries(first_), 2u);
    EXPECT_TRUE(eventually([&] {
      return server_->log().find("upstream " + first_.address() + " down: timeout") !=
             std::string::npos;
    })) << server_->log();
  }

  TempDir manifests_;
  FakeUpstream first_, second_;
  std::unique_ptr<ServerProcess> server_;
  int next_name_ = 0;
};

TEST_F(UpstreamHealthTest, AnswersFromTheSecondUpstreamWithoutWaitingForADeadFirst) {
  serve({"--upstream", first_.address(), "--upstream", second_.address()});
  take_the_first_down();
  for (int i = 0; i < 5; ++i) {
    milliseconds took{};
    EXPECT_EQ(ask(&took), "second");
    EXPECT_LT(took, milliseconds(500)) << "well inside the dead upstream's 1 s try";
  }
  EXPECT_EQ(client_queries(first_), 2u) << "no client question reaches a downed upstream";
  EXPECT_TRUE(eventually([&] { return first_.queries(".") >= 2; })) << "it is probed (. NS)";
}

TEST_F(UpstreamHealthTest, SendsQuestionsToTheFirstUpstreamAgainOnceItAnswers) {
  serve({"--upstream", first_.address(), "--upstream", second_.address()});
  take_the_first_down();
  first_.set_silent(false);
  EXPECT_TRUE(eventually([&] {
    return server_->log().find("upstream " + first_.address() + " up again") != std::string::npos;
  })) << server_->log();
  EXPECT_GE(first_.queries("."), 1u) << "the probe brought it back";
  const size_t before = client_queries(first_);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ask(), "first");
  EXPECT_EQ(client_queries(first_), before + 3);
}

TEST_F(UpstreamHealthTest, TracksTheUpstreamsOfAForwardedDomainToo) {
  serve({"--upstream", "none", "--forward", "test=" + first_.address(), "--forward",
         "test=" + second_.address()});
  EXPECT_EQ(ask(), "second");
  EXPECT_EQ(ask(), "second");
  EXPECT_TRUE(eventually([&] {
    return server_->log().find("upstream " + first_.address() + " (for test.) down: timeout") !=
           std::string::npos;
  })) << server_->log();
  milliseconds took{};
  EXPECT_EQ(ask(&took), "second");
  EXPECT_LT(took, milliseconds(500));
  EXPECT_EQ(client_queries(first_), 2u);
}

TEST(UpstreamHealthFlags, AreListedInHelpAndChecked) {
  const auto help = run_process({clusterdns_binary(), "serve", "--help"}, 10);
  EXPECT_NE(help.out.find("--upstream-timeout SECONDS"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--upstream-tries N"), std::string::npos) << help.out;
  TempDir manifests;
  const auto bad = run_process({clusterdns_binary(), "serve", "--manifests", manifests.str(),
                                "--upstream", "none", "--upstream-timeout", "0"},
                               10);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--upstream-timeout '0': expected a whole number from 1 to 60"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace clusterdns::testing
