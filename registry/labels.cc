#include "registry/labels.h"

#include <algorithm>
#include <stdexcept>

namespace clusterdns::registry {

Labels::Labels(std::initializer_list<value_type> pairs) {
  for (const auto& [key, value] : pairs) emplace(key, value);
}

Labels::const_iterator Labels::lower_bound(std::string_view key) const {
  return std::lower_bound(begin(), end(), key, [](const value_type& item, std::string_view k) {
    return item.first < k;
  });
}

Labels::const_iterator Labels::find(std::string_view key) const {
  const auto it = lower_bound(key);
  return it != end() && it->first == key ? it : end();
}

const std::string& Labels::at(std::string_view key) const {
  const auto it = find(key);
  if (it == end()) throw std::out_of_range("no label " + std::string(key));
  return it->second;
}

std::string& Labels::operator[](std::string_view key) {
  const auto at = lower_bound(key);
  const auto offset = at - begin();
  const bool present = at != end() && at->first == key;
  auto& items = items_.mutate();
  if (!present) {
    // Exactly as much room as needed: label sets are small and kept for long.
    items.reserve(items.size() + 1);
    items.emplace(items.begin() + offset, std::string(key), std::string());
  }
  return items[static_cast<size_t>(offset)].second;
}

std::pair<Labels::const_iterator, bool> Labels::emplace(std::string key, std::string value) {
  const auto at = lower_bound(key);
  if (at != end() && at->first == key) return {at, false};
  const auto offset = at - begin();
  auto& items = items_.mutate();
  items.reserve(items.size() + 1);
  return {items.emplace(items.begin() + offset, std::move(key), std::move(value)), true};
}

}  // namespace clusterdns::registry
