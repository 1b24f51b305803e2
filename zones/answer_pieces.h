#pragma once
// Answers of a chunk that are made of other answers' octets. A Service's bare-name SRV
// answer lists the records of each of its `_port._proto` names (DESIGN.md §3), and SRV
// targets are never compressed (RFC 2782), so its answer section is, octet for octet,
// its ports' answer sections one after the other. Storing it as pieces of those saves
// the largest answers of a headless Service a second copy (issue 8: about an eighth
// of the snapshot at 50k objects).
//
// StoredAnswers remembers the answer sections a chunk has stored so far, by content,
// and splits a new one into the fewest such pieces, cutting only between records.
// Used while building a chunk, off the serving threads.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace clusterdns::zones {

// Where another answer section's octets are stored in the chunk's arena: as octets,
// or (kTemplatePiece set in `length`) as an SRV template (snapshot_chunk.h).
struct AnswerPiece {
  static constexpr uint32_t kTemplatePiece = 0x80000000u;
  uint32_t offset = 0;
  uint32_t length = 0;  // stored octets, with kTemplatePiece
};

class StoredAnswers {
 public:
  // Forgets everything (a new chunk), keeping the room.
  void clear();
  // An answer section with these octets, now stored as `stored` (keeps a copy of the
  // octets to compare with: the stored form may differ).
  void remember(AnswerPiece stored, std::span<const uint8_t> section);
  // Fills `pieces` with stored sections that together are exactly `section`, longest
  // first from the front, at most `max_pieces`; false (pieces unspecified) when that
  // cannot be done.
  bool split(std::span<const uint8_t> section, size_t max_pieces, std::vector<AnswerPiece>& pieces);

 private:
  struct Entry {
    uint64_t hash = 0;
    uint32_t octets = 0;  // in octets_
    uint32_t length = 0;  // 0: a free entry
    AnswerPiece stored;
  };
  const Entry* find(uint64_t hash, std::span<const uint8_t> section) const;
  void grow();

  struct RecordStart {
    size_t offset = 0;
    uint64_t hash = 0;
  };
  std::vector<Entry> table_;
  std::vector<uint8_t> octets_;
  std::vector<RecordStart> records_;  // split()'s scratch: the section's records
  size_t size_ = 0;
};

// Octets of the resource record at `at` in a section (RFC 1035 §4.1.3): owner, fixed
// fields, RDATA. 0 when the section ends inside it.
size_t record_length(std::span<const uint8_t> section, size_t at);

}  // namespace clusterdns::zones
