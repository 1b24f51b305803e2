#include "zones/snapshot_chunk.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "dns/wire/types.h"
#include "zones/answer_encoder.h"
#include "zones/snapshot_index.h"

namespace clusterdns::zones {
namespace {

constexpr uint16_t kTypeA = dns::to_u16(dns::RRType::kA);
constexpr uint16_t kTypeNs = dns::to_u16(dns::RRType::kNS);
constexpr uint16_t kTypeCname = dns::to_u16(dns::RRType::kCNAME);
constexpr uint16_t kTypeAaaa = dns::to_u16(dns::RRType::kAAAA);
constexpr uint16_t kTypeSrv = dns::to_u16(dns::RRType::kSRV);
constexpr uint16_t kTypePtr = dns::to_u16(dns::RRType::kPTR);
// A target that is no owner of the chunk.
constexpr uint32_t kNotOurs = 0xffffffff;
// ChunkName::zone of the cluster domain's names (served_apexes() puts it first).
constexpr uint8_t kClusterZone = 0;
// A Service with more ports than this stores its bare-name SRV answer whole.
constexpr size_t kMaxAnswerPieces = 32;

using WireName = std::string;  // lower-case uncompressed wire octets

WireName wire_of(std::string_view text) {
  const auto wire = name_to_wire(text);
  return {wire.begin(), wire.end()};
}

std::string_view view_of(std::span<const uint8_t> wire) {
  return {reinterpret_cast<const char*>(wire.data()), wire.size()};
}

bool is_at_or_below(std::string_view name, std::string_view apex) {
  for (size_t position = 0; position < name.size();
       position += size_t{static_cast<uint8_t>(name[position])} + 1) {
    if (name.substr(position) == apex) return true;
    if (name[position] == 0) break;
  }
  return false;
}

// Records of one owner and type, contiguous in the sorted record list.
struct RRset {
  uint16_t type = 0;
  uint32_t owner = 0;  // index into the owners
  const Record* const* first = nullptr;
  size_t size = 0;
  std::span<const Record* const> records() const { return {first, size}; }
};

// An owner name: its wire octets in the workspace's name buffer, its RRsets by type.
struct Owner {
  uint32_t wire_offset = 0;
  uint8_t wire_length = 0;
  uint8_t zone = 0;
  uint32_t first_rrset = 0;
  uint32_t rrset_count = 0;
};

// Where a name's labels end in another's (ChunkName, SuffixRef): `holder` stores
// `length` octets of labels, all of its own, that are the name's last labels above the
// apex; kNotOurs: the name stores all its labels.
struct SharedSuffix {
  uint32_t holder = kNotOurs;
  uint8_t length = 0;
  bool found = false;  // looked for already
};

// One answer of a name: its type and the RRsets of its answer section (a range of
// the workspace's answer_sets).
struct Answer {
  uint16_t type = 0;
  uint32_t first = 0;
  uint32_t count = 0;
};

// What building a chunk needs besides its output, kept per thread between chunks so
// that a start-up build of a thousand chunks allocates almost nothing per name.
struct Workspace {
  std::vector<uint8_t> wires;           // owner names, back to back
  std::vector<Owner> owners;
  std::vector<uint32_t> table;          // owner index + 1 by wire hash; 0: free
  std::vector<std::pair<uint32_t, RRset>> pending;  // (owner, RRset) in record order
  std::vector<RRset> rrsets;            // by owner, then as the records came
  std::vector<std::pair<std::string_view, uint32_t>> texts;  // owner text → owner
  std::vector<uint32_t> text_table;     // texts index + 1 by text hash; 0: free
  std::vector<uint8_t> wire;            // a name being converted
  std::vector<Answer> answers;
  std::vector<const RRset*> answer_sets;
  std::vector<const RRset*> chain;
  std::vector<uint32_t> seen;
  std::vector<uint32_t> targets;
  StoredAnswers stored_srv;  // SRV answer sections in the arena, by content
  std::vector<AnswerPiece> pieces;
  std::vector<uint32_t> owner_ids;  // each owner's name id, once its record is written
  std::vector<SharedSuffix> suffixes;                        // by owner
  std::vector<std::pair<uint32_t, uint32_t>> suffix_refs;    // (names position, holder)
  std::vector<std::pair<uint32_t, uint32_t>> named_targets;  // (arena position, owner)
  // (name area position, owner): inline PTR answers whose target is written later.
  std::vector<std::pair<uint32_t, uint32_t>> inline_targets;
  std::vector<uint32_t> record_targets;    // each SRV/NS record's target owner, or kNotOurs
  AnswerEncoder encoder{std::span<const uint8_t>()};
  // The chunk's contents, copied out at the end at their exact size.
  std::vector<uint8_t> arena;
  std::vector<uint8_t> names;       // name records (see ChunkName)
  std::vector<AnswerBlock> blocks;  // the current name's
  // The current name's inline answer (see InlineAnswer): the address octets, or the
  // target's owner index until its id is known.
  InlineAnswer inline_answer = InlineAnswer::kNone;
  std::array<uint8_t, 4> inline_address{};
  uint32_t inline_target = 0;
  std::vector<RRsetCut> cuts;
  // The current block's additional section in compact form (see CompactAddress).
  std::vector<uint8_t> compact_additional;
};

// The index's hash (eight octets a step): every owner is hashed twice here, as text
// and as wire octets, and byte-wise FNV-1a was a few percent of a start-up build.
uint64_t hash_octets(std::string_view octets) {
  return SnapshotIndex::hash_name({reinterpret_cast<const uint8_t*>(octets.data()), octets.size()});
}

}  // namespace

class ChunkBuilder {
 public:
  // `records` grouped by owner text, then type (see build_chunk).
  ChunkBuilder(std::span<const Record* const> records, const RecordOptions& options,
               Workspace& work)
      : options_(options), apexes_(served_apexes(options)),
        pod_zone_(wire_of("pod." + options.domain)), records_(records), work_(work) {}

