// The upstream health state machine (CoreDNS forward's max_fails): failures in a row
// mark an upstream down, one success brings it back, and the order questions try
// upstreams in puts those up first.

#include "dns/upstream/upstream_health.h"

#include <gtest/gtest.h>

#include "dns/upstream/upstream_group.h"

namespace clusterdns::dns {
namespace {

using Change = UpstreamHealth::Change;

TEST(UpstreamHealth, GoesDownAfterMaxFailsInARowAndSaysSoOnce) {
  UpstreamHealth health(2);
  EXPECT_EQ(health.record_failure(), Change::kNone);
  EXPECT_FALSE(health.down());
  EXPECT_EQ(health.record_failure(), Change::kWentDown);
  EXPECT_TRUE(health.down());
  EXPECT_EQ(health.record_failure(), Change::kNone) << "already down: no second log line";
  EXPECT_TRUE(health.down());
}

TEST(UpstreamHealth, ASuccessBetweenFailuresStartsTheCountAgain) {
  UpstreamHealth health(2);
  health.record_failure();
  EXPECT_EQ(health.record_success(), Change::kNone);
  EXPECT_EQ(health.record_failure(), Change::kNone);
  EXPECT_FALSE(health.down());
}

TEST(UpstreamHealth, OneSuccessBringsItBackUp) {
  UpstreamHealth health(2);
  health.record_failure();
  health.record_failure();
  EXPECT_EQ(health.record_success(), Change::kCameUp);
  EXPECT_FALSE(health.down());
  EXPECT_EQ(health.failures_in_a_row(), 0);
  EXPECT_EQ(health.record_failure(), Change::kNone) << "needs max_fails again";
}

TEST(UpstreamHealth, OrdersUpstreamsThatAreUpFirstKeepingTheConfiguredOrder) {
  std::vector<UpstreamHealth> upstreams(4, UpstreamHealth(1));
  upstreams[0].record_failure();
  upstreams[2].record_failure();
  EXPECT_EQ(order_by_health(upstreams), (std::vector<size_t>{1, 3, 0, 2}));
}

TEST(UpstreamHealth, TriesEveryUpstreamInOrderWhenAllAreDown) {
  std::vector<UpstreamHealth> upstreams(3, UpstreamHealth(1));
  for (auto& upstream : upstreams) upstream.record_failure();
  EXPECT_EQ(order_by_health(upstreams), (std::vector<size_t>{0, 1, 2}));
}

TEST(UpstreamHealth, CountsTimeoutsRefusalsServfailAndRefusedAsFailures) {
  const uint8_t servfail[12] = {0, 1, 0x81, 0x82};
  const uint8_t refused[12] = {0, 1, 0x81, 0x85};
  const uint8_t nxdomain[12] = {0, 1, 0x81, 0x83};
  EXPECT_STREQ(upstream_failure(ARES_ETIMEOUT, {}), "timeout");
  EXPECT_STREQ(upstream_failure(ARES_ECONNREFUSED, {}), "connection refused");
  EXPECT_STREQ(upstream_failure(ARES_SUCCESS, servfail), "SERVFAIL");
  EXPECT_STREQ(upstream_failure(ARES_SUCCESS, refused), "REFUSED");
  EXPECT_EQ(upstream_failure(ARES_SUCCESS, nxdomain), nullptr) << "an answer, if a negative one";
}

TEST(UpstreamGroup, SharesTheBudgetEquallyAmongTries) {
  UpstreamGroupOptions options;
  options.servers.resize(2);
  options.total_timeout = std::chrono::milliseconds(2000);
  options.tries = 2;
  EXPECT_EQ(UpstreamGroup::try_timeout(options), std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace clusterdns::dns
