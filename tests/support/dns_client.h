#pragma once
// Minimal DNS clients for integration tests: raw UDP/TCP exchanges on loopback (for
// malformed packets), c-ares queries configured like a pod's resolver, and `dig`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clusterdns::testing {

using Bytes = std::vector<uint8_t>;

// Sends one datagram to 127.0.0.1:port; returns the reply, or nullopt after timeout_ms.
std::optional<Bytes> udp_exchange(uint16_t port, const Bytes& query, int timeout_ms = 1000);
// Sends one length-prefixed query over a new TCP connection; returns the reply.
std::optional<Bytes> tcp_exchange(uint16_t port, const Bytes& query, int timeout_ms = 2000);

// A plain query packet: ID, RD set, one question, optional EDNS OPT (payload size).
Bytes make_query(const std::string& name, uint16_t type, uint16_t id = 0x1234,
                 std::optional<uint16_t> edns_payload = std::nullopt);

// The fixed header of a response, decoded for assertions.
struct ResponseHeader {
  uint16_t id = 0;
  bool qr = false, aa = false, tc = false, rd = false, ra = false;
  int opcode = 0;
  int rcode = 0;  // the 4 header bits only
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
};
ResponseHeader parse_header(const Bytes& response);  // response must be >= 12 bytes

struct AresOptions {
  uint16_t port = 53;
  bool tcp = false;
  std::vector<std::string> search;  // ARES_OPT_DOMAINS
  int ndots = 1;                    // ARES_OPT_NDOTS
  bool use_search = false;          // ares_search (search list) instead of ares_query
};

struct AresResult {
  int status = -1;  // ARES_SUCCESS, ARES_ENOTFOUND, ARES_ENODATA, ...
  Bytes answer;     // the raw response the callback received (may be empty)
};

// One c-ares lookup against 127.0.0.1:port, bounded to a few seconds.
AresResult ares_lookup(const std::string& name, uint16_t type, const AresOptions& options);
// Addresses of the A (type 1) or AAAA (type 28) records in a c-ares answer, as text.
std::vector<std::string> ares_addresses(const AresResult& result, uint16_t type);

// Runs `dig @127.0.0.1 -p PORT +norec ARGS...`; returns its stdout with every run of
// blanks (dig aligns columns with tabs) collapsed to one space.
std::string dig(uint16_t port, const std::vector<std::string>& args);
// `dig +short`, one line per record, sorted.
std::vector<std::string> dig_short(uint16_t port, const std::vector<std::string>& args);

}  // namespace clusterdns::testing