  std::shared_ptr<const SnapshotChunk> build(const std::vector<std::string>& empty_names) {
    work_.wires.clear();
    work_.owners.clear();
    work_.pending.clear();
    work_.rrsets.clear();
    work_.texts.clear();
    work_.arena.clear();
    work_.names.clear();
    work_.blocks.clear();
    work_.cuts.clear();
    work_.stored_srv.clear();
    work_.named_targets.clear();
    work_.inline_targets.clear();
    work_.suffix_refs.clear();
    const size_t most = records_.size() + empty_names.size();
    work_.table.assign(std::bit_ceil(2 * most + 16), 0);
    work_.text_table.assign(work_.table.size(), 0);
    group_owners(empty_names);
    work_.owner_ids.assign(work_.owners.size(), 0);
    work_.suffixes.assign(work_.owners.size(), SharedSuffix{});
    for (uint32_t i = 0; i < work_.owners.size(); ++i) find_suffix(i);
    // `_port._proto` names first: their SRV answers are the pieces of their Service's
    // bare name's (store_body).
    for (const bool port_names : {true, false}) {
      for (uint32_t i = 0; i < work_.owners.size(); ++i) {
        if (is_port_name(wire_of_owner(i)) == port_names) add_name(i);
      }
    }
    // PTR targets written before their own name record: their ids are known now.
    for (const auto& [position, owner] : work_.named_targets) {
      std::memcpy(work_.arena.data() + position, &work_.owner_ids[owner], sizeof(uint32_t));
    }
    for (const auto& [position, owner] : work_.inline_targets) {
      std::memcpy(work_.names.data() + position, &work_.owner_ids[owner], sizeof(uint32_t));
    }
    // And the SuffixRefs, now that every holder's record is written.
    for (const auto& [position, holder] : work_.suffix_refs) write_suffix_ref(position, holder);
    auto chunk = std::make_shared<SnapshotChunk>();
    chunk->ttl_ = options_.ttl;
    chunk->apexes_ = apexes_in_arena_;
    chunk->record_count_ = records_.size();
    chunk->arena_.assign(work_.arena.begin(), work_.arena.end());
    chunk->names_.assign(work_.names.begin(), work_.names.end());
    chunk->name_count_ = work_.owners.size();
    chunk->cuts_.assign(work_.cuts.begin(), work_.cuts.end());
    chunk->external_cnames_ = std::move(external_cnames_);
    return chunk;
  }

 private:
  std::span<const uint8_t> wire_of_owner(const Owner& owner) const {
    return {work_.wires.data() + owner.wire_offset, owner.wire_length};
  }
  std::span<const uint8_t> wire_of_owner(uint32_t owner) const {
    return wire_of_owner(work_.owners[owner]);
  }
  std::span<const RRset> rrsets_of(const Owner& owner) const {
    return {work_.rrsets.data() + owner.first_rrset, owner.rrset_count};
  }

  static bool is_port_name(std::span<const uint8_t> wire) {
    return wire.size() > 1 && wire[1] == '_';
  }

