#pragma once
// One immutable piece of the answer table (DESIGN.md §4): the owner names a group of
// records produces, each with its precomputed response bodies. A snapshot is a set of
// chunks plus one hash index over all their names (snapshot.h), so a reload re-encodes
// only the chunks whose records changed and shares the others with the previous
// snapshot (issue 6: one changed pod among 50k objects must not re-encode them all).
//
// Bodies are encoded as if the question (the owner, lower-cased, at offset 12) came
// first; pointers only ever reach into the question or earlier in the same body, so a
// body is valid wherever its chunk lives.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "zones/answer_pieces.h"
#include "zones/options.h"
#include "zones/record.h"

namespace clusterdns::zones {

// The end of one RRset within a section: octets and records from the section start.
// Truncation keeps whole RRsets (RFC 2181 §9), so it cuts only here. Both saturate at
// 65,535: no message is longer, so a saturated cut never fits and is never sent.
struct RRsetCut {
  static RRsetCut at(size_t end, size_t count) {
    return {static_cast<uint16_t>(std::min<size_t>(end, 0xffff)),
            static_cast<uint16_t>(std::min<size_t>(count, 0xffff))};
  }
  uint16_t end = 0;
  uint16_t count = 0;
};

// One precomputed response body for (name, type), in 16 octets: there are ~200k at
// 50k objects. The body sits in the chunk's arena at `offset`:
// - a BlockExtent first, when the block has cuts or additional octets (extended());
// - the answer octets; or, for an answer made of other answers' octets
//   (answer_pieces > 0, see answer_pieces.h), a table of that many AnswerPieces; or,
//   for a PTR answer whose target is a name of the same chunk (answer_pieces ==
//   kNamedTarget), the record's fixed octets and the target's name id: the target is
//   written from its name record and apex, not stored a second time; or, for an SRV
//   answer whose targets are all names of the chunk (kSrvTemplate), per record its
//   priority, weight and port and the target's name id (an SRV template);
// - the additional octets (positive answers from our zones carry no authority section),
//   or, when compact_additional, one CompactAddress entry per additional record.
// Cuts, from BlockExtent::first_cut: one per answer RRset when there are several (a
// CNAME chain; one RRset is cut only at its end: answer_length, answer_count), then one
// per additional RRset (implied when compact_additional: one record each).
struct AnswerBlock {
  uint16_t type = 0;
  uint16_t answer_count = 0;  // records in the answer section
  uint16_t additional_rrsets = 0;
  uint8_t answer_rrsets : 7 = 0;  // at most kMaxCnameChain + 1
  // The additional records are CompactAddress entries (and the answer one RRset).
  bool compact_additional : 1 = false;
  uint8_t answer_pieces = 0;
  uint32_t offset = 0;
  uint32_t answer_length = 0;
  // Most answers (an address, a PTR) have neither cuts nor additional records, and
  // most others' additional records are compact: what only the rest need is in their
  // BlockExtent.
  bool extended() const {
    return (additional_rrsets > 0 && !compact_additional) || answer_rrsets > 1;
  }
};

static_assert(sizeof(AnswerBlock) == 16);

// AnswerBlock::answer_pieces of a PTR answer that names its target by id.
inline constexpr uint8_t kNamedTarget = 0xff;
// What an answer record whose owner points at the question (offset 12) sends before
// its RDATA: the pointer, type, class, TTL and RDLENGTH (RFC 1035 §4.1.3).
inline constexpr uint32_t kOwnedRecordFixedOctets = 12;
// The first 10 of those: the pointer, `type`, class IN and `ttl` (32 bits, most
// significant first). Compact forms hold only what follows them, and are used only
// where the encoded record begins so.
inline std::array<uint8_t, 10> owned_record_head(uint16_t type, uint32_t ttl) {
  return {0xc0,
          0x0c,
          static_cast<uint8_t>(type >> 8),
          static_cast<uint8_t>(type),
          0,
          1,
          static_cast<uint8_t>(ttl >> 24),
          static_cast<uint8_t>(ttl >> 16),
          static_cast<uint8_t>(ttl >> 8),
          static_cast<uint8_t>(ttl)};
}
// The fixed octets of that PTR record.
inline constexpr uint32_t kNamedTargetFixedOctets = kOwnedRecordFixedOctets;
// AnswerBlock::answer_pieces of an SRV template, and what it holds per record: the
// priority, weight and port, then the target's id. What the record sends before its
// target is those and the owner pointer, type, class, the snapshot's TTL and RDLENGTH
// (from the target's length): 10 octets stand for 22 (23 B/object at 50k, issue 8).
inline constexpr uint8_t kSrvTemplate = 0xfe;
inline constexpr uint32_t kSrvFixedOctets = 18;    // as sent, before the target
inline constexpr uint32_t kSrvTemplateFields = 6;  // priority, weight, port
inline constexpr uint32_t kSrvTemplateRecord = kSrvTemplateFields + sizeof(uint32_t);

struct BlockExtent {
  uint32_t first_cut = 0;
  uint32_t additional_length = 0;
};

// The additional section of an SRV answer is the A records of its targets, each an
// RRset of one record whose owner points at the target in the answer: 16 octets, of
// which only the pointer and the address vary. A block whose additional records are
// all so (at the snapshot's TTL) stores those 6 octets each, and its cuts are implied
// (one record each), and so is its BlockExtent: 52 B/object at 50k objects (issue 8).
struct CompactAddress {
  static constexpr size_t kStoredOctets = 6;   // owner pointer, address
  static constexpr size_t kRecordOctets = 16;  // as sent
  // Type A, class IN, the TTL, RDLENGTH 4: what comes between pointer and address.
  static std::array<uint8_t, 10> fixed_octets(uint32_t ttl) {
    const auto head = owned_record_head(1, ttl);  // type A
    std::array<uint8_t, 10> fixed{};
    std::copy(head.begin() + 2, head.end(), fixed.begin());
    fixed[9] = 4;
    return fixed;
  }
};

// An answer held in the name's record itself rather than in an AnswerBlock and the
// arena. Most names answer one A record (a Service's ClusterIP, a Pod's address, an
// endpoint's) or one PTR record naming a name of the chunk (a reverse name), whose 16
// octets differ from name to name only in the address or the target: 4 octets in the
// record stand for 32 (a block and its body), 66 B/object at 50k objects (issue 8).
// Only an answer that AnswerWriter::add_owned_answer() writes octet for octet is held
// so: one record, at the snapshot's TTL, with nothing in additional.
enum class InlineAnswer : uint8_t {
  kNone,
  kAddress,   // an A record: its 4 address octets
  kNamedPtr,  // a PTR record: its target's name id in this chunk
};

// An owner name of the chunk (with records, or a name that must exist without any,
// like a namespace's "<ns>.svc.<zone>"). Its record in the chunk's name area is this
// header, its inline answer's 4 octets if it has one, its AnswerBlocks (sorted by
// type), then its labels above the zone's apex (lower-case wire labels, no final
// zero), padded to four octets. A lookup finds them all together, and the name costs
// 4 octets besides its answers and labels (issue 8). Every name of a zone ends in the
// same apex, which the index holds once (SnapshotIndex::full_name). A name is known by
// its record's offset in the name area, its id.
//
// Labels shared with another name of the chunk are stored once (issue 8: a Service's
// name ends every one of its endpoints' and `_port._proto` names): when a proper suffix
// of the name is a name of the chunk, the record stores only the labels before it and,
// between its blocks and those labels, a SuffixRef to where that suffix's labels are
// in the chunk's name area (has_suffix). The suffix is always stored whole, in a record
// without a SuffixRef of its own, so a name is at most two runs of labels plus its
// apex: one more cache line to read, the suffix's record being nearby in the chunk.
// A SuffixRef points only inside its own chunk, which a reload replaces as a whole.
struct ChunkName {
  uint8_t name_length = 0;     // labels stored in the record (0 for the apex itself)
  uint8_t zone : 2 = 0;        // index into the served zones (ServedZones order)
  uint8_t has_suffix : 1 = 0;  // a SuffixRef follows the blocks
  uint8_t unused : 5 = 0;
  uint8_t block_count = 0;  // a name answers a handful of types
  InlineAnswer inline_answer = InlineAnswer::kNone;
  bool has_inline_answer() const { return inline_answer != InlineAnswer::kNone; }
  bool has_records() const { return block_count > 0 || has_inline_answer(); }
};

// Where a name's suffix labels are in its chunk's name area: all the labels of the
// record that holds them, which start at a multiple of four octets (records are padded
// to four, and so are a header and its blocks). So the offset takes 24 bits, divided by
// four, and reaches 64 MiB, as the index's name ids do (IndexEntry); the length takes 8.
struct SuffixRef {
  static constexpr uint32_t kOffsetLimit = uint32_t{1} << 26;
  // Throws std::length_error past kOffsetLimit.
  static SuffixRef at(uint32_t offset, uint8_t length);
  uint32_t offset() const { return (word & 0xffffff) << 2; }
  uint8_t length() const { return static_cast<uint8_t>(word >> 24); }
  uint32_t word = 0;
};

// A name's labels above its apex, in at most two runs: those of its own record, then
// (has_suffix) those of its suffix, stored in another record of the chunk.
struct NameLabels {
  std::span<const uint8_t> own;
  std::span<const uint8_t> suffix;
  size_t size() const { return own.size() + suffix.size(); }
};

// A CNAME whose target is in a served zone but not in this chunk: its answer here is
// the CNAME alone, and the snapshot re-encodes it together with the target's chunk.
struct ExternalCname {
  std::string owner;   // wire octets
  std::string target;  // wire octets
};

class ChunkBuilder;

class SnapshotChunk {
 public:
  std::span<const uint8_t> bytes(uint32_t offset, uint32_t length) const {
    return {arena_.data() + offset, length};
  }
  // The name whose record is at `id` in the name area (ids come from name_ids()).
  const ChunkName& name(uint32_t id) const {
    return *reinterpret_cast<const ChunkName*>(names_.data() + id);
  }
  std::span<const AnswerBlock> blocks(const ChunkName& name) const {
    return {reinterpret_cast<const AnswerBlock*>(reinterpret_cast<const uint8_t*>(&name) +
                                                 blocks_offset(name)),
            name.block_count};
  }
  // InlineAnswer::kAddress: the A record's address octets.
  std::span<const uint8_t, 4> inline_address(const ChunkName& name) const {
    return std::span<const uint8_t, 4>(inline_word(name), 4);
  }
  // InlineAnswer::kNamedPtr: the name the PTR record points at.
  const ChunkName& inline_target(const ChunkName& name) const { return named(inline_word(name)); }
  // The apex of a target's zone, as named targets are written: it is in the arena
  // once a target of that zone is.
  std::span<const uint8_t> target_apex(const ChunkName& target) const {
    const AnswerPiece apex = apexes_[target.zone];
    return bytes(apex.offset, apex.length);
  }
  // The labels above the apex (see ChunkName).
  NameLabels name_prefix(const ChunkName& name) const {
    const uint8_t* record = reinterpret_cast<const uint8_t*>(&name);
    NameLabels labels{{record + labels_offset(name), name.name_length}, {}};
    if (name.has_suffix) {
      const SuffixRef suffix = suffix_ref(name);
      labels.suffix = {names_.data() + suffix.offset(), suffix.length()};
    }
    return labels;
  }
  // Only the record's own labels: one read where the whole name is not needed.
  static std::span<const uint8_t> own_labels(const ChunkName& name) {
    return {reinterpret_cast<const uint8_t*>(&name) + labels_offset(name), name.name_length};
  }
  // The ids of the chunk's names, in the order they were built.
  class NameIds;
  NameIds name_ids() const;
  size_t name_count() const { return name_count_; }
  // The answer section's octets, in order: one span, or one per piece.
  template <typename Visit>
  void for_each_answer_piece(const AnswerBlock& block, Visit&& visit) const {
    const uint32_t start = body_start(block);
    if (block.answer_pieces == 0) {
      visit(bytes(start, block.answer_length));
      return;
    }
    if (block.answer_pieces == kNamedTarget) {
      visit(bytes(start, kNamedTargetFixedOctets));
      visit_target(start + kNamedTargetFixedOctets, visit);
      return;
    }
    if (block.answer_pieces == kSrvTemplate) {
      visit_srv_template(start, block.answer_count * kSrvTemplateRecord, visit);
      return;
    }
    for (size_t i = 0; i < block.answer_pieces; ++i) {
      AnswerPiece piece;
      std::memcpy(&piece, arena_.data() + start + i * sizeof(AnswerPiece), sizeof(piece));
      if ((piece.length & AnswerPiece::kTemplatePiece) != 0) {
        visit_srv_template(piece.offset, piece.length & ~AnswerPiece::kTemplatePiece, visit);
      } else {
        visit(bytes(piece.offset, piece.length));
      }
    }
  }
  // The additional section's octets as stored: CompactAddress entries when
  // block.compact_additional, else as sent.
  std::span<const uint8_t> additional(const AnswerBlock& block) const {
    const uint32_t length = block.compact_additional
                                ? block.additional_rrsets * uint32_t{CompactAddress::kStoredOctets}
                                : extent(block).additional_length;
    return bytes(body_start(block) + own_answer_octets(block), length);
  }
  // The octets between a CompactAddress entry's pointer and address.
  std::array<uint8_t, 10> compact_fixed_octets() const {
    return CompactAddress::fixed_octets(ttl_);
  }
  // Empty for an answer of one RRset (see AnswerBlock).
  std::span<const RRsetCut> answer_cuts(const AnswerBlock& block) const {
    if (stored_answer_cuts(block) == 0) return {};
    return {cuts_.data() + extent(block).first_cut, stored_answer_cuts(block)};
  }
  // Empty when block.compact_additional.
  std::span<const RRsetCut> additional_cuts(const AnswerBlock& block) const {
    if (block.additional_rrsets == 0 || block.compact_additional) return {};
    return {cuts_.data() + extent(block).first_cut + stored_answer_cuts(block),
            block.additional_rrsets};
  }
  const std::vector<ExternalCname>& external_cnames() const { return external_cnames_; }
  size_t record_count() const { return record_count_; }
  size_t memory_bytes() const;

