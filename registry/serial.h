#pragma once
// The SOA serial of the published zones (RFC 1035 §3.3.13): it must grow with every
// published change so secondaries and caches notice, and it must not go backwards when
// the server restarts, which a plain counter would do.

#include <cstdint>

namespace clusterdns::registry {

// max(previous + 1, unix time now), in RFC 1982 serial arithmetic: the result always
// compares greater than `previous`. Pass 0 at startup to get the current unix time.
uint32_t next_serial(uint32_t previous);

// Same, with the clock given (for tests).
uint32_t next_serial(uint32_t previous, uint32_t unix_now);

}  // namespace clusterdns::registry