  std::optional<uint8_t> zone_index(std::string_view name) const {
    // The served zones do not nest, so the first apex that matches is the zone.
    for (size_t i = 0; i < apexes_.size(); ++i) {
      if (is_at_or_below(name, apexes_[i])) return static_cast<uint8_t>(i);
    }
    return std::nullopt;
  }

  // The table position of `wire`'s owner, or of the free entry where it would go.
  size_t position_of(std::span<const uint8_t> wire) const {
    const size_t mask = work_.table.size() - 1;
    for (size_t at = hash_octets(view_of(wire)) & mask;; at = (at + 1) & mask) {
      const uint32_t entry = work_.table[at];
      if (entry == 0) return at;
      const auto known = wire_of_owner(entry - 1);
      if (std::equal(known.begin(), known.end(), wire.begin(), wire.end())) return at;
    }
  }

  std::optional<uint32_t> find_owner(std::span<const uint8_t> wire) const {
    const uint32_t entry = work_.table[position_of(wire)];
    if (entry == 0) return std::nullopt;
    return entry - 1;
  }

  // The owner of `wire` (new or known), if the name is served.
  std::optional<uint32_t> owner_for(std::span<const uint8_t> wire) {
    const std::string_view name = view_of(wire);
    const auto zone = zone_index(name);
    if (!zone) return std::nullopt;
    if (options_.pods == PodRecords::kDisabled && is_at_or_below(name, pod_zone_)) {
      return std::nullopt;
    }
    const size_t position = position_of(wire);
    if (work_.table[position] != 0) return work_.table[position] - 1;
    const auto index = static_cast<uint32_t>(work_.owners.size());
    work_.owners.push_back(Owner{.wire_offset = static_cast<uint32_t>(work_.wires.size()),
                                 .wire_length = static_cast<uint8_t>(wire.size()),
                                 .zone = *zone});
    work_.wires.insert(work_.wires.end(), wire.begin(), wire.end());
    work_.table[position] = index + 1;
    return index;
  }

  // Records come grouped by owner, then type: one pass cuts them into RRsets.
  void group_owners(const std::vector<std::string>& empty_names) {
    for (size_t i = 0; i < records_.size();) {
      size_t end = i + 1;
      while (end < records_.size() && records_[end]->owner == records_[i]->owner) ++end;
      name_to_wire(records_[i]->owner, work_.wire);
      if (const auto owner = owner_for(work_.wire)) {
        add_text(records_[i]->owner, *owner);
        for (size_t at = i; at < end;) {
          size_t type_end = at + 1;
          while (type_end < end && records_[type_end]->type == records_[at]->type) ++type_end;
          work_.pending.emplace_back(
              *owner, RRset{records_[at]->type, *owner, &records_[at], type_end - at});
          at = type_end;
        }
      }
      i = end;
    }
    for (const std::string& name : empty_names) {
      name_to_wire(name, work_.wire);
      owner_for(work_.wire);
    }
    // An owner's RRsets together, in the order they came (two spellings of one name
    // are the only way they are not already).
    const auto by_owner = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(work_.pending.begin(), work_.pending.end(), by_owner)) {
      std::stable_sort(work_.pending.begin(), work_.pending.end(), by_owner);
    }
    for (const auto& [owner, rrset] : work_.pending) {
      Owner& holder = work_.owners[owner];
      if (holder.rrset_count == 0) holder.first_rrset = static_cast<uint32_t>(work_.rrsets.size());
      ++holder.rrset_count;
      work_.rrsets.push_back(rrset);
    }
  }

  const RRset* rrset_of(const Owner& owner, uint16_t type) const {
    for (const RRset& rrset : rrsets_of(owner)) {
      if (rrset.type == type) return &rrset;
    }
    return nullptr;
  }

  uint32_t append_arena(std::span<const uint8_t> bytes) {
    auto& arena = work_.arena;
    const auto offset = static_cast<uint32_t>(arena.size());
    arena.insert(arena.end(), bytes.begin(), bytes.end());
    return offset;
  }

  // The labels of `wire` above the apex of `zone`.
  std::span<const uint8_t> labels_above_apex(std::span<const uint8_t> wire, uint8_t zone) const {
    return wire.first(wire.size() - apexes_[zone].size());
  }