 private:
  friend class ChunkBuilder;
  static size_t stored_answer_cuts(const AnswerBlock& block) {
    return block.answer_rrsets > 1 ? block.answer_rrsets : 0;
  }
  BlockExtent extent(const AnswerBlock& block) const {
    BlockExtent extent;
    if (block.extended()) std::memcpy(&extent, arena_.data() + block.offset, sizeof(extent));
    return extent;
  }
  // The name whose id is stored (unaligned) at `id_octets`.
  const ChunkName& named(const uint8_t* id_octets) const {
    uint32_t id = 0;
    std::memcpy(&id, id_octets, sizeof(id));
    return name(id);
  }
  const ChunkName& name_at(uint32_t at) const { return named(arena_.data() + at); }
  // The target named by the id at `at` in the arena: its labels, then its apex.
  template <typename Visit>
  void visit_target(uint32_t at, Visit& visit) const {
    const ChunkName& target = name_at(at);
    visit_name(target, name_prefix(target), visit);
  }
  // A target's labels (`labels`, its name_prefix()), then its apex.
  template <typename Visit>
  void visit_name(const ChunkName& target, const NameLabels& labels, Visit& visit) const {
    visit(labels.own);
    if (!labels.suffix.empty()) visit(labels.suffix);
    visit(target_apex(target));
  }
  template <typename Visit>
  void visit_srv_template(uint32_t at, uint32_t length, Visit& visit) const {
    std::array<uint8_t, kSrvFixedOctets> fixed{};
    const auto head = owned_record_head(33, ttl_);  // type SRV
    std::copy(head.begin(), head.end(), fixed.begin());
    for (const uint32_t end = at + length; at < end; at += kSrvTemplateRecord) {
      const ChunkName& target = name_at(at + kSrvTemplateFields);
      const NameLabels labels = name_prefix(target);
      const size_t rdlength = kSrvTemplateFields + labels.size() + target_apex(target).size();
      fixed[10] = static_cast<uint8_t>(rdlength >> 8);
      fixed[11] = static_cast<uint8_t>(rdlength);
      std::memcpy(fixed.data() + 12, arena_.data() + at, kSrvTemplateFields);
      visit(std::span<const uint8_t>(fixed));
      visit_name(target, labels, visit);
    }
  }
  static uint32_t own_answer_octets(const AnswerBlock& block) {
    if (block.answer_pieces == 0) return block.answer_length;
    if (block.answer_pieces == kNamedTarget) return kNamedTargetFixedOctets + sizeof(uint32_t);
    if (block.answer_pieces == kSrvTemplate) return block.answer_count * kSrvTemplateRecord;
    return block.answer_pieces * uint32_t{sizeof(AnswerPiece)};
  }
  static uint32_t body_start(const AnswerBlock& block) {
    return block.offset + (block.extended() ? uint32_t{sizeof(BlockExtent)} : 0);
  }
  static const uint8_t* inline_word(const ChunkName& name) {
    return reinterpret_cast<const uint8_t*>(&name + 1);
  }
  static uint32_t inline_octets(const ChunkName& name) {
    return name.has_inline_answer() ? uint32_t{sizeof(uint32_t)} : 0;
  }
  // A name record's layout (ChunkName), from the record's start. The builder writes
  // records through these too.
  static uint32_t blocks_offset(const ChunkName& name) {
    return uint32_t{sizeof(ChunkName)} + inline_octets(name);
  }
  static uint32_t suffix_ref_offset(const ChunkName& name) {
    return blocks_offset(name) + name.block_count * uint32_t{sizeof(AnswerBlock)};
  }
  static uint32_t labels_offset(const ChunkName& name) {
    return suffix_ref_offset(name) + (name.has_suffix ? uint32_t{sizeof(SuffixRef)} : 0);
  }
  // Octets a name's record takes in the name area.
  static uint32_t record_size(const ChunkName& name) {
    return (labels_offset(name) + name.name_length + 3) & ~uint32_t{3};
  }
  static SuffixRef suffix_ref(const ChunkName& name) {
    SuffixRef suffix;
    std::memcpy(&suffix, reinterpret_cast<const uint8_t*>(&name) + suffix_ref_offset(name),
                sizeof(suffix));
    return suffix;
  }
  std::vector<uint8_t> arena_;  // answer bodies
  std::vector<uint8_t> names_;  // name records; its allocation is aligned for the blocks
  size_t name_count_ = 0;
  std::vector<RRsetCut> cuts_;
  // Where each served zone's apex is in the arena, once a named target needs it.
  std::array<AnswerPiece, 3> apexes_{};
  uint32_t ttl_ = 0;  // the snapshot's: that of every compact record
  std::vector<ExternalCname> external_cnames_;
  size_t record_count_ = 0;
};

// Iterates the name ids of a chunk (each record's offset; records vary in size).
class SnapshotChunk::NameIds {
 public:
  class Iterator {
   public:
    Iterator(const SnapshotChunk* chunk, uint32_t id) : chunk_(chunk), id_(id) {}
    uint32_t operator*() const { return id_; }
    Iterator& operator++() {
      id_ += record_size(chunk_->name(id_));
      return *this;
    }
    bool operator==(const Iterator& other) const { return id_ == other.id_; }

