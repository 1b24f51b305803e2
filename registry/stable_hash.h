#pragma once
// FNV-1a 64: a hash that is the same in every build and on every run, so allocated
// ClusterIPs, simulated pod names and IPs do not move between reloads (std::hash may).

#include <cstdint>
#include <string_view>

namespace clusterdns::registry {

constexpr uint64_t kFnvOffsetBasis = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

constexpr uint64_t fnv1a64(std::string_view text, uint64_t hash = kFnvOffsetBasis) {
  for (const char c : text) {
    hash ^= static_cast<uint8_t>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

}  // namespace clusterdns::registry
