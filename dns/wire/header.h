#pragma once
// The fixed 12-octet DNS message header (RFC 1035 §4.1.1).

#include <cstdint>
#include <span>

#include "dns/wire/reader.h"
#include "dns/wire/types.h"

namespace clusterdns::dns {

struct Header {
  uint16_t id = 0;
  uint16_t flags = 0;  // QR, opcode, AA, TC, RD, RA, Z, AD, CD, low 4 rcode bits
  uint16_t qdcount = 0;
  uint16_t ancount = 0;
  uint16_t nscount = 0;
  uint16_t arcount = 0;

  bool has(uint16_t flag) const { return (flags & flag) != 0; }
  void set(uint16_t flag, bool on = true) {
    flags = static_cast<uint16_t>(on ? (flags | flag) : (flags & ~flag));
  }
  uint8_t opcode() const { return static_cast<uint8_t>((flags & kOpcodeMask) >> kOpcodeShift); }
  void set_opcode(uint8_t opcode);
  void set_opcode(Opcode opcode) { set_opcode(static_cast<uint8_t>(opcode)); }
  // Only the low 4 bits live in the header; see Rcode.
  uint8_t rcode() const { return static_cast<uint8_t>(flags & kRcodeMask); }
  void set_rcode(uint8_t low_bits);

  friend bool operator==(const Header&, const Header&) = default;
};

// Reads 12 octets; a short read poisons the reader.
Header read_header(WireReader& reader);
// Writes 12 octets at out[0..11]; out must hold at least kHeaderSize octets.
void write_header(const Header& header, std::span<uint8_t> out);

}  // namespace clusterdns::dns
