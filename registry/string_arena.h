#pragma once
// The strings of one parsed file side by side in a few shared heap blocks (issue 8:
// memory per object). Each name, node name and label set held a heap block of its own,
// and a block costs 8 to 23 octets more than its text (malloc's header and rounding to
// 16): at 50k objects that was a tenth of the registry's memory. Here texts are packed
// into blocks that grow with the file (up to kMaxBlockBytes), each behind a four-octet
// word (compact_string.h), and equal texts are stored once.
//
// Ownership stays with the objects: every CompactString in a block holds the block's
// count, so a block lives while any object parsed from the file does (objects are
// shared across reloads, shared_object.h). It is freed when the last goes; until then a
// string whose object was dropped keeps its few octets.
//
// Use: add() the strings of the objects of one document, then store(); again for the
// next document. Moving a document's strings right after parsing it, rather than the
// whole file's at the end, lets the next document reuse the heap space the old copies
// leave: no holes between the objects that stay (the referee measures PSS).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "registry/compact_string.h"

namespace clusterdns::registry {

class StringArena {
 public:
  // A block never grows past this, unless one document's new texts need more (up to
  // 128 KiB): the last block of a file is partly unused (at most this much).
  static constexpr size_t kMaxBlockBytes = 16 * 1024;

  StringArena() = default;
  StringArena(const StringArena&) = delete;
  StringArena& operator=(const StringArena&) = delete;
  ~StringArena();

  // `text` is to move into a block (or to share an equal text stored already). It
  // must stay where it is until store().
  void add(CompactString& text);
  // New texts equal to `text`, which is in a block already, share its copy.
  void reuse(const CompactString& text);
  // Copies the texts added since the last store() into a block and points each string
  // at its copy.
  void store();

  // For CompactString: the last holder of a block's strings is gone.
  static void free_block(std::atomic<uint32_t>* count) noexcept;

 private:
  using Block = CompactString::Block;
  // Texts sit at four-octet boundaries (the arena word's alignment), each at most
  // kLargestBlock from its block's count (what the arena word holds).
  static constexpr size_t kAlign = 4;
  static constexpr size_t kLargestBlock = size_t{CompactString::kMaxArenaDistance} * kAlign;
  static constexpr size_t entry_size(size_t text_size) {
    return (CompactString::kArenaHeader + text_size + kAlign - 1) / kAlign * kAlign;
  }
  // Starts a new block with room for `bytes` (the texts still to place) at least.
  void start_block(size_t bytes);

  std::vector<CompactString*> moving_;
  // Every text stored so far, held: moving strings are pointed at these.
  std::unordered_map<std::string_view, CompactString> stored_;
  char* block_ = nullptr;  // where new texts go; held by the arena until it moves on
  size_t used_ = 0;
  size_t capacity_ = 0;
  size_t stored_bytes_ = 0;  // in all of this arena's blocks
};

}  // namespace clusterdns::registry
