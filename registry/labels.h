#pragma once
// Labels (and label selectors' matchLabels): a few key/value pairs per object, kept as
// one sorted array instead of a std::map, and shared between objects with the same
// labels (a Deployment's pods, a Service's labels and its selector). Every Pod and
// Service has some, so a tree node per label (~112 bytes plus the strings) was a tenth
// of the registry's memory (issue 8). Reads like a const std::map<std::string,
// std::string>; writing copies a shared array first (copy on write).

#include <compare>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
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
  Labels(std::initializer_list<value_type> pairs);

  const_iterator begin() const { return items().begin(); }
  const_iterator end() const { return items().end(); }
  size_t size() const { return items().size(); }
  bool empty() const { return items().empty(); }

  const_iterator find(std::string_view key) const;
  size_t count(std::string_view key) const { return find(key) != end() ? 1 : 0; }
  bool contains(std::string_view key) const { return find(key) != end(); }
  const std::string& at(std::string_view key) const;  // throws std::out_of_range

  // The value of `key`, added empty when missing.
  std::string& operator[](std::string_view key);
  // Adds `key` unless present; like std::map::emplace.
  std::pair<const_iterator, bool> emplace(std::string key, std::string value);

  // Whether both share one array (then they are equal without comparing).
  bool shares_with(const Labels& other) const { return items_ == other.items_; }
  size_t hash() const;

  friend bool operator==(const Labels& a, const Labels& b) {
    return a.shares_with(b) || a.items() == b.items();
  }
  friend auto operator<=>(const Labels& a, const Labels& b) { return a.items() <=> b.items(); }

 private:
  using Items = std::vector<value_type>;
  const Items& items() const;
  Items& own();  // this object's own array, copied first when shared
  const_iterator lower_bound(std::string_view key) const;

  std::shared_ptr<const Items> items_;  // null when empty
};

// Makes equal label sets share one array: one pool per batch of objects parsed
// together (a manifest file), so the pods of one workload hold their labels once.
class LabelsPool {
 public:
  // The pooled set equal to `labels` (added when new).
  const Labels& canonical(const Labels& labels);

 private:
  struct Hash {
    size_t operator()(const Labels& labels) const { return labels.hash(); }
  };
  std::unordered_set<Labels, Hash> pool_;
};

}  // namespace clusterdns::registry
