#include "registry/labels.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace clusterdns::registry {

namespace {

uint16_t read_length(const char* at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(at[0]) << 8 | static_cast<uint8_t>(at[1]));
}

void append_with_length(std::string& out, std::string_view text) {
  // Keys are at most 317 octets (a 253-octet prefix, '/', a 63-octet name), values 63;
  // a longer text from an invalid manifest is cut rather than corrupting the block.
  const size_t size = std::min<size_t>(text.size(), 0xffff);
  out.push_back(static_cast<char>(size >> 8));
  out.push_back(static_cast<char>(size & 0xff));
  out.append(text.substr(0, size));
}

}  // namespace

Labels::value_type Labels::const_iterator::operator*() const {
  const uint16_t key_size = read_length(at_);
  const char* value_at = at_ + 2 + key_size;
  return {std::string_view(at_ + 2, key_size),
          std::string_view(value_at + 2, read_length(value_at))};
}

Labels::const_iterator& Labels::const_iterator::operator++() {
  const char* value_at = at_ + 2 + read_length(at_);
  at_ = value_at + 2 + read_length(value_at);
  return *this;
}

Labels::Labels(std::initializer_list<value_type> pairs) {
  for (const auto& [key, value] : pairs) emplace(key, value);
}

size_t Labels::size() const { return static_cast<size_t>(std::distance(begin(), end())); }

Labels::const_iterator Labels::find(std::string_view key) const {
  return std::find_if(begin(), end(), [key](const value_type& label) { return label.first == key; });
}

std::string_view Labels::at(std::string_view key) const {
  const auto it = find(key);
  if (it == end()) throw std::out_of_range("no label " + std::string(key));
  return it->second;
}

void Labels::assign(std::vector<value_type> sorted) {
  std::string text;
  for (const auto& [key, value] : sorted) {
    append_with_length(text, key);
    append_with_length(text, value);
  }
  text_ = CompactString(text);  // after reading every view (they may point into text_)
}

void Labels::set(std::string_view key, std::string_view value) {
  std::vector<value_type> labels(begin(), end());
  const auto at = std::lower_bound(labels.begin(), labels.end(), key,
                                   [](const value_type& label, std::string_view k) {
                                     return label.first < k;
                                   });
  if (at != labels.end() && at->first == key) {
    at->second = value;
  } else {
    labels.insert(at, {key, value});
  }
  assign(std::move(labels));
}

bool Labels::emplace(std::string_view key, std::string_view value) {
  if (contains(key)) return false;
  set(key, value);
  return true;
}

std::strong_ordering operator<=>(const Labels& a, const Labels& b) {
  return std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace clusterdns::registry
