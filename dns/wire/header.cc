#include "dns/wire/header.h"

namespace clusterdns::dns {

void Header::set_opcode(uint8_t opcode) {
  flags = static_cast<uint16_t>((flags & ~kOpcodeMask) | ((opcode << kOpcodeShift) & kOpcodeMask));
}

void Header::set_rcode(uint8_t low_bits) {
  flags = static_cast<uint16_t>((flags & ~kRcodeMask) | (low_bits & kRcodeMask));
}

Header read_header(WireReader& reader) {
  Header header;
  header.id = reader.u16();
  header.flags = reader.u16();
  header.qdcount = reader.u16();
  header.ancount = reader.u16();
  header.nscount = reader.u16();
  header.arcount = reader.u16();
  if (!reader.ok()) return Header{};
  return header;
}

void write_header(const Header& header, std::span<uint8_t> out) {
  const uint16_t fields[] = {header.id,      header.flags,   header.qdcount,
                             header.ancount, header.nscount, header.arcount};
  size_t at = 0;
  for (uint16_t field : fields) {
    out[at++] = static_cast<uint8_t>(field >> 8);
    out[at++] = static_cast<uint8_t>(field & 0xFF);
  }
}

}  // namespace clusterdns::dns
