#include "registry/names.h"

#include <algorithm>

namespace clusterdns::registry {

namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool is_label_body(std::string_view label) {
  if (label.empty() || !is_lower_alnum(label.front()) || !is_lower_alnum(label.back())) {
    return false;
  }
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return is_lower_alnum(c) || c == '-'; });
}

}  // namespace

bool is_dns1123_label(std::string_view name) {
  return name.size() <= 63 && is_label_body(name);
}

bool is_rfc1035_label(std::string_view name) {
  return is_dns1123_label(name) && name.front() >= 'a' && name.front() <= 'z';
}

bool is_dns1123_subdomain(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t start = 0;
  for (size_t dot = name.find('.');; dot = name.find('.', start)) {
    const std::string_view label =
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!is_label_body(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_iana_service_name(std::string_view name) {
  if (name.size() > 15 || !is_label_body(name)) return false;
  if (name.find("--") != std::string_view::npos) return false;
  return std::any_of(name.begin(), name.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace clusterdns::registry
