#pragma once
// Labels (and label selectors' matchLabels): a few key/value pairs per object, kept as
// one sorted array instead of a std::map. Every Pod and Service has some, so a tree
// node per label (~112 bytes plus the strings) was a tenth of the registry's memory
// (issue 8). Reads like a const std::map<std::string, std::string>.

#include <algorithm>
#include <compare>
#include <cstddef>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clusterdns::registry {

class Labels {
 public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = std::vector<value_type>::const_iterator;
  using iterator = const_iterator;

  Labels() = default;
  // Like std::map: of repeated keys, the first is kept.
  Labels(std::initializer_list<value_type> pairs) {
    for (const auto& [key, value] : pairs) emplace(key, value);
  }

  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

  const_iterator find(std::string_view key) const {
    const auto it = lower_bound(key);
    return it != items_.end() && it->first == key ? it : items_.end();
  }
  size_t count(std::string_view key) const { return find(key) != end() ? 1 : 0; }
  bool contains(std::string_view key) const { return find(key) != end(); }
  const std::string& at(std::string_view key) const {
    const auto it = find(key);
    if (it == end()) throw std::out_of_range("no label " + std::string(key));
    return it->second;
  }

  // The value of `key`, added empty when missing.
  std::string& operator[](std::string_view key) {
    auto it = lower_bound(key);
    if (it == items_.end() || it->first != key) it = insert_at(it, std::string(key), {});
    return items_[static_cast<size_t>(it - items_.begin())].second;
  }
  // Adds `key` unless present; like std::map::emplace.
  std::pair<const_iterator, bool> emplace(std::string key, std::string value) {
    const auto it = lower_bound(key);
    if (it != items_.end() && it->first == key) return {it, false};
    return {insert_at(it, std::move(key), std::move(value)), true};
  }

  friend bool operator==(const Labels&, const Labels&) = default;
  friend auto operator<=>(const Labels&, const Labels&) = default;

 private:
  const_iterator lower_bound(std::string_view key) const {
    return std::lower_bound(items_.begin(), items_.end(), key,
                            [](const value_type& item, std::string_view k) { return item.first < k; });
  }
  const_iterator insert_at(const_iterator at, std::string key, std::string value) {
    // Exactly as much room as needed: label sets are small and kept for long.
    const auto offset = at - items_.begin();
    if (items_.size() == items_.capacity()) items_.reserve(items_.size() + 1);
    return items_.emplace(items_.begin() + offset, std::move(key), std::move(value));
  }

  std::vector<value_type> items_;
};

}  // namespace clusterdns::registry
