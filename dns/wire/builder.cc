#include "dns/wire/builder.h"

#include <algorithm>
#include <cstring>

#include "dns/wire/rdata.h"

namespace clusterdns::dns {
namespace {

constexpr size_t kMaxPointerTarget = 0x3FFF;  // 14-bit offsets (RFC 1035 §4.1.4)
constexpr size_t kMaxPointerHops = 128;

// Compares the name written at `offset` of `message` (following our own pointers)
// with the uncompressed `suffix`, ignoring ASCII case.
bool name_at_equals(std::span<const uint8_t> message, size_t offset,
                    std::span<const uint8_t> suffix) {
  size_t at = 0;
  for (size_t hops = 0; hops <= kMaxPointerHops && offset < message.size();) {
    uint8_t length = message[offset];
    if ((length & 0xC0) == 0xC0) {
      if (offset + 1 >= message.size()) return false;
      offset = (size_t{length & 0x3Fu} << 8) | message[offset + 1];
      ++hops;
      continue;
    }
    if (at >= suffix.size() || suffix[at] != length) return false;
    if (length == 0) return true;
    if (offset + 1 + length > message.size() || at + 1 + length > suffix.size()) return false;
    for (size_t i = 1; i <= length; ++i) {
      if (fold_ascii(message[offset + i]) != fold_ascii(suffix[at + i])) return false;
    }
    offset += length + 1u;
    at += length + 1u;
  }
  return false;
}

}  // namespace

MessageBuilder::MessageBuilder(std::span<uint8_t> buffer, size_t max_size) : buffer_(buffer) {
  limit_ = std::min(buffer.size(), max_size);
  size_ = buffer.size() >= kHeaderSize ? kHeaderSize : 0;
}

void MessageBuilder::set_rcode(uint16_t rcode) {
  rcode_ = rcode;
  header_.set_rcode(static_cast<uint8_t>(rcode & kRcodeMask));
}

void MessageBuilder::set_max_size(size_t max_size) {
  limit_ = std::min(buffer_.size(), max_size);
}

void MessageBuilder::reserve_opt(size_t options_size) {
  reserved_ = kOptRecordSize + options_size;
}

size_t MessageBuilder::room() const {
  if (limit_ < kHeaderSize || size_ + reserved_ > limit_) return 0;
  return limit_ - size_ - reserved_;
}

bool MessageBuilder::put_bytes(std::span<const uint8_t> octets) {
  if (octets.size() > room()) return false;
  if (!octets.empty()) std::memcpy(buffer_.data() + size_, octets.data(), octets.size());
  size_ += octets.size();
  return true;
}

bool MessageBuilder::put_u16(uint16_t value) {
  const uint8_t octets[] = {static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value & 0xFF)};
  return put_bytes(octets);
}

bool MessageBuilder::put_u32(uint32_t value) {
  return put_u16(static_cast<uint16_t>(value >> 16)) &&
         put_u16(static_cast<uint16_t>(value & 0xFFFF));
}

void MessageBuilder::remember(size_t offset) {
  if (compression_used_ < compression_.size() && offset <= kMaxPointerTarget) {
    compression_[compression_used_++] = static_cast<uint16_t>(offset);
  }
}

// The offset of an earlier name equal to the suffix of `name` starting at
// `label_offset`, or 0 when there is none (0 is the header: never a name).
size_t MessageBuilder::find_suffix(const Name& name, size_t label_offset) const {
  std::span<const uint8_t> suffix = name.wire().subspan(label_offset);
  std::span<const uint8_t> written = buffer_.first(size_);
  for (size_t i = 0; i < compression_used_; ++i) {
    if (name_at_equals(written, compression_[i], suffix)) return compression_[i];
  }
  return 0;
}

bool MessageBuilder::put_name(const Name& name, bool compress) {
  std::span<const uint8_t> wire = name.wire();
  size_t at = 0;
  while (wire[at] != 0) {
    if (compress) {
      if (size_t target = find_suffix(name, at); target != 0) {
        return put_u16(static_cast<uint16_t>(0xC000 | target));
      }
    }
    size_t written_at = size_;
    if (!put_bytes(wire.subspan(at, wire[at] + 1u))) return false;
    remember(written_at);
    at += wire[at] + 1u;
  }
  const uint8_t root = 0;
  return put_bytes({&root, 1});
}

// Writes RDATA, compressing the names of the RFC 1035 types. RDATA that does not
// match its type's layout is written as it is.
bool MessageBuilder::put_rdata(RRType type, std::span<const uint8_t> rdata) {
  RdataNames layout = rdata_names(type);
  if (layout == RdataNames::kNone) return put_bytes(rdata);
  const bool compress = rdata_names_compressible(type);
  size_t fixed_before = layout == RdataNames::kMx ? 2 : layout == RdataNames::kSrv ? 6 : 0;
  size_t names = layout == RdataNames::kSoa ? 2 : 1;
  size_t fixed_after = layout == RdataNames::kSoa ? 20 : 0;

  WireReader reader(rdata);
  reader.skip(fixed_before);
  std::array<size_t, 3> name_offsets{};  // begin of name 1, name 2, end
  for (size_t i = 0; i < names; ++i) {
    name_offsets[i] = reader.offset();
    skip_uncompressed_name(reader);
  }
  name_offsets[names] = reader.offset();
  reader.skip(fixed_after);
  if (!reader.ok() || !reader.at_end()) return put_bytes(rdata);

  if (!put_bytes(rdata.first(fixed_before))) return false;
  for (size_t i = 0; i < names; ++i) {
    auto name =
        Name::from_wire(rdata.subspan(name_offsets[i], name_offsets[i + 1] - name_offsets[i]));
    if (!name || !put_name(*name, compress)) return false;
  }
  return put_bytes(rdata.subspan(name_offsets[names]));
}

