#include "tools/cli/record_options.h"

#include <charconv>
#include <cstdint>

#include "zones/names.h"

namespace clusterdns::cli {
namespace {

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;  // RFC 1035 §2.3.4
  if (label.front() == '-' || label.back() == '-') return false;
  for (const char c : label) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

// RFC 2181 §8: a TTL is 0..2^31-1.
Result<uint32_t> parse_ttl(const std::string& text) {
  uint32_t ttl = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ttl);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      ttl > 2147483647u) {
    return Error{"--ttl '" + text + "' is not a number of seconds in 0..2147483647"};
  }
  return ttl;
}

Result<zones::PodRecords> parse_pods(const std::string& text) {
  if (text == "verified") return zones::PodRecords::kVerified;
  if (text == "insecure") return zones::PodRecords::kInsecure;
  if (text == "disabled") return zones::PodRecords::kDisabled;
  return Error{"--pods '" + text + "' must be verified, insecure or disabled"};
}

}  // namespace

Result<std::string> parse_domain(std::string_view text) {
  std::string domain = zones::lower_case(text);
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  const Error error{"--domain '" + std::string(text) + "' is not a DNS name (e.g. cluster.local)"};
  if (domain.empty() || domain.size() > 253) return error;  // 255 octets on the wire
  size_t start = 0;
  for (size_t dot = domain.find('.'); start <= domain.size(); dot = domain.find('.', start)) {
    const size_t end = dot == std::string::npos ? domain.size() : dot;
    if (!valid_label(std::string_view(domain).substr(start, end - start))) return error;
    start = end + 1;
  }
  return domain;
}

Result<zones::RecordOptions> record_options(const Arguments& arguments,
                                            const registry::ClusterOptions& cluster) {
  zones::RecordOptions options;
  if (auto text = arguments.get("domain")) {
    auto domain = parse_domain(*text);
    if (!domain) return domain.error();
    options.domain = std::move(*domain);
  }
  if (auto text = arguments.get("ttl")) {
    auto ttl = parse_ttl(*text);
    if (!ttl) return ttl.error();
    options.ttl = *ttl;
  }
  if (auto text = arguments.get("pods")) {
    auto pods = parse_pods(*text);
    if (!pods) return pods.error();
    options.pods = *pods;
  }
  options.dns_ip = cluster.effective_dns_ip();
  return options;
}

}  // namespace clusterdns::cli