   private:
    const SnapshotChunk* chunk_;
    uint32_t id_;
  };
  explicit NameIds(const SnapshotChunk* chunk) : chunk_(chunk) {}
  Iterator begin() const { return {chunk_, 0}; }
  Iterator end() const { return {chunk_, static_cast<uint32_t>(chunk_->names_.size())}; }

 private:
  const SnapshotChunk* chunk_;
};

inline SnapshotChunk::NameIds SnapshotChunk::name_ids() const {
  return NameIds(this);
}

static_assert(sizeof(ChunkName) == 4 && sizeof(SuffixRef) == 4 && alignof(AnswerBlock) <= 4);

// How many CNAMEs of an in-zone chain are followed at build time (a loop stops here
// too), within a chunk and across chunks alike.
inline constexpr int kMaxCnameChain = 8;

// The apexes of the served zones, in ChunkName::zone order: the cluster domain, then
// in-addr.arpa. and ip6.arpa. (lower-case wire octets).
std::vector<std::string> served_apexes(const RecordOptions& options);

// Records (any order; an RRset keeps the order its records come in, so callers sort
// them first, sort_records_for_encoding() in records.h) plus names that must exist without records →
// one chunk. Records and names outside the served zones are ignored, as are names under
// pod.<zone> when pods are disabled. In-zone CNAME chains are followed within the chunk.
// Runs off the serving threads; allocates freely.
std::shared_ptr<const SnapshotChunk> build_chunk(std::vector<Record> records,
                                                 const std::vector<std::string>& empty_names,
                                                 const RecordOptions& options);
// The same from records already grouped by owner text, then type (as
// encoding_order() in records.h leaves them), which must outlive the call.
std::shared_ptr<const SnapshotChunk> build_chunk(std::span<const Record* const> records,
                                                 const std::vector<std::string>& empty_names,
                                                 const RecordOptions& options);

}  // namespace clusterdns::zones
