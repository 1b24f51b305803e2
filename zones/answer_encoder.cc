#include "zones/answer_encoder.h"

#include <algorithm>
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

}  // namespace

void name_to_wire(std::string_view text, std::vector<uint8_t>& wire) {
  // Every record's owner and target passes here at start-up: one pass over the text,
  // each octet copied behind its label's length slot. Text of at most 253 octets with
  // no label above 63 never needs cutting; anything else takes the careful path.
  constexpr size_t kMaxPlainText = 253;
  constexpr size_t kMaxLabel = 63;
  if (text.size() > kMaxPlainText) return name_to_wire_slow(text, wire);
  uint8_t buffer[256];
  size_t label = 0;  // where the current label's length goes
  size_t size = 1;
  for (const char c : text) {
    if (c != '.') {
      buffer[size++] = dns::fold_ascii(static_cast<uint8_t>(c));
      continue;
    }
    const size_t length = size - label - 1;
    if (length == 0) continue;  // an empty label is dropped
    if (length > kMaxLabel) return name_to_wire_slow(text, wire);
    buffer[label] = static_cast<uint8_t>(length);
    label = size++;
  }
  const size_t length = size - label - 1;
  if (length > kMaxLabel) return name_to_wire_slow(text, wire);
  if (length == 0) {
    size = label;  // its slot takes the root label
  } else {
    buffer[label] = static_cast<uint8_t>(length);
  }
  buffer[size++] = 0;
  wire.assign(buffer, buffer + size);
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
  for (size_t position = 0; position < labels_end && wire[position] != 0;
       position += size_t{wire[position]} + 1) {
    if (message_offset + position > kMaxPointerOffset) break;
    const auto suffix = wire.subspan(position);
    if (written_at(suffix) != nullptr) continue;  // the first place it was written wins
    suffixes_.push_back({static_cast<uint32_t>(keys_.size()), static_cast<uint16_t>(suffix.size()),
                         static_cast<uint16_t>(message_offset + position)});
    keys_.insert(keys_.end(), suffix.begin(), suffix.end());
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
  size_t position = 0;
  while (position < wire.size() && wire[position] != 0) {
    if (compress) {
      if (const uint16_t* found = written_at(wire.subspan(position))) {
        const uint16_t pointer = *found;
        out_.insert(out_.end(), wire.begin(), wire.begin() + static_cast<ptrdiff_t>(position));
        put_u16(static_cast<uint16_t>(0xc000 | pointer));
        remember(wire, start, position);  // only the labels written before the pointer
        return;
      }
    }
    position += size_t{wire[position]} + 1;
  }
  out_.insert(out_.end(), wire.begin(), wire.end());
  remember(wire, start, wire.size());
}

void AnswerEncoder::add_text_name(std::string_view text, bool compress) {
  name_to_wire(text, scratch_);
  add_name(scratch_, compress);
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
  put_u16(record.type);
  put_u16(kClassIn);
  put_u32(record.ttl);
  const size_t length_at = out_.size();
  put_u16(0);
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
          put_u16(data.priority);
          put_u16(data.weight);
          put_u16(data.port);
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
