#include "dns/wire/name.h"

#include <algorithm>
#include <cstring>

namespace clusterdns::dns {
namespace {

constexpr uint8_t kPointerBits = 0xC0;

bool is_pointer(uint8_t length_octet) {
  return (length_octet & kPointerBits) == kPointerBits;
}
// 0x40 (extended, RFC 6891 §5) and 0x80 (reserved) label types; also any length > 63.
bool is_reserved_type(uint8_t length_octet) {
  return (length_octet & kPointerBits) != 0 && !is_pointer(length_octet);
}

// The octet ranges a name has been read from, to tell a loop (revisiting them) from a
// plain forward pointer. A legal name visits at most 128 ranges: every range but the
// last holds at least one label, and a pointer always lands strictly lower.
class VisitedRanges {
 public:
  bool add(size_t begin, size_t end) {
    if (count_ == ranges_.size()) return false;
    ranges_[count_++] = {begin, end};
    return true;
  }
  bool contains(size_t offset) const {
    for (size_t i = 0; i < count_; ++i) {
      if (offset >= ranges_[i].first && offset < ranges_[i].second) return true;
    }
    return false;
  }

 private:
  std::array<std::pair<size_t, size_t>, 130> ranges_;  // the first count_ are set
  size_t count_ = 0;
};

bool is_special(uint8_t c) {
  return c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')' || c == '@' ||
         c == '$';
}

void append_escaped(std::string& out, uint8_t c) {
  if (c <= 0x20 || c >= 0x7F) {
    out += '\\';
    out += static_cast<char>('0' + c / 100);
    out += static_cast<char>('0' + (c / 10) % 10);
    out += static_cast<char>('0' + c % 10);
  } else if (is_special(c)) {
    out += '\\';
    out += static_cast<char>(c);
  } else {
    out += static_cast<char>(c);
  }
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

Result<Name> Name::from_text(std::string_view text) {
  if (text.empty()) return Error{"empty domain name"};
  Name name;
  if (text == ".") return name;
  std::array<uint8_t, kMaxNameLength> wire{};
  size_t size = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t length_at = size++;
    size_t label_length = 0;
    while (i < text.size() && text[i] != '.') {
      uint8_t octet = 0;
      if (text[i] == '\\') {
        if (i + 3 < text.size() && is_digit(text[i + 1]) && is_digit(text[i + 2]) &&
            is_digit(text[i + 3])) {
          int value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
          if (value > 255) return Error{"escape \\DDD above 255 in \"" + std::string(text) + "\""};
          octet = static_cast<uint8_t>(value);
          i += 4;
        } else if (i + 1 < text.size()) {
          octet = static_cast<uint8_t>(text[i + 1]);
          i += 2;
        } else {
          return Error{"dangling backslash in \"" + std::string(text) + "\""};
        }
      } else {
        octet = static_cast<uint8_t>(text[i++]);
      }
      if (++label_length > kMaxLabelLength) {
        return Error{"label longer than 63 octets in \"" + std::string(text) + "\""};
      }
      if (size >= kMaxNameLength) {
        return Error{"name longer than 255 octets: \"" + std::string(text) + "\""};
      }
      wire[size++] = octet;
    }
    if (label_length == 0) return Error{"empty label in \"" + std::string(text) + "\""};
    wire[length_at] = static_cast<uint8_t>(label_length);
    if (i < text.size()) ++i;  // the dot; a trailing dot ends the loop
  }
  if (size >= kMaxNameLength) {
    return Error{"name longer than 255 octets: \"" + std::string(text) + "\""};
  }
  wire[size++] = 0;
  name.wire_ = wire;
  name.size_ = static_cast<uint8_t>(size);
  return name;
}

std::optional<Name> Name::from_wire(std::span<const uint8_t> wire) {
  WireReader reader(wire);
  size_t length = skip_uncompressed_name(reader);
  if (!reader.ok() || length != wire.size()) return std::nullopt;
  Name name;
  std::copy(wire.begin(), wire.end(), name.wire_.begin());
  name.size_ = static_cast<uint8_t>(length);
  return name;
}

size_t Name::label_count() const {
  size_t count = 0;
  for (size_t at = 0; wire_[at] != 0; at += wire_[at] + 1u) ++count;
  return count;
}

std::span<const uint8_t> Name::label(size_t index) const {
  size_t at = 0;
  for (size_t i = 0; i < index && wire_[at] != 0; ++i) at += wire_[at] + 1u;
  return {wire_.data() + at + 1, wire_[at]};
}

std::string Name::to_text() const {
  if (is_root()) return ".";
  std::string text;
  for (size_t at = 0; wire_[at] != 0; at += wire_[at] + 1u) {
    for (size_t i = 1; i <= wire_[at]; ++i) append_escaped(text, wire_[at + i]);
    text += '.';
  }
  return text;
}

void fold_ascii_octets(const uint8_t* from, uint8_t* to, size_t size) {
  size_t at = 0;
  for (; at + 8 <= size; at += 8) {
    uint64_t word;
    std::memcpy(&word, from + at, sizeof word);
    word = fold_ascii_word(word);
    std::memcpy(to + at, &word, sizeof word);
  }
  for (; at < size; ++at) to[at] = fold_ascii(from[at]);
}

void Name::to_lower() {
  fold_ascii_octets(wire_.data(), wire_.data(), size_);
}

void Name::assign_lowered(const Name& other) {
  fold_ascii_octets(other.wire_.data(), wire_.data(), other.size_);
  size_ = other.size_;
}

bool Name::prepend_label(std::span<const uint8_t> label) {
  if (label.empty() || label.size() > kMaxLabelLength) return false;
  if (size_ + label.size() + 1 > kMaxNameLength) return false;
  std::copy_backward(wire_.begin(), wire_.begin() + size_,
                     wire_.begin() + size_ + static_cast<long>(label.size()) + 1);
  wire_[0] = static_cast<uint8_t>(label.size());
  std::copy(label.begin(), label.end(), wire_.begin() + 1);
  size_ = static_cast<uint8_t>(size_ + label.size() + 1);
  return true;
}

bool Name::prepend_label(std::string_view label) {
  return prepend_label(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(label.data()), label.size()));
}

Name Name::parent(size_t count) const {
  size_t at = 0;
  for (size_t i = 0; i < count && wire_[at] != 0; ++i) at += wire_[at] + 1u;
  Name result;
  std::copy(wire_.begin() + static_cast<long>(at), wire_.begin() + size_, result.wire_.begin());
  result.size_ = static_cast<uint8_t>(size_ - at);
  return result;
}

bool Name::is_subdomain_of(const Name& zone) const {
  if (zone.size_ > size_) return false;
  size_t start = size_ - zone.size_;
  size_t at = 0;
  while (at < start) at += wire_[at] + 1u;
  if (at != start) return false;
  for (size_t i = 0; i < zone.size_; ++i) {
    if (fold_ascii(wire_[start + i]) != fold_ascii(zone.wire_[i])) return false;
  }
  return true;
}

bool operator==(const Name& a, const Name& b) {
  if (a.size_ != b.size_) return false;
  for (size_t i = 0; i < a.size_; ++i) {
    if (fold_ascii(a.wire_[i]) != fold_ascii(b.wire_[i])) return false;
  }
  return true;
}

bool Name::exact_equal(const Name& other) const {
  return size_ == other.size_ &&
         std::equal(wire_.begin(), wire_.begin() + size_, other.wire_.begin());
}

size_t Name::hash() const {
  // FNV-1a over the folded octets.
  uint64_t hash = 14695981039346656037ull;
  for (size_t i = 0; i < size_; ++i) {
    hash ^= fold_ascii(wire_[i]);
    hash *= 1099511628211ull;
  }
  return static_cast<size_t>(hash);
}

// Any name, compressed or not: tracks pointers to tell loops from legal chains.
void read_name_general(WireReader& reader, Name& out) {
  out.wire_[0] = 0;
  out.size_ = 1;
  if (!reader.ok()) return;
  std::span<const uint8_t> message = reader.message();
  const size_t start = reader.offset();
  size_t at = start;
  size_t segment_begin = start;
  size_t limit = start;  // the next pointer must land strictly below this
  size_t resume = 0;     // where the reader continues: after the first pointer
  size_t size = 0;
  VisitedRanges visited;
  std::array<uint8_t, kMaxNameLength> wire;  // the first `size` octets are set

  auto fail = [&](WireError error) { reader.fail(error); };
  while (true) {
    if (at >= message.size()) return fail(WireError::kTruncated);
    uint8_t length = message[at];
    if (is_pointer(length)) {
      if (at + 1 >= message.size()) return fail(WireError::kTruncated);
      size_t target = (size_t{length & 0x3Fu} << 8) | message[at + 1];
      if (resume == 0) resume = at + 2;
      if (!visited.add(segment_begin, at + 2)) return fail(WireError::kPointerLoop);
      if (visited.contains(target)) return fail(WireError::kPointerLoop);
      if (target >= limit) return fail(WireError::kForwardPointer);
      if (target < kHeaderSize) return fail(WireError::kPointerIntoHeader);
      limit = target;
      at = segment_begin = target;
      continue;
    }
    if (is_reserved_type(length)) return fail(WireError::kBadLabelType);
    if (size + length + 1 > kMaxNameLength) return fail(WireError::kNameTooLong);
    if (length == 0) {
      wire[size++] = 0;
      if (resume == 0) resume = at + 1;
      break;
    }
    if (at + 1 + length > message.size()) return fail(WireError::kTruncated);
    std::copy_n(message.begin() + static_cast<long>(at), length + 1,
                wire.begin() + static_cast<long>(size));
    size += length + 1u;
    at += length + 1u;
  }
  std::memcpy(out.wire_.data(), wire.data(), size);
  out.size_ = static_cast<uint8_t>(size);
  reader.seek(resume);
}

// Most names on the serving path (every question) are uncompressed: copy their labels
// straight into `out` in one pass. Anything else (a pointer, a reserved label type, a
// name running past the end or over 255 octets) goes to the general reader, which
// reads it again from the start and reports exactly what is wrong.
void read_name(WireReader& reader, Name& out) {
  out.wire_[0] = 0;
  out.size_ = 1;
  if (!reader.ok()) return;
  const std::span<const uint8_t> message = reader.message();
  const uint8_t* data = message.data();
  const size_t end = message.size();
  size_t at = reader.offset();
  size_t size = 0;
  while (at < end) {
    const size_t length = data[at];
    if (length > kMaxLabelLength || size + length + 1 > kMaxNameLength || at + 1 + length > end) {
      break;
    }
    if (length == 0) {
      out.wire_[size] = 0;
      out.size_ = static_cast<uint8_t>(size + 1);
      reader.seek(at + 1);
      return;
    }
    std::memcpy(out.wire_.data() + size, data + at, length + 1);
    size += length + 1;
    at += length + 1;
  }
  read_name_general(reader, out);
}

size_t skip_uncompressed_name(WireReader& reader) {
  size_t size = 0;
  while (reader.ok()) {
    uint8_t length = reader.u8();
    if (!reader.ok()) return 0;
    if (is_pointer(length)) {
      reader.fail(WireError::kBadRdata);
      return 0;
    }
    if (is_reserved_type(length)) {
      reader.fail(WireError::kBadLabelType);
      return 0;
    }
    size += length + 1u;
    if (size > kMaxNameLength) {
      reader.fail(WireError::kNameTooLong);
      return 0;
    }
    if (length == 0) return size;
    reader.skip(length);
  }
  return 0;
}

}  // namespace clusterdns::dns
