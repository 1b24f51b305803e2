#pragma once
// An immutable string held by one pointer: empty is null, copies share the characters.
// For the short, often empty or repeated strings every pod and endpoint address
// carries (hostname, subdomain, node name, target pod): a std::string is 32 octets
// even when empty, and these are kept for every one of 50k objects (issue 8).
// Reads as a std::string_view.

#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace clusterdns::registry {

class CompactString {
 public:
  CompactString() = default;
  CompactString(std::string_view text);  // NOLINT(google-explicit-constructor)
  CompactString(const std::string& text) : CompactString(std::string_view(text)) {}  // NOLINT
  CompactString(const char* text) : CompactString(std::string_view(text)) {}  // NOLINT
  CompactString(const CompactString& other) noexcept;
  CompactString(CompactString&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
  CompactString& operator=(const CompactString& other) noexcept;
  CompactString& operator=(CompactString&& other) noexcept;
  ~CompactString();

  std::string_view view() const {
    return block_ == nullptr ? std::string_view() : std::string_view(block_->text(), block_->size);
  }
  operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor)
  std::string str() const { return std::string(view()); }
  bool empty() const { return block_ == nullptr; }
  size_t size() const { return block_ == nullptr ? 0 : block_->size; }
  const char* data() const { return view().data(); }
  // Whether both hold the very same characters (then they are equal without comparing).
  bool shares_with(const CompactString& other) const { return block_ == other.block_; }

  friend bool operator==(const CompactString& a, std::string_view b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(const CompactString& a, std::string_view b) {
    return a.view() <=> b;
  }

 private:
  struct Block {
    std::atomic<uint32_t> references;
    uint32_t size;
    char* text() { return reinterpret_cast<char*>(this + 1); }
    const char* text() const { return reinterpret_cast<const char*>(this + 1); }
  };
  void release() noexcept;

  Block* block_ = nullptr;
};

// Prints the characters (for diagnostics and test failure messages).
std::ostream& operator<<(std::ostream& out, const CompactString& text);

inline std::string operator+(const std::string& a, const CompactString& b) {
  return a + std::string(b.view());
}
inline std::string operator+(const char* a, const CompactString& b) {
  return a + std::string(b.view());
}
inline std::string operator+(const CompactString& a, const std::string& b) {
  return std::string(a.view()) + b;
}
inline std::string operator+(const CompactString& a, const char* b) {
  return std::string(a.view()) + b;
}

}  // namespace clusterdns::registry
