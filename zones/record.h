#pragma once
// One resource record as derived from the cluster state: the common currency between
// record derivation (records.h), the `clusterdns records` listing and the snapshot
// builder. Transient: built at load time, encoded into the snapshot, then dropped.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "registry/ip_address.h"

namespace clusterdns::zones {

struct SoaData {
  std::string mname;  // "ns.dns.cluster.local."
  std::string rname;  // "hostmaster.cluster.local."
  uint32_t serial = 0;
  uint32_t refresh = 7200;
  uint32_t retry = 1800;
  uint32_t expire = 86400;
  uint32_t minimum = 5;
};

struct SrvData {
  uint16_t priority = 0;
  uint16_t weight = 0;
  uint16_t port = 0;
  std::string target;  // fully qualified, trailing dot
};

// A/AAAA: IpAddress; NS/CNAME/PTR: target name; SOA; SRV; TXT: character-strings.
using RecordData = std::variant<registry::IpAddress, std::string, SoaData, SrvData,
                                std::vector<std::string>>;

struct Record {
  std::string owner;  // fully qualified, lower case, trailing dot: "web.default.svc.cluster.local."
  uint16_t type = 0;  // RR type number (dns::RRType value): 1 A, 28 AAAA, 33 SRV, ...
  uint32_t ttl = 0;
  RecordData data;
};

}  // namespace clusterdns::zones
