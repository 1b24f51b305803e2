#pragma once
// Whether one upstream is worth asking first (CoreDNS forward's `max_fails` and
// `health_check`): `max_fails` failures in a row (timeout, refused connection,
// SERVFAIL/REFUSED from it) mark it down; a success, from a client's question or from
// the background probe, marks it up again. Pure state: no clock, no I/O.

#include <cstddef>
#include <span>
#include <vector>

namespace clusterdns::dns {

class UpstreamHealth {
 public:
  enum class Change { kNone, kWentDown, kCameUp };

  explicit UpstreamHealth(int max_fails = 2) : max_fails_(max_fails < 1 ? 1 : max_fails) {}

  Change record_failure();
  Change record_success();
  bool down() const { return down_; }
  int failures_in_a_row() const { return failures_; }

 private:
  int max_fails_;
  int failures_ = 0;
  bool down_ = false;
};

// The order to ask a route's upstreams in: those up first, then those down, each group
// in the configured order. All down: the configured order (never refuse to forward).
std::vector<size_t> order_by_health(std::span<const UpstreamHealth> upstreams);

}  // namespace clusterdns::dns
