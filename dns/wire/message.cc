#include "dns/wire/message.h"

#include <string>

#include "dns/wire/rdata.h"

namespace clusterdns::dns {
namespace {

// RFC 6891 §6.1.2: OPT options are {code, length, data} triples filling the RDATA.
bool read_opt_options(std::span<const uint8_t> rdata, EdnsInfo& edns) {
  WireReader options(rdata);
  while (options.ok() && !options.at_end()) {
    uint16_t code = options.u16();
    uint16_t length = options.u16();
    options.skip(length);
    if (code == kEdnsOptionCookie) edns.has_cookie = true;
  }
  return options.ok();
}

// Reads one OPT record's fields (owner, type already read) into `edns`.
void read_opt(WireReader& reader, const Name& owner, EdnsInfo& edns) {
  uint16_t payload = reader.u16();
  uint32_t ttl = reader.u32();
  uint16_t rdlength = reader.u16();
  std::span<const uint8_t> rdata = reader.bytes(rdlength);
  if (!reader.ok()) return;
  if (edns.opt_count < 255) ++edns.opt_count;
  if (edns.opt_count > 1) return;  // reported once the whole message is read
  if (!owner.is_root()) return reader.fail(WireError::kBadOpt);
  edns.present = true;
  edns.udp_payload = payload;
  edns.extended_rcode = static_cast<uint8_t>(ttl >> 24);
  edns.version = static_cast<uint8_t>((ttl >> 16) & 0xFF);
  edns.flags = static_cast<uint16_t>(ttl & 0xFFFF);
  edns.options = rdata;
  if (!read_opt_options(rdata, edns)) reader.fail(WireError::kBadOpt);
}

// Skips one RR of the answer or authority section, validating its owner and length.
void skip_record(WireReader& reader) {
  Name owner;
  read_name(reader, owner);
  reader.skip(8);  // type, class, ttl
  uint16_t rdlength = reader.u16();
  reader.skip(rdlength);
}

void read_additional_record(WireReader& reader, EdnsInfo& edns) {
  Name owner;
  read_name(reader, owner);
  auto type = static_cast<RRType>(reader.u16());
  if (type == RRType::kOPT) return read_opt(reader, owner, edns);
  reader.skip(6);  // class, ttl
  uint16_t rdlength = reader.u16();
  reader.skip(rdlength);
}

// Copies RDATA with its embedded names expanded (RFC 3597 §4 lists the types whose
// names may arrive compressed).
void read_rdata(WireReader& reader, RRType type, uint16_t rdlength, std::vector<uint8_t>& out) {
  const size_t end = reader.offset() + rdlength;
  if (rdlength > reader.remaining()) return reader.fail(WireError::kTruncated);
  auto append_name = [&] {
    Name name;
    read_name(reader, name);
    out.insert(out.end(), name.wire().begin(), name.wire().end());
  };
  auto append_bytes = [&](size_t n) {
    auto octets = reader.bytes(n);
    out.insert(out.end(), octets.begin(), octets.end());
  };
  switch (rdata_names(type)) {
    case RdataNames::kNone:
      append_bytes(rdlength);
      if ((type == RRType::kA && rdlength != 4) || (type == RRType::kAAAA && rdlength != 16)) {
        reader.fail(WireError::kBadRdata);
      }
      return;
    case RdataNames::kOneName:
      append_name();
      break;
    case RdataNames::kSoa:
      append_name();
      append_name();
      append_bytes(20);
      break;
    case RdataNames::kMx:
      append_bytes(2);
      append_name();
      break;
    case RdataNames::kSrv:
      append_bytes(6);
      append_name();
      break;
  }
  if (reader.ok() && reader.offset() != end) reader.fail(WireError::kBadRdata);
}

ResourceRecord read_record(WireReader& reader) {
  ResourceRecord record;
  read_name(reader, record.owner);
  record.type = static_cast<RRType>(reader.u16());
  record.klass = reader.u16();
  record.ttl = reader.u32();
  uint16_t rdlength = reader.u16();
  if (reader.ok()) read_rdata(reader, record.type, rdlength, record.rdata);
  return record;
}

// Reads up to `count` records; the count is only an upper bound (the loop stops at the
// first error), never a reservation size.
void read_section(WireReader& reader, uint16_t count, std::vector<ResourceRecord>& out) {
  for (uint16_t i = 0; i < count && reader.ok(); ++i) {
    ResourceRecord record = read_record(reader);
    if (reader.ok()) out.push_back(std::move(record));
  }
}

struct MessageParse {
  Message message;
  WireError error = WireError::kNone;
  size_t offset = 0;
};

MessageParse parse_all(std::span<const uint8_t> packet) {
  MessageParse parse;
  WireReader reader(packet);
  Message& message = parse.message;
  message.header = read_header(reader);
  for (uint16_t i = 0; i < message.header.qdcount && reader.ok(); ++i) {
    Question question;
    read_name(reader, question.name);
    question.type = static_cast<RRType>(reader.u16());
    question.klass = reader.u16();
    if (reader.ok()) message.questions.push_back(question);
  }
  read_section(reader, message.header.ancount, message.answers);
  read_section(reader, message.header.nscount, message.authority);
  read_section(reader, message.header.arcount, message.additional);
  size_t opts = 0;
  for (const auto& record : message.additional) {
    if (record.type == RRType::kOPT) ++opts;
  }
  if (opts > 1) reader.fail(WireError::kDuplicateOpt);
  parse.error = reader.error();
  parse.offset = reader.offset();
  return parse;
}

}  // namespace

QueryParse parse_query(std::span<const uint8_t> packet) {
  QueryParse query;
  WireReader reader(packet);
  query.header = read_header(reader);
  if (!reader.ok()) {
    query.status = QueryStatus::kDrop;
    query.error = reader.error();
    return query;
  }
  const Header& header = query.header;
  // The first question is read straight into the result (no Name copies on the
  // serving path); later ones are only validated.
  Name other;
  for (uint16_t i = 0; i < header.qdcount && reader.ok(); ++i) {
    size_t begin = reader.offset();
    Name& name = i == 0 ? query.qname : other;
    read_name(reader, name);
    auto type = static_cast<RRType>(reader.u16());
    uint16_t klass = reader.u16();
    if (i == 0) {
      if (!reader.ok()) {
        query.qname = Name();
        continue;
      }
      query.has_question = true;
      query.qname_lower.assign_lowered(query.qname);
      query.qtype = type;
      query.qclass = klass;
      query.question_offset = begin;
      query.question_length = reader.offset() - begin;
    }
  }
  for (uint32_t i = 0; i < uint32_t{header.ancount} + header.nscount && reader.ok(); ++i) {
    skip_record(reader);
  }
  for (uint16_t i = 0; i < header.arcount && reader.ok(); ++i) {
    read_additional_record(reader, query.edns);
  }
  if (reader.ok() && query.edns.opt_count > 1) reader.fail(WireError::kDuplicateOpt);
  if (reader.ok() && header.qdcount != 1) reader.fail(WireError::kBadQuestionCount);
  query.error = reader.error();
  query.status = reader.ok() ? QueryStatus::kOk : QueryStatus::kFormErr;
  return query;
}

const ResourceRecord* Message::opt() const {
  for (const auto& record : additional) {
    if (record.type == RRType::kOPT) return &record;
  }
  return nullptr;
}

uint16_t Message::rcode() const {
  uint16_t rcode = header.rcode();
  if (const ResourceRecord* record = opt()) {
    rcode = static_cast<uint16_t>(rcode | ((record->ttl >> 24) << 4));
  }
  return rcode;
}

Result<Message> parse_message(std::span<const uint8_t> packet) {
  MessageParse parse = parse_all(packet);
  if (parse.error != WireError::kNone) {
    return Error{std::string(wire_error_name(parse.error)) + " at offset " +
                 std::to_string(parse.offset)};
  }
  return std::move(parse.message);
}

WireError parse_message_error(std::span<const uint8_t> packet) {
  return parse_all(packet).error;
}

}  // namespace clusterdns::dns
