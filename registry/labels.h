#pragma once
// Labels (and label selectors' matchLabels): a few key/value pairs per object, kept
// sorted by key in one shared block of text (compact_string.h) instead of a std::map:
// copies share it, and objects of one file with equal labels point at one block (a
// Deployment's pods, a Service's labels and its selector: compact_objects.h). Every
// Pod and Service has labels, and a tree node per label (~112 octets plus the
// strings) was a tenth of the registry's memory (issue 8). Reads like a const
// std::map<std::string, std::string> whose entries are string_views.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/compact_string.h"

namespace clusterdns::registry {

class Labels {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;

  // Walks the block: each label is [key length][key][value length][value], lengths
  // in two octets.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Labels::value_type;
    using difference_type = std::ptrdiff_t;
    using reference = value_type;
    struct Arrow {
      value_type label;
      const value_type* operator->() const { return &label; }
    };
    using pointer = Arrow;

    const_iterator() = default;
    explicit const_iterator(const char* at) : at_(at) {}
    value_type operator*() const;
    Arrow operator->() const { return {**this}; }
    const_iterator& operator++();
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const const_iterator&, const const_iterator&) = default;

   private:
    const char* at_ = nullptr;
  };
  using iterator = const_iterator;

  Labels() = default;
  // Like std::map: of repeated keys, the first is kept.
  Labels(std::initializer_list<value_type> pairs);

  const_iterator begin() const { return const_iterator(text_.data()); }
  const_iterator end() const { return const_iterator(text_.data() + text_.size()); }
  size_t size() const;
  bool empty() const { return text_.empty(); }

  const_iterator find(std::string_view key) const;
  size_t count(std::string_view key) const { return find(key) != end() ? 1 : 0; }
  bool contains(std::string_view key) const { return find(key) != end(); }
  std::string_view at(std::string_view key) const;  // throws std::out_of_range

  // Sets `key` to `value`, adding it when missing.
  void set(std::string_view key, std::string_view value);
  // Adds `key` unless present; like std::map::emplace.
  bool emplace(std::string_view key, std::string_view value);

  // Whether both share one block (then they are equal without comparing).
  bool shares_with(const Labels& other) const { return text_.shares_with(other.text_); }
  friend bool operator==(const Labels& a, const Labels& b) {
    return a.shares_with(b) || a.text_.view() == b.text_.view();
  }
  friend std::strong_ordering operator<=>(const Labels& a, const Labels& b);

  // The encoded text, to move it into a file's string block (string_arena.h), where
  // equal label sets share one copy. Only its place may change, never its characters.
  CompactString& text_storage() { return text_; }
  const CompactString& text_storage() const { return text_; }

 private:
  void assign(std::vector<value_type> sorted);  // from views that may point into text_

  CompactString text_;
};

}  // namespace clusterdns::registry
