#pragma once
// An immutable string held by one pointer: empty is null, copies share the characters.
// For the short, often empty or repeated strings every pod and endpoint address
// carries (hostname, subdomain, node name, target pod): a std::string is 32 octets
// even when empty, and these are kept for every one of 50k objects (issue 8).
// Reads as a std::string_view.
// The strings of a parsed file live side by side in a few shared heap blocks instead
// (string_arena.h): a heap block of its own costs 8 to 23 octets more than the text.

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
    if (block_ == nullptr) return {};
    const uint32_t word = block_->references.load(std::memory_order_relaxed);
    if ((word & kInArena) != 0) {
      return {reinterpret_cast<const char*>(block_) + kArenaHeader, word & kMaxArenaSize};
    }
    return {block_->text(), block_->size};
  }
  operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor)
  std::string str() const { return std::string(view()); }
  bool empty() const { return block_ == nullptr; }
  size_t size() const { return view().size(); }
  const char* data() const { return view().data(); }
  // Whether both hold the very same characters (then they are equal without comparing).
  bool shares_with(const CompactString& other) const { return block_ == other.block_; }
  // Whether the characters sit in a file's shared block (string_arena.h).
  bool in_arena() const {
    return block_ != nullptr && (block_->references.load(std::memory_order_relaxed) & kInArena);
  }

  friend bool operator==(const CompactString& a, std::string_view b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(const CompactString& a, std::string_view b) {
    return a.view() <=> b;
  }

 private:
  friend class StringArena;

  // A Block of its own counts its holders in `references`; the characters follow
  // `size`. A text in an arena's heap block has only the first word, and the characters
  // right after it: kInArena, its distance in four-octet units from the arena's count
  // (which counts the holders of all its texts), and its length. That word never
  // changes.
  static constexpr uint32_t kInArena = 0x80000000u;
  static constexpr int kArenaDistanceShift = 16;
  static constexpr uint32_t kMaxArenaSize = 0xffffu;      // octets of text
  static constexpr uint32_t kMaxArenaDistance = 0x7fffu;  // four-octet units
  static constexpr size_t kArenaHeader = 4;               // the word
  struct Block {
    std::atomic<uint32_t> references;
    uint32_t size;
    char* text() { return reinterpret_cast<char*>(this + 1); }
    const char* text() const { return reinterpret_cast<const char*>(this + 1); }
  };
  // Who counts the holders of `block`: itself, or its arena.
  static std::atomic<uint32_t>& counter_of(Block* block) noexcept;
  // Holds `block` (one more holder); for StringArena.
  explicit CompactString(Block* block) noexcept;
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
