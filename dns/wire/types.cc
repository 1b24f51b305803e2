#include "dns/wire/types.h"

#include <array>
#include <charconv>
#include <utility>

namespace clusterdns::dns {
namespace {

constexpr std::array<std::pair<RRType, std::string_view>, 14> kTypeNames{{
    {RRType::kA, "A"},
    {RRType::kNS, "NS"},
    {RRType::kCNAME, "CNAME"},
    {RRType::kSOA, "SOA"},
    {RRType::kPTR, "PTR"},
    {RRType::kHINFO, "HINFO"},
    {RRType::kMX, "MX"},
    {RRType::kTXT, "TXT"},
    {RRType::kAAAA, "AAAA"},
    {RRType::kSRV, "SRV"},
    {RRType::kOPT, "OPT"},
    {RRType::kIXFR, "IXFR"},
    {RRType::kAXFR, "AXFR"},
    {RRType::kANY, "ANY"},
}};

constexpr std::array<std::pair<uint16_t, std::string_view>, 4> kClassNames{{
    {1, "IN"},
    {3, "CH"},
    {254, "NONE"},
    {255, "ANY"},
}};

bool equal_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'a' && a[i] <= 'z' ? static_cast<char>(a[i] - 32) : a[i];
    char y = b[i] >= 'a' && b[i] <= 'z' ? static_cast<char>(b[i] - 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

// "TYPE65280" / "CLASS3": the RFC 3597 §5 generic forms.
std::optional<uint16_t> parse_generic(std::string_view text, std::string_view prefix) {
  if (text.size() <= prefix.size() || !equal_ignore_case(text.substr(0, prefix.size()), prefix)) {
    return std::nullopt;
  }
  std::string_view digits = text.substr(prefix.size());
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

}  // namespace

std::string type_name(RRType type) {
  for (const auto& [known, name] : kTypeNames) {
    if (known == type) return std::string(name);
  }
  return "TYPE" + std::to_string(to_u16(type));
}

std::optional<RRType> parse_type(std::string_view text) {
  for (const auto& [known, name] : kTypeNames) {
    if (equal_ignore_case(text, name)) return known;
  }
  if (auto value = parse_generic(text, "TYPE")) return static_cast<RRType>(*value);
  return std::nullopt;
}

std::string class_name(uint16_t klass) {
  for (const auto& [known, name] : kClassNames) {
    if (known == klass) return std::string(name);
  }
  return "CLASS" + std::to_string(klass);
}

std::optional<uint16_t> parse_class(std::string_view text) {
  for (const auto& [known, name] : kClassNames) {
    if (equal_ignore_case(text, name)) return known;
  }
  return parse_generic(text, "CLASS");
}

std::string rcode_name(uint16_t rcode) {
  switch (rcode) {
    case 0:
      return "NOERROR";
    case 1:
      return "FORMERR";
    case 2:
      return "SERVFAIL";
    case 3:
      return "NXDOMAIN";
    case 4:
      return "NOTIMP";
    case 5:
      return "REFUSED";
    case 16:
      return "BADVERS";
    default:
      return "RCODE" + std::to_string(rcode);
  }
}

std::string opcode_name(uint8_t opcode) {
  switch (opcode) {
    case 0:
      return "QUERY";
    case 1:
      return "IQUERY";
    case 2:
      return "STATUS";
    case 4:
      return "NOTIFY";
    case 5:
      return "UPDATE";
    default:
      return "OPCODE" + std::to_string(opcode);
  }
}

}  // namespace clusterdns::dns
