#include "dns/wire/rdata.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdio>

#include "dns/wire/reader.h"

namespace clusterdns::dns {
namespace {

void put_u16(std::vector<uint8_t>& out, uint16_t value) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value & 0xFF));
}

void put_u32(std::vector<uint8_t>& out, uint32_t value) {
  put_u16(out, static_cast<uint16_t>(value >> 16));
  put_u16(out, static_cast<uint16_t>(value & 0xFFFF));
}

void put_name(std::vector<uint8_t>& out, const Name& name) {
  out.insert(out.end(), name.wire().begin(), name.wire().end());
}

// RFC 1035 §3.3 <character-string>: one length octet, then at most 255 octets.
bool put_string(std::vector<uint8_t>& out, std::string_view text) {
  if (text.size() > 255) return false;
  out.push_back(static_cast<uint8_t>(text.size()));
  out.insert(out.end(), text.begin(), text.end());
  return true;
}

Error rdata_error(std::string_view type) {
  return Error{"malformed " + std::string(type) + " rdata"};
}

// Reads one uncompressed name from RDATA (compressed names were expanded on parse).
Name read_plain_name(WireReader& reader) {
  size_t start = reader.offset();
  size_t length = skip_uncompressed_name(reader);
  if (!reader.ok()) return Name();
  auto name = Name::from_wire(reader.message().subspan(start, length));
  if (!name) {
    reader.fail(WireError::kBadRdata);
    return Name();
  }
  return *name;
}

std::string read_string(WireReader& reader) {
  uint8_t length = reader.u8();
  auto octets = reader.bytes(length);
  return std::string(octets.begin(), octets.end());
}

// A <character-string> in quotes, with '"' and '\' escaped and other non-printable
// octets as \DDD (RFC 1035 §5.1).
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<uint8_t>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7F) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\%03u", c);
      out += escaped;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string generic_text(std::span<const uint8_t> rdata) {
  std::string out = "\\# " + std::to_string(rdata.size());
  if (!rdata.empty()) out += ' ';
  static constexpr char kHex[] = "0123456789abcdef";
  for (uint8_t octet : rdata) {
    out += kHex[octet >> 4];
    out += kHex[octet & 0xF];
  }
  return out;
}

