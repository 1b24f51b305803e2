#include "zones/answer_encoder.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <type_traits>

#include "dns/wire/name.h"
#include "dns/wire/types.h"

namespace clusterdns::zones {
namespace {

using dns::kHeaderSize;
constexpr size_t kMaxPointerOffset = 0x3fff;  // RFC 1035 §4.1.4: 14-bit offsets
constexpr uint16_t kClassIn = dns::to_u16(dns::RRClass::kIN);

// Any text: labels cut to 63 octets, empty ones dropped, the name cut to 255 octets.
void name_to_wire_slow(std::string_view text, std::vector<uint8_t>& wire) {
  // Into a fixed buffer first (a wire name is at most 255 octets), then one copy out:
  // no growth checks per octet.
  uint8_t buffer[256];
  size_t size = 0;
  size_t start = 0;
  while (start < text.size()) {
    const void* dot = std::memchr(text.data() + start, '.', text.size() - start);
    const size_t end =
        dot == nullptr ? text.size() : static_cast<size_t>(static_cast<const char*>(dot) - text.data());
    const size_t length = std::min<size_t>(end - start, 63);
    if (length > 0 && size + length + 2 <= 255) {
      buffer[size++] = static_cast<uint8_t>(length);
      for (size_t i = 0; i < length; ++i) {
        buffer[size++] = dns::fold_ascii(static_cast<uint8_t>(text[start + i]));
      }
    }
    start = end + 1;
  }
  buffer[size++] = 0;
  wire.assign(buffer, buffer + size);
}

// The high bit of each octet that is a dot, and no other bit.
uint64_t dot_octets(uint64_t word) {
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  const uint64_t x = word ^ (0x0101010101010101ULL * '.');  // dots become zero octets
  return ~(((x & kLow7) + kLow7) | x | kLow7);
}

}  // namespace

void name_to_wire(std::string_view text, std::vector<uint8_t>& wire) {
  // Every record's owner and target passes here at start-up. The text goes one octet
  // on, lower-cased eight octets at a time; each dot then becomes the length octet of
  // the label after it (a final dot, the root label). Text of at most 253 octets with
  // no empty label and none above 63 needs nothing else; anything else takes the
  // careful path.
  constexpr size_t kMaxPlainText = 253;
  constexpr size_t kMaxLabel = 63;
  const size_t size = text.size();
  if (size == 0 || size > kMaxPlainText) return name_to_wire_slow(text, wire);
  uint8_t buffer[256];
  size_t label = 0;  // where the current label starts in the text; its length goes to buffer[label]
  // The label ending at the dot text[at]: false if it is empty or too long.
  const auto end_label = [&buffer, &label](size_t at) {
    const size_t length = at - label;
    buffer[label] = static_cast<uint8_t>(length);
    label = at + 1;
    return length != 0 && length <= kMaxLabel;
  };
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    const uint64_t folded = dns::fold_ascii_word(word);
    std::memcpy(buffer + 1 + i, &folded, 8);
    for (uint64_t dots = dot_octets(word); dots != 0; dots &= dots - 1) {
      if (!end_label(i + static_cast<size_t>(std::countr_zero(dots)) / 8)) {
        return name_to_wire_slow(text, wire);
      }
    }
  }
  for (; i < size; ++i) {
    const auto octet = static_cast<uint8_t>(text[i]);
    buffer[1 + i] = dns::fold_ascii(octet);
    if (octet == '.' && !end_label(i)) return name_to_wire_slow(text, wire);
  }
  if (label == size) {  // a final dot: its octet is the root label
    buffer[size] = 0;
    wire.assign(buffer, buffer + size + 1);
    return;
  }
  const size_t length = size - label;
  if (length > kMaxLabel) return name_to_wire_slow(text, wire);
  buffer[label] = static_cast<uint8_t>(length);
  buffer[size + 1] = 0;
  wire.assign(buffer, buffer + size + 2);
}

std::vector<uint8_t> name_to_wire(std::string_view text) {
  std::vector<uint8_t> wire;
  name_to_wire(text, wire);
  return wire;
}

AnswerEncoder::AnswerEncoder(std::span<const uint8_t> qname) { reset(qname); }

void AnswerEncoder::reset(std::span<const uint8_t> qname) {
  base_ = kHeaderSize + qname.size() + 4;
  out_.clear();
  suffixes_.clear();
  keys_.clear();
  remember(qname, kHeaderSize, qname.size());
}

void AnswerEncoder::remember(std::span<const uint8_t> wire, size_t message_offset,
                             size_t labels_end) {
  // The first place a suffix was written wins. Once one is known, so is every shorter
  // one that could still be pointed at: it was remembered along with it, or lay past
  // the pointer limit there and so lies past it here too.
  size_t position = 0;
  while (position < labels_end && wire[position] != 0 &&
         written_at(wire.subspan(position)) == nullptr) {
    position += size_t{wire[position]} + 1;
  }
  remember_new(wire, message_offset, position);
}

void AnswerEncoder::remember_new(std::span<const uint8_t> wire, size_t message_offset,
                                 size_t labels_end) {
  if (labels_end == 0) return;
  // The suffixes share one copy of the name in keys_.
  const auto key = static_cast<uint32_t>(keys_.size());
  keys_.insert(keys_.end(), wire.begin(), wire.end());
  for (size_t position = 0; position < labels_end; position += size_t{wire[position]} + 1) {
    if (message_offset + position > kMaxPointerOffset) break;
    suffixes_.push_back({static_cast<uint32_t>(key + position),
                         static_cast<uint16_t>(wire.size() - position),
                         static_cast<uint16_t>(message_offset + position)});
  }
}

