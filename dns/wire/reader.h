#pragma once
// Bounds-checked reading of untrusted DNS messages. The reader keeps a sticky error
// (as Knot's libknot does): a failed read poisons it, later reads return zeros, and
// the caller checks ok() once at the end instead of after every field.

#include <cstddef>
#include <cstdint>
#include <span>

namespace clusterdns::dns {

// Why a message could not be read. Stable values: tests and logs name them.
enum class WireError : uint8_t {
  kNone = 0,
  kTruncated,          // a field or RDATA runs past the end of the message
  kLabelTooLong,       // a label length above 63
  kBadLabelType,       // reserved label types 0x40 / 0x80 (RFC 6891 §5 retired EDNS0 0x40)
  kNameTooLong,        // more than 255 octets uncompressed (RFC 1035 §3.1)
  kPointerLoop,        // more pointers than a legal name could need
  kForwardPointer,     // a pointer not strictly before the name it belongs to
  kPointerIntoHeader,  // a pointer into the 12-byte header
  kBadRdata,           // RDATA does not match its type's layout
  kBadQuestionCount,   // QDCOUNT other than 1 in a query
  kDuplicateOpt,       // two OPT records (RFC 6891 §6.1.1)
  kBadOpt,             // OPT not at the root, or malformed options
  kBadText,            // presentation text that does not parse
};

// Short stable name ("truncated", "pointer loop", ...).
const char* wire_error_name(WireError error);

class WireReader {
 public:
  // `message` is the whole DNS message: compression pointers are offsets into it.
  explicit WireReader(std::span<const uint8_t> message, size_t offset = 0);

  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  // A view of the next n bytes (empty on error).
  std::span<const uint8_t> bytes(size_t n);
  void skip(size_t n);
  // Moves to an absolute offset (fails as truncated beyond the end).
  void seek(size_t offset);

  bool ok() const { return error_ == WireError::kNone; }
  WireError error() const { return error_; }
  // Records the first error only; later ones are consequences of it.
  void fail(WireError error) {
    if (error_ == WireError::kNone) error_ = error;
  }

  size_t offset() const { return offset_; }
  size_t remaining() const { return ok() ? message_.size() - offset_ : 0; }
  bool at_end() const { return offset_ >= message_.size(); }
  std::span<const uint8_t> message() const { return message_; }

 private:
  bool require(size_t n);

  std::span<const uint8_t> message_;
  size_t offset_ = 0;
  WireError error_ = WireError::kNone;
};

}  // namespace clusterdns::dns
