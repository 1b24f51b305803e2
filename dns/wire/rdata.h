#pragma once
// Typed RDATA: encoding to and decoding from uncompressed wire octets, and the
// master-file presentation text of each type (what `clusterdns records` prints).
// Encoded RDATA is what ResourceRecord::rdata holds and what MessageBuilder::add_record
// takes; the builder compresses names inside it where RFC 3597 §4 allows.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/result.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"

namespace clusterdns::dns {

struct SoaRdata {
  Name mname;
  Name rname;
  uint32_t serial = 0;
  uint32_t refresh = 0;
  uint32_t retry = 0;
  uint32_t expire = 0;
  uint32_t minimum = 0;
  friend bool operator==(const SoaRdata&, const SoaRdata&) = default;
};

struct SrvRdata {
  uint16_t priority = 0;
  uint16_t weight = 0;
  uint16_t port = 0;
  Name target;
  friend bool operator==(const SrvRdata&, const SrvRdata&) = default;
};

struct MxRdata {
  uint16_t preference = 0;
  Name exchange;
  friend bool operator==(const MxRdata&, const MxRdata&) = default;
};

struct HinfoRdata {
  std::string cpu;
  std::string os;
  friend bool operator==(const HinfoRdata&, const HinfoRdata&) = default;
};

struct EdnsOption {
  uint16_t code = 0;
  std::vector<uint8_t> data;
  friend bool operator==(const EdnsOption&, const EdnsOption&) = default;
};

using Ipv4Bytes = std::array<uint8_t, 4>;
using Ipv6Bytes = std::array<uint8_t, 16>;

// Encoders: uncompressed wire RDATA. Character-strings are limited to 255 octets
// (RFC 1035 §3.3), hence Result for the types that carry them.
std::vector<uint8_t> encode_a(const Ipv4Bytes& address);
std::vector<uint8_t> encode_aaaa(const Ipv6Bytes& address);
std::vector<uint8_t> encode_name_rdata(const Name& name);  // NS, CNAME, PTR
std::vector<uint8_t> encode_soa(const SoaRdata& soa);
std::vector<uint8_t> encode_srv(const SrvRdata& srv);
std::vector<uint8_t> encode_mx(const MxRdata& mx);
Result<std::vector<uint8_t>> encode_txt(const std::vector<std::string>& strings);
Result<std::vector<uint8_t>> encode_hinfo(const HinfoRdata& hinfo);
std::vector<uint8_t> encode_opt(const std::vector<EdnsOption>& options);

// Decoders of uncompressed RDATA; each rejects trailing or missing octets.
Result<Ipv4Bytes> decode_a(std::span<const uint8_t> rdata);
Result<Ipv6Bytes> decode_aaaa(std::span<const uint8_t> rdata);
Result<Name> decode_name_rdata(std::span<const uint8_t> rdata);
Result<SoaRdata> decode_soa(std::span<const uint8_t> rdata);
Result<SrvRdata> decode_srv(std::span<const uint8_t> rdata);
Result<MxRdata> decode_mx(std::span<const uint8_t> rdata);
Result<std::vector<std::string>> decode_txt(std::span<const uint8_t> rdata);
Result<HinfoRdata> decode_hinfo(std::span<const uint8_t> rdata);
Result<std::vector<EdnsOption>> decode_opt(std::span<const uint8_t> rdata);

// Presentation text of RDATA ("10.0.0.1", "0 100 80 svc.ns.svc.cluster.local.",
// "\"1.1.0\""); unknown types and undecodable RDATA use the RFC 3597 §5 "\# len hex" form.
std::string rdata_to_text(RRType type, std::span<const uint8_t> rdata);
// Parses presentation text back to RDATA (the types above and "\# len hex").
Result<std::vector<uint8_t>> rdata_from_text(RRType type, std::string_view text);

// One master-file line: "owner TTL CLASS TYPE rdata" separated by tabs.
std::string record_to_text(const Name& owner, uint32_t ttl, uint16_t klass, RRType type,
                           std::span<const uint8_t> rdata);

// Where an RDATA of `type` holds domain names (offsets of each name within the RDATA
// are found by walking it); used by the builder and the message parser.
enum class RdataNames : uint8_t {
  kNone,     // no embedded names (or unknown type: opaque, RFC 3597)
  kOneName,  // NS, CNAME, PTR: the whole RDATA is a name
  kSoa,      // two names then 20 octets
  kMx,       // 2 octets then a name
  kSrv,      // 6 octets then a name (never compressed on output, RFC 2782)
};
RdataNames rdata_names(RRType type);
// RFC 3597 §4: output compression only for the RFC 1035 types (not SRV).
bool rdata_names_compressible(RRType type);

}  // namespace clusterdns::dns