  // The longest proper suffix of the owner's name that is a name of the chunk, if
  // any, decides where its last labels are stored: in that name's record, or, when
  // that name's own last labels are elsewhere, there too. Names with fewer labels are
  // settled first (recursively), so every holder stores all its labels. Only the
  // cluster domain's names are looked at: a reverse name's suffixes are the leading
  // octets (or nibbles) of an address, which name nothing, and the probes for them
  // were most of this search's cost. Nor are suffixes no longer than the SuffixRef.
  void find_suffix(uint32_t index) {
    SharedSuffix& found = work_.suffixes[index];
    if (found.found) return;
    found.found = true;
    const Owner& owner = work_.owners[index];
    if (owner.zone != kClusterZone) return;
    const auto wire = wire_of_owner(owner);
    const size_t labels = labels_above_apex(wire, owner.zone).size();
    for (size_t at = size_t{wire[0]} + 1; at < labels && labels - at > sizeof(SuffixRef);
         at += size_t{wire[at]} + 1) {
      const auto suffix = owner_of_suffix(wire.subspan(at));
      if (!suffix) continue;
      find_suffix(*suffix);
      const SharedSuffix& next = work_.suffixes[*suffix];
      work_.suffixes[index] = next.holder != kNotOurs
                                  ? next
                                  : SharedSuffix{*suffix, static_cast<uint8_t>(labels - at), true};
      return;
    }
  }

  // find_owner() with a memory of the last suffix found: a Service's endpoints and
  // port names, which end in its name, come one after another.
  std::optional<uint32_t> owner_of_suffix(std::span<const uint8_t> suffix) {
    if (last_suffix_ != kNotOurs) {
      const auto last = wire_of_owner(last_suffix_);
      if (std::equal(last.begin(), last.end(), suffix.begin(), suffix.end())) return last_suffix_;
    }
    const auto found = find_owner(suffix);
    if (found) last_suffix_ = *found;
    return found;
  }

  void add_name(uint32_t index) {
    const Owner& owner = work_.owners[index];
    const auto prefix = labels_above_apex(wire_of_owner(owner), owner.zone);
    const SharedSuffix suffix = work_.suffixes[index];
    const bool has_suffix = suffix.holder != kNotOurs;
    const auto own = prefix.first(prefix.size() - (has_suffix ? suffix.length : 0));
    work_.blocks.clear();
    work_.inline_answer = InlineAnswer::kNone;
    answers_for(index);
    for (const Answer& answer : work_.answers) {
      add_block(wire_of_owner(owner), answer.type,
                {work_.answer_sets.data() + answer.first, answer.count});
    }
    if (work_.blocks.size() > std::numeric_limits<uint8_t>::max()) {
      throw std::length_error("a name with more than 255 record types");
    }
    const ChunkName name{.name_length = static_cast<uint8_t>(own.size()),
                         .zone = owner.zone,
                         .has_suffix = has_suffix,
                         .block_count = static_cast<uint8_t>(work_.blocks.size()),
                         .inline_answer = work_.inline_answer};
    auto& area = work_.names;
    const auto start = static_cast<uint32_t>(area.size());
    work_.owner_ids[index] = start;
    area.resize(start + SnapshotChunk::record_size(name), 0);
    std::memcpy(area.data() + start, &name, sizeof(name));
    const uint32_t inline_at = start + sizeof(name);
    if (name.inline_answer == InlineAnswer::kAddress) {
      std::copy(work_.inline_address.begin(), work_.inline_address.end(), area.begin() + inline_at);
    } else if (name.inline_answer == InlineAnswer::kNamedPtr) {
      work_.inline_targets.emplace_back(inline_at, work_.inline_target);  // id known later
    }
    const auto* blocks = reinterpret_cast<const uint8_t*>(work_.blocks.data());
    std::copy(blocks, blocks + work_.blocks.size() * sizeof(AnswerBlock),
              area.begin() + start + SnapshotChunk::blocks_offset(name));
    std::copy(own.begin(), own.end(), area.begin() + start + SnapshotChunk::labels_offset(name));
    // Written at the end, when every holder's record is (port names come first).
    if (has_suffix) {
      work_.suffix_refs.emplace_back(start + SnapshotChunk::suffix_ref_offset(name), suffix.holder);
    }
  }

  // The SuffixRef at `position` in the name area: to all the labels of `holder`.
  void write_suffix_ref(uint32_t position, uint32_t holder) {
    ChunkName name;
    std::memcpy(&name, work_.names.data() + work_.owner_ids[holder], sizeof(name));
    const SuffixRef suffix = SuffixRef::at(
        work_.owner_ids[holder] + SnapshotChunk::labels_offset(name), name.name_length);
    std::memcpy(work_.names.data() + position, &suffix, sizeof(suffix));
  }

