#include "zones/master_file.h"

#include <algorithm>
#include <type_traits>

#include "dns/wire/types.h"
#include "zones/records.h"

namespace clusterdns::zones {
namespace {

std::string type_mnemonic(uint16_t type) {
  switch (static_cast<dns::RRType>(type)) {
    case dns::RRType::kA:
      return "A";
    case dns::RRType::kNS:
      return "NS";
    case dns::RRType::kCNAME:
      return "CNAME";
    case dns::RRType::kSOA:
      return "SOA";
    case dns::RRType::kPTR:
      return "PTR";
    case dns::RRType::kTXT:
      return "TXT";
    case dns::RRType::kAAAA:
      return "AAAA";
    case dns::RRType::kSRV:
      return "SRV";
    default:
      return "TYPE" + std::to_string(type);  // RFC 3597 §5
  }
}

// RFC 1035 §5.1: a quoted character-string; '"' and '\' escaped, non-printable octets
// as \DDD (decimal).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto octet = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (octet < 0x20 || octet >= 0x7f) {
      const std::string digits = std::to_string(octet);
      out += '\\';
      out.append(3 - digits.size(), '0');
      out += digits;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string rdata_text(const RecordData& data) {
  return std::visit(
      [](const auto& value) -> std::string {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, registry::IpAddress>) {
          return value.to_string();
        } else if constexpr (std::is_same_v<T, std::string>) {
          return value;
        } else if constexpr (std::is_same_v<T, SoaData>) {
          return value.mname + " " + value.rname + " " + std::to_string(value.serial) + " " +
                 std::to_string(value.refresh) + " " + std::to_string(value.retry) + " " +
                 std::to_string(value.expire) + " " + std::to_string(value.minimum);
        } else if constexpr (std::is_same_v<T, SrvData>) {
          return std::to_string(value.priority) + " " + std::to_string(value.weight) + " " +
                 std::to_string(value.port) + " " + value.target;
        } else {
          std::string text;
          for (const auto& string : value) {
            if (!text.empty()) text += ' ';
            text += quoted(string);
          }
          return text;
        }
      },
      data);
}

}  // namespace

std::string to_master_file_line(const Record& record) {
  return record.owner + "\t" + std::to_string(record.ttl) + "\tIN\t" + type_mnemonic(record.type) +
         "\t" + rdata_text(record.data);
}

void write_master_file(std::ostream& out, const std::vector<Record>& records) {
  if (!std::is_sorted(records.begin(), records.end(), record_less)) {
    std::vector<Record> sorted = records;
    sort_records(sorted);
    write_master_file(out, sorted);
    return;
  }
  for (const auto& record : records) out << to_master_file_line(record) << '\n';
}

}  // namespace clusterdns::zones
