#pragma once
// Labels (and label selectors' matchLabels): a few key/value pairs per object, kept as
// one sorted array instead of a std::map, and shared between objects with the same
// labels (a Deployment's pods, a Service's labels and its selector: shared_array.h).
// Every Pod and Service has some, so a tree node per label (~112 bytes plus the
// strings) was a tenth of the registry's memory (issue 8). Reads like a const
// std::map<std::string, std::string>.

#include <compare>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "registry/shared_array.h"

namespace clusterdns::registry {

class Labels {
 public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = SharedArray<value_type>::const_iterator;
  using iterator = const_iterator;

  Labels() = default;
  // Like std::map: of repeated keys, the first is kept.
  Labels(std::initializer_list<value_type> pairs);

  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

  const_iterator find(std::string_view key) const;
  size_t count(std::string_view key) const { return find(key) != end() ? 1 : 0; }
  bool contains(std::string_view key) const { return find(key) != end(); }
  const std::string& at(std::string_view key) const;  // throws std::out_of_range

  // The value of `key`, added empty when missing.
  std::string& operator[](std::string_view key);
  // Adds `key` unless present; like std::map::emplace.
  std::pair<const_iterator, bool> emplace(std::string key, std::string value);

  bool shares_with(const Labels& other) const { return items_.shares_with(other.items_); }
  friend bool operator==(const Labels&, const Labels&) = default;
  friend auto operator<=>(const Labels&, const Labels&) = default;

 private:
  const_iterator lower_bound(std::string_view key) const;

  SharedArray<value_type> items_;  // sorted by key
};

}  // namespace clusterdns::registry
