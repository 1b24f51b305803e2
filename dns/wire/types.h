#pragma once
// DNS protocol constants shared by the codec, the zones and the server: RR types and
// classes, opcodes, response codes, header flag bits and the size limits we apply.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clusterdns::dns {

// An RRType may hold any 16-bit value; unknown types round-trip as TYPEnnnn (RFC 3597).
enum class RRType : uint16_t {
  kA = 1,
  kNS = 2,
  kCNAME = 5,
  kSOA = 6,
  kPTR = 12,
  kHINFO = 13,
  kMX = 15,
  kTXT = 16,
  kAAAA = 28,
  kSRV = 33,
  kOPT = 41,
  kIXFR = 251,
  kAXFR = 252,
  kANY = 255,
};

enum class RRClass : uint16_t {
  kIN = 1,
  kCH = 3,
  kNONE = 254,
  kANY = 255,
};

enum class Opcode : uint8_t {
  kQuery = 0,
  kIQuery = 1,
  kStatus = 2,
  kNotify = 4,
  kUpdate = 5,
};

// Response codes. Values above 15 need EDNS: the upper 8 bits travel in the OPT TTL
// (RFC 6891 §6.1.3).
enum class Rcode : uint16_t {
  kNoError = 0,
  kFormErr = 1,
  kServFail = 2,
  kNXDomain = 3,
  kNotImp = 4,
  kRefused = 5,
  kBadVers = 16,
};

// Header flag bits within the 16-bit flags word (RFC 1035 §4.1.1, RFC 4035 §3.2).
inline constexpr uint16_t kFlagQR = 0x8000;
inline constexpr uint16_t kFlagAA = 0x0400;
inline constexpr uint16_t kFlagTC = 0x0200;
inline constexpr uint16_t kFlagRD = 0x0100;
inline constexpr uint16_t kFlagRA = 0x0080;
inline constexpr uint16_t kFlagAD = 0x0020;
inline constexpr uint16_t kFlagCD = 0x0010;
inline constexpr uint16_t kOpcodeMask = 0x7800;
inline constexpr int kOpcodeShift = 11;
inline constexpr uint16_t kRcodeMask = 0x000F;

// EDNS flags within the OPT TTL's low 16 bits (RFC 3225).
inline constexpr uint16_t kEdnsFlagDO = 0x8000;

// RFC 8020/DNS flag day 2020: 1232 avoids fragmentation; 512 is the RFC 1035 floor.
inline constexpr size_t kMaxUdpPayload = 1232;
inline constexpr size_t kMinUdpPayload = 512;
inline constexpr size_t kMaxTcpMessage = 65535;
inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxNameLength = 255;  // wire octets, root label included
inline constexpr size_t kMaxLabelLength = 63;
// OPT RR without options: root owner(1) type(2) class(2) ttl(4) rdlength(2).
inline constexpr size_t kOptRecordSize = 11;
// EDNS option codes we recognise (RFC 7873 cookie; every other option is ignored).
inline constexpr uint16_t kEdnsOptionCookie = 10;

// Master-file mnemonic ("A", "SRV") or "TYPE65280" for types we have no name for.
std::string type_name(RRType type);
// Accepts mnemonics case-insensitively and the RFC 3597 "TYPEnnn" form.
std::optional<RRType> parse_type(std::string_view text);
// "IN", "CH", "ANY" or "CLASSnnn".
std::string class_name(uint16_t klass);
std::optional<uint16_t> parse_class(std::string_view text);
// "NOERROR", "FORMERR", ... or "RCODEnn"; for logs and tests.
std::string rcode_name(uint16_t rcode);
std::string opcode_name(uint8_t opcode);

constexpr uint16_t to_u16(RRType type) {
  return static_cast<uint16_t>(type);
}
constexpr uint16_t to_u16(RRClass klass) {
  return static_cast<uint16_t>(klass);
}
constexpr uint16_t to_u16(Rcode rcode) {
  return static_cast<uint16_t>(rcode);
}

}  // namespace clusterdns::dns