bool MessageBuilder::add_question(const Name& name, RRType type, uint16_t klass) {
  if (section_ != Section::kQuestion || counts_[0] == 0xFFFF) return false;
  Mark before = mark();
  if (!put_name(name, true) || !put_u16(to_u16(type)) || !put_u16(klass)) {
    rollback(before);
    return false;
  }
  ++counts_[0];
  return true;
}

void MessageBuilder::begin_rrset() {
  rrset_open_ = true;
  rrset_failed_ = false;
  rrset_mark_ = mark();
}

bool MessageBuilder::commit_rrset() {
  if (!rrset_open_) return true;
  rrset_open_ = false;
  if (!rrset_failed_) return true;
  rollback(rrset_mark_);
  fail_rrset(rrset_section_);
  return false;
}

bool MessageBuilder::add_record(Section section, const Name& owner, RRType type, uint16_t klass,
                                uint32_t ttl, std::span<const uint8_t> rdata) {
  if (section == Section::kQuestion || section < section_ || stopped_) return false;
  if (rrset_open_ && rrset_failed_) return false;
  const bool implicit = !rrset_open_;
  if (implicit) begin_rrset();
  section_ = section;
  size_t index = static_cast<size_t>(section);
  bool fits = counts_[index] < 0xFFFF && rdata.size() <= 0xFFFF && put_name(owner, true) &&
              put_u16(to_u16(type)) && put_u16(klass) && put_u32(ttl) && put_u16(0);
  size_t rdata_start = size_;
  fits = fits && put_rdata(type, rdata) && size_ - rdata_start <= 0xFFFF;
  if (fits) {
    size_t rdlength = size_ - rdata_start;
    buffer_[rdata_start - 2] = static_cast<uint8_t>(rdlength >> 8);
    buffer_[rdata_start - 1] = static_cast<uint8_t>(rdlength & 0xFF);
    ++counts_[index];
  } else {
    rrset_failed_ = true;
    rrset_section_ = section;
  }
  if (implicit) return commit_rrset();
  return fits;
}

bool MessageBuilder::add_opt(const EdnsOut& edns) {
  reserved_ = 0;
  if (limit_ < kHeaderSize) return false;
  if (counts_[3] == 0xFFFF || edns.options.size() > 0xFFFF) return false;
  Mark before = mark();
  uint32_t ttl = (uint32_t{static_cast<uint8_t>(rcode_ >> 4)} << 24) |
                 (uint32_t{edns.version} << 16) | (edns.dnssec_ok ? kEdnsFlagDO : 0u);
  const uint8_t root = 0;
  bool fits = put_bytes({&root, 1}) && put_u16(to_u16(RRType::kOPT)) && put_u16(edns.udp_payload) &&
              put_u32(ttl) && put_u16(static_cast<uint16_t>(edns.options.size())) &&
              put_bytes(edns.options);
  if (!fits) {
    rollback(before);
    return false;
  }
  section_ = Section::kAdditional;
  ++counts_[3];
  return true;
}

bool MessageBuilder::append_raw(std::span<const uint8_t> octets, uint16_t answers,
                                uint16_t authority, uint16_t additional) {
  if (stopped_ || limit_ < kHeaderSize) return false;
  if (uint32_t{counts_[1]} + answers > 0xFFFF || uint32_t{counts_[2]} + authority > 0xFFFF ||
      uint32_t{counts_[3]} + additional > 0xFFFF) {
    return false;
  }
  if (!put_bytes(octets)) return false;
  counts_[1] = static_cast<uint16_t>(counts_[1] + answers);
  counts_[2] = static_cast<uint16_t>(counts_[2] + authority);
  counts_[3] = static_cast<uint16_t>(counts_[3] + additional);
  if (additional > 0) {
    section_ = Section::kAdditional;
  } else if (authority > 0) {
    section_ = std::max(section_, Section::kAuthority);
  } else if (answers > 0) {
    section_ = std::max(section_, Section::kAnswer);
  }
  return true;
}

void MessageBuilder::override_counts(uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar) {
  counts_overridden_ = true;
  override_ = {qd, an, ns, ar};
}

std::span<const uint8_t> MessageBuilder::finish() {
  if (buffer_.size() < kHeaderSize) return {};
  Header header = header_;
  const auto& counts = counts_overridden_ ? override_ : counts_;
  header.qdcount = counts[0];
  header.ancount = counts[1];
  header.nscount = counts[2];
  header.arcount = counts[3];
  write_header(header, buffer_);
  return buffer_.first(size_);
}

MessageBuilder::Mark MessageBuilder::mark() const {
  return {size_, compression_used_, counts_};
}

void MessageBuilder::rollback(const Mark& mark) {
  size_ = mark.size;
  compression_used_ = mark.compression_used;
  counts_ = mark.counts;
}

// RFC 2181 §9: a missing answer or authority RRset means TC; a missing additional
// RRset does not.
void MessageBuilder::fail_rrset(Section section) {
  if (section == Section::kAnswer || section == Section::kAuthority) {
    header_.set(kFlagTC);
    stopped_ = true;
  }
}

}  // namespace clusterdns::dns