// Presentation tokens: bare words (escapes kept for Name::from_text) or quoted strings
// (escapes resolved).
struct Token {
  std::string text;
  bool quoted = false;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::optional<std::vector<Token>> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    if (is_space(text[i])) {
      ++i;
      continue;
    }
    Token token;
    if (text[i] == '"') {
      token.quoted = true;
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 3 < text.size() && is_digit(text[i + 1]) &&
            is_digit(text[i + 2]) && is_digit(text[i + 3])) {
          int value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
          if (value > 255) return std::nullopt;
          token.text += static_cast<char>(value);
          i += 4;
        } else if (text[i] == '\\' && i + 1 < text.size()) {
          token.text += text[i + 1];
          i += 2;
        } else if (text[i] == '\\') {
          return std::nullopt;
        } else {
          token.text += text[i++];
        }
      }
      if (i >= text.size()) return std::nullopt;  // unterminated quote
      ++i;
    } else {
      while (i < text.size() && !is_space(text[i])) {
        if (text[i] == '\\' && i + 1 < text.size()) token.text += text[i++];
        token.text += text[i++];
      }
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

template <class T>
std::optional<T> parse_number(const Token& token) {
  if (token.quoted) return std::nullopt;
  T value{};
  const char* end = token.text.data() + token.text.size();
  auto [ptr, ec] = std::from_chars(token.text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<Name> parse_name(const Token& token) {
  if (token.quoted) return std::nullopt;
  auto name = Name::from_text(token.text);
  if (!name) return std::nullopt;
  return *name;
}

std::optional<std::vector<uint8_t>> parse_generic(const std::vector<Token>& tokens) {
  if (tokens.size() < 2 || tokens[0].text != "\\#" || tokens[0].quoted) return std::nullopt;
  auto length = parse_number<uint16_t>(tokens[1]);
  if (!length) return std::nullopt;
  std::string hex;
  for (size_t i = 2; i < tokens.size(); ++i) hex += tokens[i].text;
  if (hex.size() != size_t{*length} * 2) return std::nullopt;
  std::vector<uint8_t> out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    uint8_t value = 0;
    auto [ptr, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || ptr != hex.data() + i + 2) return std::nullopt;
    out.push_back(value);
  }
  return out;
}

std::optional<std::vector<uint8_t>> parse_typed(RRType type, const std::vector<Token>& t) {
  auto count_is = [&](size_t n) { return t.size() == n; };
  switch (type) {
    case RRType::kA: {
      Ipv4Bytes address;
      if (!count_is(1) || inet_pton(AF_INET, t[0].text.c_str(), address.data()) != 1) break;
      return encode_a(address);
    }
    case RRType::kAAAA: {
      Ipv6Bytes address;
      if (!count_is(1) || inet_pton(AF_INET6, t[0].text.c_str(), address.data()) != 1) break;
      return encode_aaaa(address);
    }
    case RRType::kNS:
    case RRType::kCNAME:
    case RRType::kPTR: {
      if (!count_is(1)) break;
      auto name = parse_name(t[0]);
      if (!name) break;
      return encode_name_rdata(*name);
    }
    case RRType::kSOA: {
      if (!count_is(7)) break;
      SoaRdata soa;
      auto mname = parse_name(t[0]);
      auto rname = parse_name(t[1]);
      std::optional<uint32_t> numbers[5];
      for (size_t i = 0; i < 5; ++i) numbers[i] = parse_number<uint32_t>(t[2 + i]);
      if (!mname || !rname || !numbers[0] || !numbers[1] || !numbers[2] || !numbers[3] ||
          !numbers[4]) {
        break;
      }
      soa = {*mname, *rname, *numbers[0], *numbers[1], *numbers[2], *numbers[3], *numbers[4]};
      return encode_soa(soa);
    }
    case RRType::kMX: {
      if (!count_is(2)) break;
      auto preference = parse_number<uint16_t>(t[0]);
      auto exchange = parse_name(t[1]);
      if (!preference || !exchange) break;
      return encode_mx({*preference, *exchange});
    }
    case RRType::kSRV: {
      if (!count_is(4)) break;
      auto priority = parse_number<uint16_t>(t[0]);
      auto weight = parse_number<uint16_t>(t[1]);
      auto port = parse_number<uint16_t>(t[2]);
      auto target = parse_name(t[3]);
      if (!priority || !weight || !port || !target) break;
      return encode_srv({*priority, *weight, *port, *target});
    }
    case RRType::kTXT: {
      if (t.empty()) break;
      std::vector<std::string> strings;
      for (const auto& token : t) strings.push_back(token.text);
      auto encoded = encode_txt(strings);
      if (!encoded) break;
      return std::move(encoded.value());
    }
    case RRType::kHINFO: {
      if (!count_is(2)) break;
      auto encoded = encode_hinfo({t[0].text, t[1].text});
      if (!encoded) break;
      return std::move(encoded.value());
    }
    default:
      break;
  }
  return std::nullopt;
}

}  // namespace

std::vector<uint8_t> encode_a(const Ipv4Bytes& address) {
  return {address.begin(), address.end()};
}

std::vector<uint8_t> encode_aaaa(const Ipv6Bytes& address) {
  return {address.begin(), address.end()};
}

std::vector<uint8_t> encode_name_rdata(const Name& name) {
  return {name.wire().begin(), name.wire().end()};
}

std::vector<uint8_t> encode_soa(const SoaRdata& soa) {
  std::vector<uint8_t> out;
  put_name(out, soa.mname);
  put_name(out, soa.rname);
  for (uint32_t value : {soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum}) {
    put_u32(out, value);
  }
  return out;
}

std::vector<uint8_t> encode_srv(const SrvRdata& srv) {
  std::vector<uint8_t> out;
  put_u16(out, srv.priority);
  put_u16(out, srv.weight);
  put_u16(out, srv.port);
  put_name(out, srv.target);
  return out;
}

std::vector<uint8_t> encode_mx(const MxRdata& mx) {
  std::vector<uint8_t> out;
  put_u16(out, mx.preference);
  put_name(out, mx.exchange);
  return out;
}

Result<std::vector<uint8_t>> encode_txt(const std::vector<std::string>& strings) {
  std::vector<uint8_t> out;
  for (const auto& text : strings) {
    if (!put_string(out, text)) return Error{"TXT string longer than 255 octets"};
  }
  if (out.size() > 65535) return Error{"TXT rdata longer than 65535 octets"};
  return out;
}

Result<std::vector<uint8_t>> encode_hinfo(const HinfoRdata& hinfo) {
  std::vector<uint8_t> out;
  if (!put_string(out, hinfo.cpu) || !put_string(out, hinfo.os)) {
    return Error{"HINFO string longer than 255 octets"};
  }
  return out;
}

std::vector<uint8_t> encode_opt(const std::vector<EdnsOption>& options) {
  std::vector<uint8_t> out;
  for (const auto& option : options) {
    put_u16(out, option.code);
    put_u16(out, static_cast<uint16_t>(option.data.size()));
    out.insert(out.end(), option.data.begin(), option.data.end());
  }
  return out;
}

Result<Ipv4Bytes> decode_a(std::span<const uint8_t> rdata) {
  if (rdata.size() != 4) return rdata_error("A");
  Ipv4Bytes address;
  std::copy(rdata.begin(), rdata.end(), address.begin());
  return address;
}

Result<Ipv6Bytes> decode_aaaa(std::span<const uint8_t> rdata) {
  if (rdata.size() != 16) return rdata_error("AAAA");
  Ipv6Bytes address;
  std::copy(rdata.begin(), rdata.end(), address.begin());
  return address;
}

Result<Name> decode_name_rdata(std::span<const uint8_t> rdata) {
  auto name = Name::from_wire(rdata);
  if (!name) return rdata_error("name");
  return *name;
}

Result<SoaRdata> decode_soa(std::span<const uint8_t> rdata) {
  WireReader reader(rdata);
  SoaRdata soa;
  soa.mname = read_plain_name(reader);
  soa.rname = read_plain_name(reader);
  soa.serial = reader.u32();
  soa.refresh = reader.u32();
  soa.retry = reader.u32();
  soa.expire = reader.u32();
  soa.minimum = reader.u32();
  if (!reader.ok() || !reader.at_end()) return rdata_error("SOA");
  return soa;
}

Result<SrvRdata> decode_srv(std::span<const uint8_t> rdata) {
  WireReader reader(rdata);
  SrvRdata srv;
  srv.priority = reader.u16();
  srv.weight = reader.u16();
  srv.port = reader.u16();
  srv.target = read_plain_name(reader);
  if (!reader.ok() || !reader.at_end()) return rdata_error("SRV");
  return srv;
}

Result<MxRdata> decode_mx(std::span<const uint8_t> rdata) {
  WireReader reader(rdata);
  MxRdata mx;
  mx.preference = reader.u16();
  mx.exchange = read_plain_name(reader);
  if (!reader.ok() || !reader.at_end()) return rdata_error("MX");
  return mx;
}

Result<std::vector<std::string>> decode_txt(std::span<const uint8_t> rdata) {
  WireReader reader(rdata);
  std::vector<std::string> strings;
  while (reader.ok() && !reader.at_end()) strings.push_back(read_string(reader));
  // RFC 1035 §3.3.14: at least one character-string.
  if (!reader.ok() || strings.empty()) return rdata_error("TXT");
  return strings;
}

Result<HinfoRdata> decode_hinfo(std::span<const uint8_t> rdata) {
  WireReader reader(rdata);
  HinfoRdata hinfo;
  hinfo.cpu = read_string(reader);
  hinfo.os = read_string(reader);
  if (!reader.ok() || !reader.at_end()) return rdata_error("HINFO");
  return hinfo;
}

Result<std::vector<EdnsOption>> decode_opt(std::span<const uint8_t> rdata) {
  WireReader reader(rdata);
  std::vector<EdnsOption> options;
  while (reader.ok() && !reader.at_end()) {
    EdnsOption option;
    option.code = reader.u16();
    uint16_t length = reader.u16();
    auto data = reader.bytes(length);
    option.data.assign(data.begin(), data.end());
    if (reader.ok()) options.push_back(std::move(option));
  }
  if (!reader.ok()) return rdata_error("OPT");
  return options;
}

std::string rdata_to_text(RRType type, std::span<const uint8_t> rdata) {
  char address[64];
  switch (type) {
    case RRType::kA:
      if (rdata.size() != 4 || !inet_ntop(AF_INET, rdata.data(), address, sizeof address)) break;
      return address;
    case RRType::kAAAA:
      if (rdata.size() != 16 || !inet_ntop(AF_INET6, rdata.data(), address, sizeof address)) break;
      return address;
    case RRType::kNS:
    case RRType::kCNAME:
    case RRType::kPTR:
      if (auto name = decode_name_rdata(rdata)) return name->to_text();
      break;
    case RRType::kSOA:
      if (auto soa = decode_soa(rdata)) {
        return soa->mname.to_text() + " " + soa->rname.to_text() + " " +
               std::to_string(soa->serial) + " " + std::to_string(soa->refresh) + " " +
               std::to_string(soa->retry) + " " + std::to_string(soa->expire) + " " +
               std::to_string(soa->minimum);
      }
      break;
    case RRType::kMX:
      if (auto mx = decode_mx(rdata)) {
        return std::to_string(mx->preference) + " " + mx->exchange.to_text();
      }
      break;
    case RRType::kSRV:
      if (auto srv = decode_srv(rdata)) {
        return std::to_string(srv->priority) + " " + std::to_string(srv->weight) + " " +
               std::to_string(srv->port) + " " + srv->target.to_text();
      }
      break;
    case RRType::kTXT:
      if (auto strings = decode_txt(rdata)) {
        std::string out;
        for (const auto& text : *strings) {
          if (!out.empty()) out += ' ';
          out += quote(text);
        }
        return out;
      }
      break;
    case RRType::kHINFO:
      if (auto hinfo = decode_hinfo(rdata)) return quote(hinfo->cpu) + " " + quote(hinfo->os);
      break;
    default:
      break;
  }
  return generic_text(rdata);
}

Result<std::vector<uint8_t>> rdata_from_text(RRType type, std::string_view text) {
  auto tokens = tokenize(text);
  if (!tokens) return Error{"unbalanced quotes or escapes in \"" + std::string(text) + "\""};
  if (auto generic = parse_generic(*tokens)) return std::move(*generic);
  if (auto typed = parse_typed(type, *tokens)) return std::move(*typed);
  return Error{"cannot read \"" + std::string(text) + "\" as " + type_name(type) + " rdata"};
}

std::string record_to_text(const Name& owner, uint32_t ttl, uint16_t klass, RRType type,
                           std::span<const uint8_t> rdata) {
  return owner.to_text() + "\t" + std::to_string(ttl) + "\t" + class_name(klass) + "\t" +
         type_name(type) + "\t" + rdata_to_text(type, rdata);
}

RdataNames rdata_names(RRType type) {
  switch (type) {
    case RRType::kNS:
    case RRType::kCNAME:
    case RRType::kPTR:
      return RdataNames::kOneName;
    case RRType::kSOA:
      return RdataNames::kSoa;
    case RRType::kMX:
      return RdataNames::kMx;
    case RRType::kSRV:
      return RdataNames::kSrv;
    default:
      return RdataNames::kNone;
  }
}

bool rdata_names_compressible(RRType type) {
  RdataNames names = rdata_names(type);
  return names != RdataNames::kNone && names != RdataNames::kSrv;
}

}  // namespace clusterdns::dns
