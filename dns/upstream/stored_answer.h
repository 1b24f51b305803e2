#pragma once
// An upstream's answer as the forwarder keeps it (parsed, its OPT removed), how long
// it may be cached (RFC 2308 for negative answers), and how it is written back to a
// client: the client's ID and question case, our OPT (payload 1232), TTLs lowered by
// the answer's age, and the client's UDP size (RFC 2181 §9 truncation).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dns/result.h"
#include "dns/wire/message.h"

namespace clusterdns::dns {

struct CachePolicy {
  std::chrono::seconds max_ttl{3600};
  // RFC 8767 §5: how long past expiry an answer may still be served when upstreams fail,
  // and the TTL it then carries (§4: 30 s).
  std::chrono::seconds stale_window{86400};
  uint32_t stale_ttl = 30;
};

struct StoredAnswer {
  uint16_t rcode = 0;  // 12 bits (EDNS extended bits included)
  bool authoritative = false;
  bool authentic_data = false;
  bool truncated = false;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authority;
  std::vector<ResourceRecord> additional;  // without OPT

  // How long it may be cached (nullopt: not at all): positive = the answer RRs' lowest
  // TTL; NXDOMAIN/NODATA = min(SOA TTL, SOA MINIMUM) of the authority SOA (RFC 2308 §5);
  // both capped at policy.max_ttl. Errors and truncated answers are not cached.
  std::optional<uint32_t> cache_ttl(const CachePolicy& policy) const;
};

// Parses an upstream response (allocating; not the authoritative path).
Result<StoredAnswer> store_answer(std::span<const uint8_t> response);

// What the client asked and how its reply must look.
struct ReplyShape {
  uint16_t id = 0;
  uint16_t query_flags = 0;  // the client's header flags: RD and CD are copied
  Name qname;                // as the client wrote it
  RRType qtype = RRType::kA;
  bool edns = false;  // echo an OPT (the client sent a usable one)
  bool dnssec_ok = false;
  size_t limit = kMinUdpPayload;  // UDP size limit, or 65535 over TCP
  bool recursion_available = true;
};

// TTL handling when writing: `age` seconds are subtracted (not below 0), or, when
// `stale`, every TTL becomes `stale_ttl`.
struct Aging {
  uint32_t age = 0;
  bool stale = false;
  uint32_t stale_ttl = 30;
  bool from_cache = false;  // cached data is not authoritative (RFC 1035 §4.1.1 AA)
};

// Writes the reply into `out`; `prefix` records (e.g. our ExternalName CNAME) go first
// in the answer section. Returns the length (0 if even the header does not fit).
size_t write_reply(const StoredAnswer& answer, const ReplyShape& shape, const Aging& aging,
                   std::span<const ResourceRecord> prefix, std::span<uint8_t> out);
// SERVFAIL (or another rcode) with just the question.
size_t write_error(Rcode rcode, const ReplyShape& shape, std::span<uint8_t> out);

}  // namespace clusterdns::dns