  void add_answer(uint16_t type, std::span<const RRset* const> sets, const RRset* last) {
    const auto first = static_cast<uint32_t>(work_.answer_sets.size());
    work_.answer_sets.insert(work_.answer_sets.end(), sets.begin(), sets.end());
    if (last != nullptr) work_.answer_sets.push_back(last);
    work_.answers.push_back(
        {type, first, static_cast<uint32_t>(work_.answer_sets.size()) - first});
  }

  // Per type, the RRsets of the answer section (into work_.answers). A CNAME owner
  // answers its CNAME for every type, followed by the chain's target data where the
  // target is ours (RFC 1034 §4.3.2 step 3a), so the chain is resolved here, once. A
  // target in a served zone but not in this chunk is reported to the snapshot
  // (ExternalCname).
  void answers_for(uint32_t index) {
    const Owner& owner = work_.owners[index];
    work_.answers.clear();
    work_.answer_sets.clear();
    const RRset* cname = rrset_of(owner, kTypeCname);
    if (cname == nullptr) {
      for (const RRset& rrset : rrsets_of(owner)) add_answer(rrset.type, {}, &rrset);
      return;
    }
    auto& chain = work_.chain;
    chain.assign({cname});
    work_.seen.clear();
    for (int step = 0; step < kMaxCnameChain; ++step) {
      const auto* target = std::get_if<std::string>(&(*chain.back()->first)->data);
      if (target == nullptr) break;
      name_to_wire(*target, work_.wire);
      const auto found = find_owner(work_.wire);
      if (!found) {
        if (zone_index(view_of(work_.wire))) {
          external_cnames_.push_back(
              {std::string(view_of(wire_of_owner(owner))), std::string(view_of(work_.wire))});
        }
        break;
      }
      if (std::find(work_.seen.begin(), work_.seen.end(), *found) != work_.seen.end()) break;
      work_.seen.push_back(*found);
      const Owner& next = work_.owners[*found];
      if (const RRset* next_cname = rrset_of(next, kTypeCname)) {
        chain.push_back(next_cname);
        continue;
      }
      for (const RRset& rrset : rrsets_of(next)) add_answer(rrset.type, chain, &rrset);
      break;
    }
    add_answer(kTypeCname, chain, nullptr);  // CNAME queries: the chain itself
    std::sort(work_.answers.begin(), work_.answers.end(),
              [](const Answer& a, const Answer& b) { return a.type < b.type; });
  }

  // The text_table position of `text`, or of the free entry where it would go.
  size_t text_position(std::string_view text) const {
    const size_t mask = work_.text_table.size() - 1;
    for (size_t at = hash_octets(text) & mask;; at = (at + 1) & mask) {
      const uint32_t entry = work_.text_table[at];
      if (entry == 0 || work_.texts[entry - 1].first == text) return at;
    }
  }

  // Each owner text comes once (records are grouped by it).
  void add_text(std::string_view text, uint32_t owner) {
    work_.texts.emplace_back(text, owner);
    work_.text_table[text_position(text)] = static_cast<uint32_t>(work_.texts.size());
  }

  // Our own names come lower-case, as owners do: look the text up first and convert
  // only names written otherwise.
  std::optional<uint32_t> owner_of_text(const std::string& text) {
    if (const uint32_t entry = work_.text_table[text_position(text)]; entry != 0) {
      return work_.texts[entry - 1].second;
    }
    name_to_wire(text, work_.wire);
    return find_owner(work_.wire);
  }

  // Targets of SRV and NS records whose addresses we hold go to the additional
  // section (RFC 2782, RFC 1035 §3.3.11), each once, in order of first mention.
  void additional_targets(std::span<const RRset* const> answer) {
    auto& targets = work_.targets;
    targets.clear();
    work_.record_targets.clear();
    for (const RRset* rrset : answer) {
      for (const Record* record : rrset->records()) {
        const std::string* target = nullptr;
        if (record->type == kTypeSrv) {
          target = &std::get<SrvData>(record->data).target;
        } else if (record->type == kTypeNs) {
          target = &std::get<std::string>(record->data);
        } else {
          continue;
        }
        const auto owner = owner_of_text(*target);
        work_.record_targets.push_back(owner.value_or(kNotOurs));
        if (owner && std::find(targets.begin(), targets.end(), *owner) == targets.end()) {
          targets.push_back(*owner);
        }
      }
    }
  }

  void add_records(AnswerEncoder& encoder, const RRset& rrset) const {
    const auto owner = wire_of_owner(rrset.owner);
    for (const Record* record : rrset.records()) encoder.add(*record, owner);
  }

