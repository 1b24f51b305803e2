#pragma once
// Helpers shared by the wire codec tests: captured packets, hand-made packets, names.

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dns/wire/name.h"

namespace clusterdns::dns::testing {

inline std::vector<uint8_t> read_data(const std::string& file) {
  std::ifstream in(std::string(CLUSTERDNS_SOURCE_DIR) + "/tests/dns/data/" + file,
                   std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing test data " << file;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline Name name(const char* text) {
  auto parsed = Name::from_text(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : Name();
}

// A packet written octet by octet: header fields then raw pieces.
class PacketWriter {
 public:
  PacketWriter& u8(uint8_t value) {
    octets_.push_back(value);
    return *this;
  }
  PacketWriter& u16(uint16_t value) {
    octets_.push_back(static_cast<uint8_t>(value >> 8));
    octets_.push_back(static_cast<uint8_t>(value & 0xFF));
    return *this;
  }
  PacketWriter& u32(uint32_t value) {
    u16(static_cast<uint16_t>(value >> 16));
    return u16(static_cast<uint16_t>(value & 0xFFFF));
  }
  PacketWriter& header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns,
                       uint16_t ar) {
    return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  // Labels in text ("www.example") followed by the root, uncompressed.
  PacketWriter& name(const std::string& dotted) {
    size_t start = 0;
    while (start < dotted.size()) {
      size_t dot = dotted.find('.', start);
      if (dot == std::string::npos) dot = dotted.size();
      label(dotted.substr(start, dot - start));
      start = dot + 1;
    }
    return u8(0);
  }
  PacketWriter& label(const std::string& text) {
    u8(static_cast<uint8_t>(text.size()));
    octets_.insert(octets_.end(), text.begin(), text.end());
    return *this;
  }
  PacketWriter& pointer(uint16_t offset) { return u16(static_cast<uint16_t>(0xC000 | offset)); }
  size_t size() const { return octets_.size(); }
  const std::vector<uint8_t>& octets() const { return octets_; }

 private:
  std::vector<uint8_t> octets_;
};

}  // namespace clusterdns::dns::testing
