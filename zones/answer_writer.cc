#include "zones/answer_writer.h"

#include <algorithm>
#include <cstring>

#include "dns/wire/types.h"
namespace clusterdns::zones {
namespace {

using dns::kEdnsFlagDO;
using dns::kFlagTC;
using dns::kHeaderSize;
constexpr size_t kOptSize = dns::kOptRecordSize;
constexpr uint16_t kTypeOpt = dns::to_u16(dns::RRType::kOPT);
constexpr uint16_t kClassIn = dns::to_u16(dns::RRClass::kIN);

void write_u16(uint8_t* at, uint16_t value) {
  at[0] = static_cast<uint8_t>(value >> 8);
  at[1] = static_cast<uint8_t>(value);
}

uint16_t clamp_count(uint32_t count) {
  return static_cast<uint16_t>(std::min<uint32_t>(count, 0xffff));
}

// How many leading RRsets of a section fit in `room` octets (cuts are cumulative).
const RRsetCut* last_fitting(std::span<const RRsetCut> cuts, size_t room) {
  const RRsetCut* fitting = nullptr;
  for (const RRsetCut& cut : cuts) {
    if (cut.end > room) break;
    fitting = &cut;
  }
  return fitting;
}

}  // namespace

AnswerWriter::AnswerWriter(std::span<uint8_t> out, size_t limit)
    : out_(out), limit_(std::min(limit, out.size())) {}

bool AnswerWriter::start(uint16_t id, uint16_t flags, std::span<const uint8_t> question,
                         const OptReply* opt) {
  opt_reserve_ = opt != nullptr ? kOptSize : 0;
  if (kHeaderSize + question.size() + opt_reserve_ > limit_) return false;
  has_opt_ = opt != nullptr;
  if (has_opt_) opt_ = *opt;
  flags_ = flags;
  write_u16(out_.data(), id);
  size_ = kHeaderSize;
  if (!question.empty()) {
    put(question);
    qdcount_ = 1;
  }
  return true;
}

void AnswerWriter::put(std::span<const uint8_t> bytes) {
  std::memcpy(out_.data() + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
}

void AnswerWriter::put_u16(uint16_t value) {
  write_u16(out_.data() + size_, value);
  size_ += 2;
}

void AnswerWriter::put_u32(uint32_t value) {
  put_u16(static_cast<uint16_t>(value >> 16));
  put_u16(static_cast<uint16_t>(value));
}

void AnswerWriter::put_answer(const SnapshotChunk& chunk, const AnswerBlock& block, size_t length) {
  chunk.for_each_answer_piece(block, [&](std::span<const uint8_t> piece) {
    const size_t taken = std::min(piece.size(), length);
    put(piece.first(taken));
    length -= taken;
  });
}

void AnswerWriter::add_block(const SnapshotChunk& chunk, const AnswerBlock& block) {
  const auto answer_cuts = chunk.answer_cuts(block);
  const auto additional_cuts = chunk.additional_cuts(block);
  if (block.answer_length > room()) {
    // RFC 2181 §9: TC, and only whole RRsets in the answer.
    truncated_ = true;
    if (const RRsetCut* cut = last_fitting(answer_cuts, room())) {
      put_answer(chunk, block, cut->end);
      ancount_ += cut->count;
    }
    return;
  }
  put_answer(chunk, block, block.answer_length);
  ancount_ += block.answer_count;
  // Additional RRsets are a courtesy: keep those that fit, drop the rest silently.
  if (block.compact_additional) {
    put_compact_additional(chunk, chunk.additional(block));
    return;
  }
  if (const RRsetCut* cut = last_fitting(additional_cuts, room())) {
    put(chunk.additional(block).first(cut->end));
    arcount_ += cut->count;
  }
}

void AnswerWriter::put_compact_additional(const SnapshotChunk& chunk,
                                          std::span<const uint8_t> entries) {
  const auto fixed = chunk.compact_fixed_octets();
  for (size_t at = 0; at < entries.size() && room() >= CompactAddress::kRecordOctets;
       at += CompactAddress::kStoredOctets) {
    put(entries.subspan(at, 2));
    put(fixed);
    put(entries.subspan(at + 2, 4));
    ++arcount_;
  }
}

void AnswerWriter::add_negative_soa(const Snapshot& snapshot, const ServedZone& zone,
                                    size_t qname_length) {
  const auto record = snapshot.zone_bytes(zone.negative_soa_offset, zone.negative_soa_length);
  if (record.size() > room()) {
    truncated_ = true;
    return;
  }
  uint8_t* at = out_.data() + size_;
  put(record);
  // The apex is the question name's suffix: point at it (RFC 1035 §4.1.4).
  const size_t apex_at = kHeaderSize + qname_length - zone.apex_length;
  write_u16(at, static_cast<uint16_t>(0xc000 | apex_at));
  ++nscount_;
}

void AnswerWriter::put_owned_record(uint16_t type, uint32_t ttl,
                                    std::initializer_list<std::span<const uint8_t>> rdata) {
  size_t rdlength = 0;
  for (const auto part : rdata) rdlength += part.size();
  const size_t needed = 2 + 2 + 2 + 4 + 2 + rdlength;
  if (needed > room()) {
    truncated_ = true;
    return;
  }
  put_u16(0xc000 | kHeaderSize);
  put_u16(type);
  put_u16(kClassIn);
  put_u32(ttl);
  put_u16(static_cast<uint16_t>(rdlength));
  for (const auto part : rdata) {
    if (!part.empty()) put(part);  // memcpy from an empty span's null: UB
  }
  ++ancount_;
}

size_t AnswerWriter::finish() {
  if (has_opt_) {
    // RFC 6891 §6.1.2-6.1.3: root owner, CLASS = our payload, TTL = ext-rcode,
    // version 0, flags (DO); no options.
    out_[size_++] = 0;
    put_u16(kTypeOpt);
    put_u16(opt_.udp_payload);
    out_[size_++] = opt_.extended_rcode;
    out_[size_++] = 0;
    put_u16(opt_.dnssec_ok ? kEdnsFlagDO : 0);
    put_u16(0);
    ++arcount_;
  }
  uint8_t* header = out_.data();
  write_u16(header + 2, static_cast<uint16_t>(flags_ | (truncated_ ? kFlagTC : 0)));
  write_u16(header + 4, qdcount_);
  write_u16(header + 6, clamp_count(ancount_));
  write_u16(header + 8, clamp_count(nscount_));
  write_u16(header + 10, clamp_count(arcount_));
  return size_;
}

}  // namespace clusterdns::zones