  void add_block(std::span<const uint8_t> name, uint16_t type,
                 std::span<const RRset* const> answer) {
    auto& cuts = work_.cuts;
    AnswerEncoder& encoder = work_.encoder;
    encoder.reset(name);
    AnswerBlock block;
    block.type = type;
    BlockExtent extent;
    extent.first_cut = static_cast<uint32_t>(cuts.size());
    uint32_t count = 0;
    for (const RRset* rrset : answer) {
      add_records(encoder, *rrset);
      count += static_cast<uint32_t>(rrset->size);
      cuts.push_back(RRsetCut::at(encoder.size(), count));
    }
    block.answer_rrsets = static_cast<uint8_t>(answer.size());
    block.answer_length = static_cast<uint32_t>(encoder.size());
    // An answer of one RRset (nearly all) is cut only at its end: its cut is implied.
    // Saturating is safe: an answer of 65,535 records is far longer than any message,
    // so the writer never sends it and never reads its count.
    block.answer_count = static_cast<uint16_t>(std::min<uint32_t>(count, 0xffff));
    if (answer.size() == 1) cuts.pop_back();

    count = 0;
    additional_targets(answer);
    for (const uint32_t target : work_.targets) {
      const Owner& owner = work_.owners[target];
      for (uint16_t address_type : {kTypeA, kTypeAaaa}) {
        const RRset* rrset = rrset_of(owner, address_type);
        if (rrset == nullptr) continue;
        add_records(encoder, *rrset);
        count += static_cast<uint32_t>(rrset->size);
        cuts.push_back(RRsetCut::at(encoder.size() - block.answer_length, count));
        ++block.additional_rrsets;
      }
    }
    extent.additional_length = static_cast<uint32_t>(encoder.size()) - block.answer_length;
    work_.compact_additional.clear();
    if (answer.size() == 1 && compact_additional(block)) {
      cuts.resize(extent.first_cut);  // implied: one record each
      block.compact_additional = true;
    }
    if (answer.size() == 1 && answer[0]->size == 1 && block.additional_rrsets == 0 &&
        work_.inline_answer == InlineAnswer::kNone && hold_inline(type, **answer[0]->first)) {
      return;
    }
    if (type == kTypePtr && answer.size() == 1 && answer[0]->size == 1 &&
        store_named_target(block, **answer[0]->first)) {
      work_.blocks.push_back(block);
      return;
    }
    // Only a `_port._proto` name's SRV answer is ever a piece of another (its Service's
    // bare name's), and only other names' answers are made of pieces.
    store_body(block, extent, answer.size() == 1 && type == kTypeSrv ? answer[0] : nullptr,
               is_port_name(name));
    work_.blocks.push_back(block);
  }

  // Puts the encoded body in the arena. An SRV answer of one RRset (`srv`) is stored,
  // when it can be, as pieces of the `_port._proto` answers stored before it (a
  // Service's bare name: its port names come first in the chunk); else as an SRV
  // template; else whole. A port name's answer is remembered as a piece for later.
  void store_body(AnswerBlock& block, const BlockExtent& extent, const RRset* srv, bool port_name) {
    const auto body = std::span<const uint8_t>(work_.encoder.bytes());
    const auto answer = body.first(block.answer_length);
    const auto additional = block.compact_additional
                                ? std::span<const uint8_t>(work_.compact_additional)
                                : body.subspan(answer.size());
    auto& pieces = work_.pieces;
    const bool split = srv != nullptr && !port_name &&
                       work_.stored_srv.split(answer, kMaxAnswerPieces, pieces) &&
                       pieces.size() * sizeof(AnswerPiece) < answer.size();
    const bool templated = srv != nullptr && !split && block.answer_count == srv->size &&
                           srv_template_targets(*srv, answer);
    if (templated) {  // before the body: the apexes go into the arena too
      for (const uint32_t target : work_.record_targets) store_apex(work_.owners[target].zone);
    }
    block.offset = static_cast<uint32_t>(work_.arena.size());
    if (block.extended()) append_arena(octets_of(extent));
    if (split) {
      block.answer_pieces = static_cast<uint8_t>(pieces.size());
      append_arena(
          {reinterpret_cast<const uint8_t*>(pieces.data()), pieces.size() * sizeof(AnswerPiece)});
      append_arena(additional);
      return;
    }
    if (templated) {
      block.answer_pieces = kSrvTemplate;
      const auto at = static_cast<uint32_t>(work_.arena.size());
      size_t record = 0;
      for (const uint32_t target : work_.record_targets) {
        append_arena(
            answer.subspan(record + kSrvFixedOctets - kSrvTemplateFields, kSrvTemplateFields));
        work_.named_targets.emplace_back(append_arena(octets_of(uint32_t{0})), target);
        record += kSrvFixedOctets + work_.owners[target].wire_length;
      }
      const auto length = static_cast<uint32_t>(work_.arena.size()) - at;
      if (port_name) work_.stored_srv.remember({at, length | AnswerPiece::kTemplatePiece}, answer);
      append_arena(additional);
      return;
    }
    const uint32_t answer_at = append_arena(answer);
    append_arena(additional);
    if (srv != nullptr && port_name) {
      work_.stored_srv.remember({answer_at, static_cast<uint32_t>(answer.size())}, answer);
    }
  }

