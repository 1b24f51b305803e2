#pragma once
// The record flags of DESIGN.md §5 that shape the records themselves.

#include <cstdint>
#include <string>

#include "registry/ip_address.h"

namespace clusterdns::zones {

enum class PodRecords : uint8_t {
  kVerified,  // <a-b-c-d>.<ns>.pod answered only when such a pod exists (default)
  kInsecure,  // any well-formed name answered
  kDisabled,  // always NXDOMAIN
};

struct RecordOptions {
  std::string domain = "cluster.local";  // lower case, no trailing dot
  uint32_t ttl = 5;
  registry::IpAddress dns_ip;            // ns.dns.<domain> A/AAAA
  PodRecords pods = PodRecords::kVerified;
  uint32_t serial = 1;                   // SOA serial (serve: derived from time)
};

}  // namespace clusterdns::zones
