#include "registry/serial.h"

#include <ctime>

namespace clusterdns::registry {

uint32_t next_serial(uint32_t previous, uint32_t unix_now) {
  const uint32_t incremented = previous + 1;  // wraps at 2^32, as RFC 1982 §3.1 allows
  // RFC 1982 §3.2: unix_now is "greater" than previous when it lies in the half-circle
  // after it. A clock behind the last serial (restart after a burst of reloads, or a
  // clock step back) falls in the other half and is ignored.
  const uint32_t ahead = unix_now - previous;
  if (ahead != 0 && ahead < (1u << 31) && ahead > 1) return unix_now;
  return incremented;
}

uint32_t next_serial(uint32_t previous) {
  return next_serial(previous, static_cast<uint32_t>(std::time(nullptr)));
}

}  // namespace clusterdns::registry