  // Whether every record of this encoded SRV answer is the question pointer, type SRV,
  // class IN, our TTL, RDLENGTH, 6 octets and then, in full, the target, an owner of
  // this chunk (work_.record_targets then lists them in order).
  bool srv_template_targets(const RRset& srv, std::span<const uint8_t> answer) {
    const auto fixed = owned_record_head(kTypeSrv, options_.ttl);
    size_t at = 0;
    // additional_targets() found each record's target owner, in order.
    if (work_.record_targets.size() != srv.size) return false;
    for (const uint32_t owner : work_.record_targets) {
      if (owner == kNotOurs) return false;
      const auto wire = wire_of_owner(owner);
      const size_t length = record_length(answer, at);
      if (length != kSrvFixedOctets + wire.size() ||
          !std::equal(fixed.begin(), fixed.end(), answer.begin() + static_cast<ptrdiff_t>(at)) ||
          !std::equal(wire.begin(), wire.end(),
                      answer.begin() + static_cast<ptrdiff_t>(at + kSrvFixedOctets))) {
        return false;
      }
      at += length;
    }
    return at == answer.size();
  }

  // Whether every additional RRset of the encoded block is one A record whose owner is
  // a pointer, at our TTL: then work_.compact_additional holds them as CompactAddress
  // entries.
  bool compact_additional(const AnswerBlock& block) {
    const auto additional =
        std::span<const uint8_t>(work_.encoder.bytes()).subspan(block.answer_length);
    const auto fixed = CompactAddress::fixed_octets(options_.ttl);
    if (block.additional_rrsets == 0 ||
        additional.size() != size_t{block.additional_rrsets} * CompactAddress::kRecordOctets) {
      return false;
    }
    auto& compact = work_.compact_additional;
    for (size_t at = 0; at < additional.size(); at += CompactAddress::kRecordOctets) {
      const auto record = additional.subspan(at, CompactAddress::kRecordOctets);
      if ((record[0] & 0xc0) != 0xc0 ||
          !std::equal(fixed.begin(), fixed.end(), record.begin() + 2)) {
        compact.clear();
        return false;
      }
      compact.insert(compact.end(), record.begin(), record.begin() + 2);
      compact.insert(compact.end(), record.end() - 4, record.end());
    }
    return true;
  }

  // Whether the encoded answer (one record, nothing in additional) is what
  // AnswerWriter::add_owned_answer() writes for an inline answer: the question pointer,
  // the type, class IN, our TTL, then the address or the target in full. Then it is
  // held inline (work_.inline_answer) and gets no block.
  bool hold_inline(uint16_t type, const Record& record) {
    const auto body = std::span<const uint8_t>(work_.encoder.bytes());
    const auto fixed = owned_record_head(type, options_.ttl);
    if (body.size() < kOwnedRecordFixedOctets ||
        !std::equal(fixed.begin(), fixed.end(), body.begin())) {
      return false;
    }
    const size_t rdlength = size_t{body[10]} << 8 | body[11];
    if (rdlength + kOwnedRecordFixedOctets != body.size()) return false;
    if (type == kTypeA && rdlength == work_.inline_address.size()) {
      std::copy(body.begin() + kOwnedRecordFixedOctets, body.end(), work_.inline_address.begin());
      work_.inline_answer = InlineAnswer::kAddress;
      return true;
    }
    if (type != kTypePtr) return false;
    const auto* target_text = std::get_if<std::string>(&record.data);
    const auto target = target_text ? owner_of_text(*target_text) : std::nullopt;
    if (!target) return false;
    const Owner& owner = work_.owners[*target];
    const auto wire = wire_of_owner(owner);
    if (!std::equal(wire.begin(), wire.end(), body.begin() + kOwnedRecordFixedOctets, body.end())) {
      return false;
    }
    store_apex(owner.zone);
    work_.inline_target = *target;
    work_.inline_answer = InlineAnswer::kNamedPtr;
    return true;
  }

