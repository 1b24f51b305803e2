#include "dns/wire/reader.h"

namespace clusterdns::dns {

const char* wire_error_name(WireError error) {
  switch (error) {
    case WireError::kNone:
      return "no error";
    case WireError::kTruncated:
      return "truncated";
    case WireError::kLabelTooLong:
      return "label longer than 63 octets";
    case WireError::kBadLabelType:
      return "reserved label type";
    case WireError::kNameTooLong:
      return "name longer than 255 octets";
    case WireError::kPointerLoop:
      return "compression pointer loop";
    case WireError::kForwardPointer:
      return "forward compression pointer";
    case WireError::kPointerIntoHeader:
      return "compression pointer into the header";
    case WireError::kBadRdata:
      return "malformed rdata";
    case WireError::kBadQuestionCount:
      return "question count is not 1";
    case WireError::kDuplicateOpt:
      return "more than one OPT record";
    case WireError::kBadOpt:
      return "malformed OPT record";
    case WireError::kBadText:
      return "malformed presentation text";
  }
  return "unknown error";
}

WireReader::WireReader(std::span<const uint8_t> message, size_t offset) : message_(message) {
  seek(offset);
}

bool WireReader::require(size_t n) {
  if (!ok()) return false;
  if (n > message_.size() - offset_) {
    fail(WireError::kTruncated);
    return false;
  }
  return true;
}

uint8_t WireReader::u8() {
  if (!require(1)) return 0;
  return message_[offset_++];
}

uint16_t WireReader::u16() {
  if (!require(2)) return 0;
  auto value = static_cast<uint16_t>((message_[offset_] << 8) | message_[offset_ + 1]);
  offset_ += 2;
  return value;
}

uint32_t WireReader::u32() {
  if (!require(4)) return 0;
  uint32_t value = (uint32_t{message_[offset_]} << 24) | (uint32_t{message_[offset_ + 1]} << 16) |
                   (uint32_t{message_[offset_ + 2]} << 8) | uint32_t{message_[offset_ + 3]};
  offset_ += 4;
  return value;
}

std::span<const uint8_t> WireReader::bytes(size_t n) {
  if (!require(n)) return {};
  auto view = message_.subspan(offset_, n);
  offset_ += n;
  return view;
}

void WireReader::skip(size_t n) {
  if (require(n)) offset_ += n;
}

void WireReader::seek(size_t offset) {
  if (!ok()) return;
  if (offset > message_.size()) {
    fail(WireError::kTruncated);
    return;
  }
  offset_ = offset;
}

}  // namespace clusterdns::dns
