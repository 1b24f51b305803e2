#pragma once
// Build-time encoder of a response body (the octets after the question) for the
// snapshot: records with RFC 1035 §4.1.4 name compression against the question name
// at offset 12 and every name written before. Not for the serving path: it allocates.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zones/record.h"

namespace clusterdns::zones {

// "web.default.svc.cluster.local." → uncompressed lower-case wire octets. Names from
// Record are plain (no escapes); an empty label or one above 63 octets is cut to fit.
std::vector<uint8_t> name_to_wire(std::string_view text);
// The same into `out` (cleared first), so a caller encoding many names reuses one buffer.
void name_to_wire(std::string_view text, std::vector<uint8_t>& out);

class AnswerEncoder {
 public:
  // `qname` is the lower-case wire name the question will carry.
  explicit AnswerEncoder(std::span<const uint8_t> qname);

  // Starts the next body, for `qname`, keeping the buffers' capacity (a chunk encodes
  // thousands of bodies: one encoder serves them all).
  void reset(std::span<const uint8_t> qname);

  // Appends one record (the owner compressed too).
  void add(const Record& record);
  // The same with the owner already in wire form (name_to_wire(record.owner)).
  void add(const Record& record, std::span<const uint8_t> owner_wire);
  // Appends a name: compressed, or only remembered as a pointer target (SRV targets,
  // RFC 2782: never compressed).
  void add_name(std::span<const uint8_t> wire, bool compress);

  const std::vector<uint8_t>& bytes() const { return out_; }
  size_t size() const { return out_.size(); }

 private:
  void put_u16(uint16_t value);
  void put_u32(uint32_t value);
  void put_rdata(const Record& record);
  // Remembers the suffixes starting at label boundaries before `labels_end`.
  void remember(std::span<const uint8_t> wire, size_t message_offset, size_t labels_end);
  // The same for suffixes known not to be written before.
  void remember_new(std::span<const uint8_t> wire, size_t message_offset, size_t labels_end);
  // Where an identical suffix was written, if it was.
  const uint16_t* written_at(std::span<const uint8_t> suffix) const;
  void add_text_name(std::string_view text, bool compress);

  // A suffix written before: its octets in keys_, and its message offset. A block holds
  // a few dozen at most, so a linear scan beats hashing (and allocates nothing).
  struct Suffix {
    uint32_t key_offset = 0;
    uint16_t key_length = 0;
    uint16_t message_offset = 0;
  };

  size_t base_ = 0;  // message offset of out_[0]
  std::vector<uint8_t> out_;
  std::vector<Suffix> suffixes_;
  std::vector<uint8_t> keys_;
  // The last RDATA names converted to wire octets (add_text_name), reused by text.
  struct ConvertedName {
    std::string text;
    std::vector<uint8_t> wire;
  };
  std::array<ConvertedName, 4> converted_;
  size_t next_converted_ = 0;
  std::vector<uint8_t> owner_scratch_;
};

}  // namespace clusterdns::zones
