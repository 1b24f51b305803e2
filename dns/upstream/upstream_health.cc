#include "dns/upstream/upstream_health.h"

namespace clusterdns::dns {

UpstreamHealth::Change UpstreamHealth::record_failure() {
  if (failures_ < max_fails_) ++failures_;
  if (down_ || failures_ < max_fails_) return Change::kNone;
  down_ = true;
  return Change::kWentDown;
}

UpstreamHealth::Change UpstreamHealth::record_success() {
  failures_ = 0;
  if (!down_) return Change::kNone;
  down_ = false;
  return Change::kCameUp;
}

std::vector<size_t> order_by_health(std::span<const UpstreamHealth> upstreams) {
  std::vector<size_t> order;
  order.reserve(upstreams.size());
  for (bool want_down : {false, true}) {
    for (size_t i = 0; i < upstreams.size(); ++i) {
      if (upstreams[i].down() == want_down) order.push_back(i);
    }
  }
  return order;
}

}  // namespace clusterdns::dns
