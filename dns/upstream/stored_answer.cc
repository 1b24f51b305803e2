#include "dns/upstream/stored_answer.h"

#include <algorithm>
#include <limits>

#include "dns/wire/builder.h"

namespace clusterdns::dns {
namespace {

// SOA RDATA (uncompressed): MNAME, RNAME, then SERIAL REFRESH RETRY EXPIRE MINIMUM.
std::optional<uint32_t> soa_minimum(std::span<const uint8_t> rdata) {
  if (rdata.size() < 20) return std::nullopt;
  const size_t at = rdata.size() - 4;
  return static_cast<uint32_t>(rdata[at]) << 24 | static_cast<uint32_t>(rdata[at + 1]) << 16 |
         static_cast<uint32_t>(rdata[at + 2]) << 8 | rdata[at + 3];
}

uint32_t aged(uint32_t ttl, const Aging& aging) {
  if (aging.stale) return aging.stale_ttl;
  return ttl > aging.age ? ttl - aging.age : 0;
}

bool same_rrset(const ResourceRecord& a, const ResourceRecord& b) {
  return a.type == b.type && a.klass == b.klass && a.owner == b.owner;
}

// Adds records, one RRset (consecutive records of the same owner, type and class) at a
// time, so truncation keeps whole RRsets (RFC 2181 §9). False once one did not fit.
bool add_section(MessageBuilder& builder, Section section, std::span<const ResourceRecord> records,
                 const Aging& aging) {
  size_t i = 0;
  while (i < records.size()) {
    builder.begin_rrset();
    size_t j = i;
    for (; j < records.size() && same_rrset(records[i], records[j]); ++j) {
      const ResourceRecord& record = records[j];
      builder.add_record(section, record.owner, record.type, record.klass, aged(record.ttl, aging),
                         record.rdata);
    }
    if (!builder.commit_rrset() && section != Section::kAdditional) return false;
    i = j;
  }
  return true;
}

bool start(MessageBuilder& builder, const ReplyShape& shape, uint16_t rcode) {
  builder.set_id(shape.id);
  builder.set_flag(kFlagQR);
  builder.set_flag(kFlagRD, (shape.query_flags & kFlagRD) != 0);
  builder.set_flag(kFlagCD, (shape.query_flags & kFlagCD) != 0);
  builder.set_flag(kFlagRA, shape.recursion_available);
  builder.set_rcode(rcode);
  if (shape.edns) builder.reserve_opt();
  return builder.add_question(shape.qname, shape.qtype);
}

size_t finish(MessageBuilder& builder, const ReplyShape& shape) {
  if (shape.edns) {
    EdnsOut edns;
    edns.dnssec_ok = shape.dnssec_ok;
    builder.add_opt(edns);
  }
  return builder.finish().size();
}

}  // namespace

std::optional<uint32_t> StoredAnswer::cache_ttl(const CachePolicy& policy) const {
  if (truncated) return std::nullopt;
  const auto cap = static_cast<uint32_t>(policy.max_ttl.count());
  if (rcode == to_u16(Rcode::kNoError) && !answers.empty()) {
    uint32_t ttl = std::numeric_limits<uint32_t>::max();
    for (const auto& record : answers) ttl = std::min(ttl, record.ttl);
    return std::min(ttl, cap);
  }
  if (rcode != to_u16(Rcode::kNoError) && rcode != to_u16(Rcode::kNXDomain)) return std::nullopt;
  // RFC 2308 §5: a negative answer is cached for min(SOA TTL, SOA MINIMUM); without an
  // SOA it is not cached at all.
  for (const auto& record : authority) {
    if (record.type != RRType::kSOA) continue;
    const auto minimum = soa_minimum(record.rdata);
    if (!minimum) return std::nullopt;
    return std::min({record.ttl, *minimum, cap});
  }
  return std::nullopt;
}

Result<StoredAnswer> store_answer(std::span<const uint8_t> response) {
  auto message = parse_message(response);
  if (!message) return message.error();
  StoredAnswer stored;
  stored.rcode = message->rcode();
  stored.authoritative = message->header.has(kFlagAA);
  stored.authentic_data = message->header.has(kFlagAD);
  stored.truncated = message->header.has(kFlagTC);
  stored.answers = std::move(message->answers);
  stored.authority = std::move(message->authority);
  for (auto& record : message->additional) {
    if (record.type != RRType::kOPT) stored.additional.push_back(std::move(record));
  }
  return stored;
}

size_t write_reply(const StoredAnswer& answer, const ReplyShape& shape, const Aging& aging,
                   std::span<const ResourceRecord> prefix, std::span<uint8_t> out) {
  MessageBuilder builder(out, shape.limit);
  // Extended rcodes need our OPT; without one, say SERVFAIL rather than lie.
  const uint16_t rcode = answer.rcode > 15 && !shape.edns ? to_u16(Rcode::kServFail) : answer.rcode;
  if (!start(builder, shape, rcode)) return 0;
  builder.set_flag(kFlagAA, answer.authoritative && !aging.from_cache);
  builder.set_flag(kFlagAD, answer.authentic_data && shape.dnssec_ok);
  if (answer.truncated) builder.set_flag(kFlagTC);
  const Aging keep{};  // our own records keep their TTL
  if (add_section(builder, Section::kAnswer, prefix, keep) &&
      add_section(builder, Section::kAnswer, answer.answers, aging) &&
      add_section(builder, Section::kAuthority, answer.authority, aging)) {
    add_section(builder, Section::kAdditional, answer.additional, aging);
  }
  return finish(builder, shape);
}

size_t write_error(Rcode rcode, const ReplyShape& shape, std::span<uint8_t> out) {
  MessageBuilder builder(out, shape.limit);
  if (!start(builder, shape, to_u16(rcode))) return 0;
  return finish(builder, shape);
}

}  // namespace clusterdns::dns