  // A PTR answer of one record whose target is an owner of this chunk, written in full
  // after the fixed fields (nothing to compress against in an in-addr.arpa question):
  // stores the fixed octets and the target's name id instead (kNamedTarget).
  bool store_named_target(AnswerBlock& block, const Record& record) {
    const auto* target_text = std::get_if<std::string>(&record.data);
    if (target_text == nullptr) return false;
    const auto target = owner_of_text(*target_text);
    if (!target) return false;
    const Owner& owner = work_.owners[*target];
    const auto wire = wire_of_owner(owner);
    const auto body = std::span<const uint8_t>(work_.encoder.bytes());
    if (block.extended() || block.additional_rrsets > 0 ||
        body.size() != kNamedTargetFixedOctets + wire.size() ||
        !std::equal(wire.begin(), wire.end(), body.begin() + kNamedTargetFixedOctets)) {
      return false;
    }
    store_apex(owner.zone);
    block.answer_pieces = kNamedTarget;
    block.offset = append_arena(body.first(kNamedTargetFixedOctets));
    work_.named_targets.emplace_back(append_arena(octets_of(uint32_t{0})), *target);
    return true;
  }

  // A named target is written as its labels and its zone's apex: the apex's octets
  // are in the arena once, from the first target of that zone on.
  void store_apex(uint8_t zone) {
    AnswerPiece& apex = apexes_in_arena_[zone];
    if (apex.length != 0) return;
    const std::string& octets = apexes_[zone];
    apex = {append_arena({reinterpret_cast<const uint8_t*>(octets.data()), octets.size()}),
            static_cast<uint32_t>(octets.size())};
  }

  template <typename T>
  static std::span<const uint8_t> octets_of(const T& value) {
    return {reinterpret_cast<const uint8_t*>(&value), sizeof(value)};
  }

  const RecordOptions& options_;
  std::vector<std::string> apexes_;
  WireName pod_zone_;
  std::span<const Record* const> records_;
  Workspace& work_;
  std::vector<ExternalCname> external_cnames_;
  std::array<AnswerPiece, 3> apexes_in_arena_{};
  uint32_t last_suffix_ = kNotOurs;  // see owner_of_suffix()
};

SuffixRef SuffixRef::at(uint32_t offset, uint8_t length) {
  if (offset >= kOffsetLimit || offset % 4 != 0) {
    throw std::length_error("snapshot chunk: labels at " + std::to_string(offset) +
                            " are not at a multiple of four below 64 MiB");
  }
  return {(offset >> 2) | uint32_t{length} << 24};
}

size_t SnapshotChunk::memory_bytes() const {
  return arena_.capacity() + names_.capacity() + cuts_.capacity() * sizeof(RRsetCut) +
         sizeof(*this);
}

std::vector<std::string> served_apexes(const RecordOptions& options) {
  return {wire_of(options.domain), wire_of("in-addr.arpa."), wire_of("ip6.arpa.")};
}

std::shared_ptr<const SnapshotChunk> build_chunk(std::vector<Record> records,
                                                 const std::vector<std::string>& empty_names,
                                                 const RecordOptions& options) {
  // Owners and types contiguous; within an RRset the caller's order stays.
  std::vector<const Record*> grouped(records.size());
  for (size_t i = 0; i < records.size(); ++i) grouped[i] = &records[i];
  const auto by_owner_and_type = [](const Record* a, const Record* b) {
    if (const int owner = a->owner.compare(b->owner); owner != 0) return owner < 0;
    return a->type < b->type;
  };
  if (!std::is_sorted(grouped.begin(), grouped.end(), by_owner_and_type)) {
    std::stable_sort(grouped.begin(), grouped.end(), by_owner_and_type);
  }
  return build_chunk(std::span<const Record* const>(grouped), empty_names, options);
}

std::shared_ptr<const SnapshotChunk> build_chunk(std::span<const Record* const> records,
                                                 const std::vector<std::string>& empty_names,
                                                 const RecordOptions& options) {
  // One workspace per thread: the start-up build encodes chunks on every core.
  thread_local Workspace work;
  auto chunk = ChunkBuilder(records, options, work).build(empty_names);
  // A bucket's worth stays for the next chunk; what one big chunk (every record of a
  // one-chunk build) needed goes back now, not when the thread ends.
  constexpr size_t kKeptArena = size_t{1} << 20;
  if (work.arena.capacity() > kKeptArena) work = Workspace{};
  return chunk;
}

}  // namespace clusterdns::zones
