#pragma once
// Writes DNS messages into a caller-provided buffer with no heap allocation: name
// compression through a fixed table, a size limit, and truncation at RRset
// boundaries (RFC 2181 §9): an RRset that does not fit in the answer or authority
// section sets TC and is left out whole; one in the additional section is dropped
// without TC.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/wire/header.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"

namespace clusterdns::dns {

enum class Section : uint8_t { kQuestion, kAnswer, kAuthority, kAdditional };

// The OPT record we send (RFC 6891 §6.1.2-6.1.3). The extended rcode comes from
// MessageBuilder::set_rcode.
struct EdnsOut {
  uint16_t udp_payload = static_cast<uint16_t>(kMaxUdpPayload);
  uint8_t version = 0;
  bool dnssec_ok = false;
  std::span<const uint8_t> options = {};  // raw option TLVs (normally none)
};

class MessageBuilder {
 public:
  static constexpr size_t kCompressionEntries = 64;

  // The message never grows beyond min(buffer.size(), max_size) octets. The header
  // is reserved at once; a buffer shorter than the header makes every add fail.
  explicit MessageBuilder(std::span<uint8_t> buffer, size_t max_size = kMaxTcpMessage);

  // Id and flags are free to set at any time; counts are kept by the builder.
  Header& header() { return header_; }
  void set_id(uint16_t id) { header_.id = id; }
  void set_flag(uint16_t flag, bool on = true) { header_.set(flag, on); }
  void set_opcode(Opcode opcode) { header_.set_opcode(opcode); }
  // Full 12-bit rcode: the low 4 bits go to the header, the rest to the OPT record
  // (so an rcode above 15 needs add_opt, RFC 6891 §6.1.3).
  void set_rcode(uint16_t rcode);
  void set_rcode(Rcode rcode) { set_rcode(to_u16(rcode)); }
  uint16_t rcode() const { return rcode_; }

  // Lowers the size limit (e.g. to the client's UDP payload size).
  void set_max_size(size_t max_size);
  size_t max_size() const { return limit_; }

  // Keeps room for the OPT record (kOptRecordSize + options) so records added before
  // add_opt cannot take it.
  void reserve_opt(size_t options_size = 0);

  // Questions must come before any record. Returns false when it does not fit.
  bool add_question(const Name& name, RRType type, uint16_t klass = to_u16(RRClass::kIN));

  // Groups the following records into one RRset that is kept or dropped as a whole.
  // Records added outside begin/commit each form their own RRset.
  void begin_rrset();
  // Returns false when the RRset did not fit and was removed.
  bool commit_rrset();

  // Adds one record; rdata is uncompressed (as rdata.h encodes it) and names inside
  // NS/CNAME/PTR/SOA/MX are compressed on the way in. Sections must be filled in order.
  // Returns false when the record is refused (no room, section out of order, after TC,
  // or its RRset already failed).
  bool add_record(Section section, const Name& owner, RRType type, uint16_t klass, uint32_t ttl,
                  std::span<const uint8_t> rdata);
  bool add_record(Section section, const Name& owner, RRType type, uint32_t ttl,
                  std::span<const uint8_t> rdata) {
    return add_record(section, owner, type, to_u16(RRClass::kIN), ttl, rdata);
  }

  // Appends the OPT record to the additional section (uses the reserve_opt room).
  bool add_opt(const EdnsOut& edns);

  // Appends octets written elsewhere (e.g. a snapshot's precomputed sections, whose
  // pointers assume the same question at offset 12) and adds the given counts.
  bool append_raw(std::span<const uint8_t> octets, uint16_t answers, uint16_t authority,
                  uint16_t additional);

  // For tests building odd packets: the counts written by finish() instead of the
  // real ones.
  void override_counts(uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar);

  // Writes the header and returns the message (a view into the buffer).
  std::span<const uint8_t> finish();

  size_t size() const { return size_; }
  bool truncated() const { return header_.has(kFlagTC); }
  uint16_t count(Section section) const { return counts_[static_cast<size_t>(section)]; }

 private:
  struct Mark {
    size_t size;
    size_t compression_used;
    std::array<uint16_t, 4> counts;
  };
  bool writable(Section section) const;
  size_t room() const;
  bool put_u16(uint16_t value);
  bool put_u32(uint32_t value);
  bool put_bytes(std::span<const uint8_t> octets);
  // Writes `name`, compressed against earlier names when `compress`, and records its
  // suffixes in the compression table.
  bool put_name(const Name& name, bool compress);
  bool put_rdata(RRType type, std::span<const uint8_t> rdata);
  size_t find_suffix(const Name& name, size_t label_offset) const;
  void remember(size_t offset);
  Mark mark() const;
  void rollback(const Mark& mark);
  void fail_rrset(Section section);

  std::span<uint8_t> buffer_;
  size_t limit_ = 0;
  size_t reserved_ = 0;
  size_t size_ = 0;
  Header header_;
  uint16_t rcode_ = 0;
  std::array<uint16_t, 4> counts_{};
  bool counts_overridden_ = false;
  std::array<uint16_t, 4> override_{};
  Section section_ = Section::kQuestion;
  std::array<uint16_t, kCompressionEntries> compression_{};
  size_t compression_used_ = 0;
  // RRset state: an open group, its start, and whether a record of it was refused.
  bool rrset_open_ = false;
  bool rrset_failed_ = false;
  Section rrset_section_ = Section::kAnswer;
  Mark rrset_mark_{};
  // After TC nothing but OPT is added (RFC 2181 §9).
  bool stopped_ = false;
};

}  // namespace clusterdns::dns