const uint16_t* AnswerEncoder::written_at(std::span<const uint8_t> suffix) const {
  for (const Suffix& known : suffixes_) {
    if (known.key_length == suffix.size() &&
        std::memcmp(keys_.data() + known.key_offset, suffix.data(), suffix.size()) == 0) {
      return &known.message_offset;
    }
  }
  return nullptr;
}

void AnswerEncoder::add_name(std::span<const uint8_t> wire, bool compress) {
  const size_t start = base_ + out_.size();
  if (!compress) {
    out_.insert(out_.end(), wire.begin(), wire.end());
    remember(wire, start, wire.size());
    return;
  }
  size_t position = 0;
  while (position < wire.size() && wire[position] != 0) {
    if (const uint16_t* found = written_at(wire.subspan(position))) {
      const uint16_t pointer = *found;
      out_.insert(out_.end(), wire.begin(), wire.begin() + static_cast<ptrdiff_t>(position));
      put_u16(static_cast<uint16_t>(0xc000 | pointer));
      break;
    }
    position += size_t{wire[position]} + 1;
  }
  if (position == wire.size() || wire[position] == 0) {  // no pointer: the name in full
    out_.insert(out_.end(), wire.begin(), wire.end());
  }
  // The suffixes before `position` were all just looked for and not found (and differ
  // from each other in length): remember them without looking again.
  remember_new(wire, start, position);
}

void AnswerEncoder::add_text_name(std::string_view text, bool compress) {
  // A chunk's RDATA names repeat (a Service's name is the target of each of its SRV
  // records, at its port names and again at its bare name): the last few conversions
  // are kept, and comparing text is cheaper than converting it again.
  for (const ConvertedName& known : converted_) {
    // (A slot never filled has no wire octets, not even the root's.)
    if (!known.wire.empty() && known.text == text) return add_name(known.wire, compress);
  }
  ConvertedName& slot = converted_[next_converted_];
  next_converted_ = (next_converted_ + 1) % converted_.size();
  slot.text.assign(text);
  name_to_wire(text, slot.wire);
  add_name(slot.wire, compress);
}

void AnswerEncoder::put_u16(uint16_t value) {
  out_.push_back(static_cast<uint8_t>(value >> 8));
  out_.push_back(static_cast<uint8_t>(value));
}

void AnswerEncoder::put_u32(uint32_t value) {
  put_u16(static_cast<uint16_t>(value >> 16));
  put_u16(static_cast<uint16_t>(value));
}

void AnswerEncoder::add(const Record& record) {
  name_to_wire(record.owner, owner_scratch_);
  add(record, owner_scratch_);
}

void AnswerEncoder::add(const Record& record, std::span<const uint8_t> owner_wire) {
  add_name(owner_wire, true);
  // Type, class, TTL and an RDLENGTH set below, in one append.
  const uint8_t fixed[10] = {static_cast<uint8_t>(record.type >> 8),
                             static_cast<uint8_t>(record.type),
                             static_cast<uint8_t>(kClassIn >> 8),
                             static_cast<uint8_t>(kClassIn),
                             static_cast<uint8_t>(record.ttl >> 24),
                             static_cast<uint8_t>(record.ttl >> 16),
                             static_cast<uint8_t>(record.ttl >> 8),
                             static_cast<uint8_t>(record.ttl),
                             0,
                             0};
  out_.insert(out_.end(), std::begin(fixed), std::end(fixed));
  const size_t length_at = out_.size() - 2;
  put_rdata(record);
  const size_t rdlength = out_.size() - length_at - 2;
  out_[length_at] = static_cast<uint8_t>(rdlength >> 8);
  out_[length_at + 1] = static_cast<uint8_t>(rdlength);
}

void AnswerEncoder::put_rdata(const Record& record) {
  std::visit(
      [&](const auto& data) {
        using T = std::decay_t<decltype(data)>;
        if constexpr (std::is_same_v<T, registry::IpAddress>) {
          out_.insert(out_.end(), data.bytes.begin(),
                      data.bytes.begin() + static_cast<ptrdiff_t>(data.size()));
        } else if constexpr (std::is_same_v<T, std::string>) {
          // NS, CNAME, PTR: RFC 3597 §4 lets these be compressed.
          add_text_name(data, true);
        } else if constexpr (std::is_same_v<T, SoaData>) {
          add_text_name(data.mname, true);
          add_text_name(data.rname, true);
          for (uint32_t value :
               {data.serial, data.refresh, data.retry, data.expire, data.minimum}) {
            put_u32(value);
          }
        } else if constexpr (std::is_same_v<T, SrvData>) {
          const uint8_t fixed[6] = {
              static_cast<uint8_t>(data.priority >> 8), static_cast<uint8_t>(data.priority),
              static_cast<uint8_t>(data.weight >> 8),   static_cast<uint8_t>(data.weight),
              static_cast<uint8_t>(data.port >> 8),     static_cast<uint8_t>(data.port)};
          out_.insert(out_.end(), std::begin(fixed), std::end(fixed));
          add_text_name(data.target, false);  // RFC 2782: no compression
        } else {
          for (const std::string& text : data) {  // TXT character-strings (RFC 1035 §3.3)
            const size_t length = std::min<size_t>(text.size(), 255);
            out_.push_back(static_cast<uint8_t>(length));
            out_.insert(out_.end(), text.begin(), text.begin() + static_cast<ptrdiff_t>(length));
          }
        }
      },
      record.data);
}

}  // namespace clusterdns::zones
