#pragma once
// Domain names in uncompressed wire form, held in a fixed 255-octet buffer (no heap),
// read from messages with full validation of compression pointers.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dns/result.h"
#include "dns/wire/reader.h"
#include "dns/wire/types.h"

namespace clusterdns::dns {

// Case-insensitive ASCII fold used for every name comparison (RFC 4343 §3).
constexpr uint8_t fold_ascii(uint8_t c) {
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}
// fold_ascii() of each octet of a word: bit 7 of a lane of `from_a` is set where the
// lane's low seven bits are 'A' or above, of `above_z` where they are above 'Z' (the
// additions never carry into the next lane); octets from 0x80 up are not ASCII and
// stay as they are. 0x80 >> 2 is 0x20, the lower-case bit.
constexpr uint64_t fold_ascii_word(uint64_t word) {
  constexpr uint64_t kLanes = 0x0101010101010101ULL;
  const uint64_t low7 = word & (0x7f * kLanes);
  const uint64_t from_a = low7 + (0x80 - 'A') * kLanes;
  const uint64_t above_z = low7 + (0x7f - 'Z') * kLanes;
  const uint64_t upper = from_a & ~above_z & ~word & (0x80 * kLanes);
  return word | (upper >> 2);
}
// fold_ascii() of `size` octets from `from` into `to` (which may be `from`), eight at a
// time: every query's name is folded on the serving path.
void fold_ascii_octets(const uint8_t* from, uint8_t* to, size_t size);

class Name {
 public:
  // The root name ".".
  Name() { wire_[0] = 0; }

  // Presentation text: "Foo.Example." or "foo.example" (always absolute), "." for the
  // root, escapes "\." and "\DDD" (RFC 1035 §5.1).
  static Result<Name> from_text(std::string_view text);
  // Uncompressed wire form; the span must be exactly one name ending in the root label.
  static std::optional<Name> from_wire(std::span<const uint8_t> wire);

  // Uncompressed wire octets including the final zero.
  std::span<const uint8_t> wire() const { return {wire_.data(), size_}; }
  size_t size() const { return size_; }
  bool is_root() const { return size_ == 1; }
  size_t label_count() const;
  // The label at `index` (0 = leftmost), without its length octet.
  std::span<const uint8_t> label(size_t index) const;

  // "foo.example." with "\." and "\DDD" escapes for special octets; "." for the root.
  std::string to_text() const;

  void to_lower();
  // Becomes a lower-cased copy of `other` (one pass over its octets only).
  void assign_lowered(const Name& other);
  Name lowered() const {
    Name copy = *this;
    copy.to_lower();
    return copy;
  }

  // Prepends one label (false when it would exceed 63 / 255 octets).
  bool prepend_label(std::span<const uint8_t> label);
  bool prepend_label(std::string_view label);
  // The name with the leftmost `count` labels removed (root stays root).
  Name parent(size_t count = 1) const;
  // True when this name equals `zone` or lies below it, case-insensitively.
  bool is_subdomain_of(const Name& zone) const;

  // Case-insensitive equality (RFC 4343); exact_equal compares octets.
  friend bool operator==(const Name& a, const Name& b);
  bool exact_equal(const Name& other) const;
  // Hash of the lower-cased wire form: names equal under == hash alike.
  size_t hash() const;

 private:
  friend void read_name(WireReader& reader, Name& out);
  friend void read_name_general(WireReader& reader, Name& out);
  // Only the first size_ octets are meaningful; the rest is left uninitialized so that
  // making (or resetting) a Name on the serving path does not clear 255 octets.
  std::array<uint8_t, kMaxNameLength> wire_;
  uint8_t size_ = 1;
};

struct NameHash {
  size_t operator()(const Name& name) const { return name.hash(); }
};

// Reads a possibly compressed name at the reader's position into `out` and advances
// past it (past the first pointer, if any). Pointers must point strictly before the
// start of the name being read and not into the header; a loop or any violation of
// RFC 1035 §3.1/§4.1.4 poisons the reader and leaves `out` as the root.
void read_name(WireReader& reader, Name& out);

// Validates an uncompressed name at the reader's position (no pointers allowed, as
// inside RDATA of types unknown to us) and returns its length in octets, 0 on error.
size_t skip_uncompressed_name(WireReader& reader);

}  // namespace clusterdns::dns
