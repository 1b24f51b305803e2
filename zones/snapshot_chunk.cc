#include "zones/snapshot_chunk.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "dns/wire/types.h"
#include "zones/answer_encoder.h"

namespace clusterdns::zones {
namespace {

constexpr uint16_t kTypeA = dns::to_u16(dns::RRType::kA);
constexpr uint16_t kTypeNs = dns::to_u16(dns::RRType::kNS);
constexpr uint16_t kTypeCname = dns::to_u16(dns::RRType::kCNAME);
constexpr uint16_t kTypeAaaa = dns::to_u16(dns::RRType::kAAAA);
constexpr uint16_t kTypeSrv = dns::to_u16(dns::RRType::kSRV);

using WireName = std::string;  // lower-case uncompressed wire octets

WireName wire_of(std::string_view text) {
  const auto wire = name_to_wire(text);
  return {wire.begin(), wire.end()};
}

std::span<const uint8_t> octets(const WireName& name) {
  return {reinterpret_cast<const uint8_t*>(name.data()), name.size()};
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
  const Record* first = nullptr;
  size_t size = 0;
  std::span<const Record> records() const { return {first, size}; }
};

struct Owner {
  WireName wire;
  uint8_t zone = 0;
  std::vector<RRset> rrsets;  // by type
};

}  // namespace

class ChunkBuilder {
 public:
  ChunkBuilder(std::vector<Record> records, const RecordOptions& options)
      : options_(options), apexes_(served_apexes(options)),
        pod_zone_(wire_of("pod." + options.domain)), records_(std::move(records)) {
    // Owners and types contiguous; within an RRset the caller's order stays. Callers
    // that sorted already (sort_records_for_encoding) pay one pass.
    const auto grouped = [](const Record& a, const Record& b) {
      if (const int owner = a.owner.compare(b.owner); owner != 0) return owner < 0;
      return a.type < b.type;
    };
    if (!std::is_sorted(records_.begin(), records_.end(), grouped)) {
      std::stable_sort(records_.begin(), records_.end(), grouped);
    }
  }

  std::shared_ptr<const SnapshotChunk> build(const std::vector<std::string>& empty_names) {
    group_owners(empty_names);
    for (const Owner& owner : owners_) add_name(owner);
    chunk_->record_count_ = records_.size();
    chunk_->arena_.shrink_to_fit();
    chunk_->names_.shrink_to_fit();
    chunk_->blocks_.shrink_to_fit();
    chunk_->cuts_.shrink_to_fit();
    return std::move(chunk_);
  }

 private:
  std::optional<uint8_t> zone_index(std::string_view name) const {
    // The served zones do not nest, so the first apex that matches is the zone.
    for (size_t i = 0; i < apexes_.size(); ++i) {
      if (is_at_or_below(name, apexes_[i])) return static_cast<uint8_t>(i);
    }
    return std::nullopt;
  }

  Owner* owner_for(WireName name) {
    const auto zone = zone_index(name);
    if (!zone) return nullptr;
    if (options_.pods == PodRecords::kDisabled && is_at_or_below(name, pod_zone_)) return nullptr;
    if (const auto found = index_.find(name); found != index_.end()) return &owners_[found->second];
    // owners_ never reallocates (group_owners reserves room for every owner), so the
    // index's views into the names stay valid.
    owners_.push_back(Owner{.wire = std::move(name), .zone = *zone, .rrsets = {}});
    index_.emplace(owners_.back().wire, owners_.size() - 1);
    return &owners_.back();
  }

  // Records come grouped by owner, then type: one pass cuts them into RRsets.
  void group_owners(const std::vector<std::string>& empty_names) {
    owners_.reserve(records_.size() + empty_names.size());
    for (size_t i = 0; i < records_.size();) {
      size_t end = i + 1;
      while (end < records_.size() && records_[end].owner == records_[i].owner) ++end;
      if (Owner* owner = owner_for(wire_of(records_[i].owner))) {
        text_index_.emplace(records_[i].owner, static_cast<size_t>(owner - owners_.data()));
        for (size_t at = i; at < end;) {
          size_t type_end = at + 1;
          while (type_end < end && records_[type_end].type == records_[at].type) ++type_end;
          owner->rrsets.push_back({records_[at].type, &records_[at], type_end - at});
          at = type_end;
        }
      }
      i = end;
    }
    for (const std::string& name : empty_names) owner_for(wire_of(name));
  }

  const Owner* find_owner(const WireName& name) const {
    const auto found = index_.find(name);
    return found == index_.end() ? nullptr : &owners_[found->second];
  }

  static const RRset* rrset_of(const Owner& owner, uint16_t type) {
    for (const RRset& rrset : owner.rrsets) {
      if (rrset.type == type) return &rrset;
    }
    return nullptr;
  }

  uint32_t append_arena(std::span<const uint8_t> bytes) {
    auto& arena = chunk_->arena_;
    const auto offset = static_cast<uint32_t>(arena.size());
    arena.insert(arena.end(), bytes.begin(), bytes.end());
    return offset;
  }

  void add_name(const Owner& owner) {
    ChunkName name;
    name.name_offset = append_arena(octets(owner.wire));
    name.name_length = static_cast<uint8_t>(owner.wire.size());
    name.zone = owner.zone;
    name.first_block = static_cast<uint32_t>(chunk_->blocks_.size());
    for (const auto& [type, answer] : answers_for(owner)) add_block(owner.wire, type, answer);
    name.block_count = static_cast<uint16_t>(chunk_->blocks_.size() - name.first_block);
    chunk_->names_.push_back(name);
  }

  // Per type, the RRsets of the answer section. A CNAME owner answers its CNAME for
  // every type, followed by the chain's target data where the target is ours
  // (RFC 1034 §4.3.2 step 3a), so the chain is resolved here, once. A target in a served
  // zone but not in this chunk is reported to the snapshot (ExternalCname).
  std::vector<std::pair<uint16_t, std::vector<const RRset*>>> answers_for(const Owner& owner) {
    std::vector<std::pair<uint16_t, std::vector<const RRset*>>> answers;
    const RRset* cname = rrset_of(owner, kTypeCname);
    if (cname == nullptr) {
      for (const RRset& rrset : owner.rrsets) answers.push_back({rrset.type, {&rrset}});
      return answers;
    }
    std::vector<const RRset*> chain = {cname};
    std::unordered_set<WireName> seen;
    for (int step = 0; step < kMaxCnameChain; ++step) {
      const auto* target = std::get_if<std::string>(&chain.back()->first->data);
      if (target == nullptr) break;
      WireName next = wire_of(*target);
      const Owner* found = find_owner(next);
      if (found == nullptr) {
        if (zone_index(next)) chunk_->external_cnames_.push_back({owner.wire, std::move(next)});
        break;
      }
      if (!seen.insert(next).second) break;
      if (const RRset* next_cname = rrset_of(*found, kTypeCname)) {
        chain.push_back(next_cname);
        continue;
      }
      for (const RRset& rrset : found->rrsets) {
        auto answer = chain;
        answer.push_back(&rrset);
        answers.push_back({rrset.type, std::move(answer)});
      }
      break;
    }
    answers.push_back({kTypeCname, chain});  // CNAME queries: the chain itself
    std::sort(answers.begin(), answers.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return answers;
  }

  // Targets of SRV and NS records whose addresses we hold go to the additional
  // section (RFC 2782, RFC 1035 §3.3.11), each once, in order of first mention.
  std::vector<const Owner*> additional_targets(const std::vector<const RRset*>& answer) const {
    std::vector<const Owner*> targets;
    for (const RRset* rrset : answer) {
      for (const Record& record : rrset->records()) {
        const std::string* target = nullptr;
        if (record.type == kTypeSrv) {
          target = &std::get<SrvData>(record.data).target;
        } else if (record.type == kTypeNs) {
          target = &std::get<std::string>(record.data);
        } else {
          continue;
        }
        // Our own names come lower-case, as owners do: look the text up first and
        // convert only names written otherwise.
        const auto by_text = text_index_.find(*target);
        const Owner* owner = by_text != text_index_.end() ? &owners_[by_text->second]
                                                          : find_owner(wire_of(*target));
        if (owner != nullptr && std::find(targets.begin(), targets.end(), owner) == targets.end()) {
          targets.push_back(owner);
        }
      }
    }
    return targets;
  }

  void add_block(const WireName& name, uint16_t type, const std::vector<const RRset*>& answer) {
    auto& cuts = chunk_->cuts_;
    AnswerEncoder encoder(octets(name));
    AnswerBlock block;
    block.type = type;
    block.first_cut = static_cast<uint32_t>(cuts.size());
    uint32_t count = 0;
    for (const RRset* rrset : answer) {
      for (const Record& record : rrset->records()) encoder.add(record);
      count += static_cast<uint32_t>(rrset->size);
      cuts.push_back({static_cast<uint32_t>(encoder.size()), count});
    }
    block.answer_rrsets = static_cast<uint16_t>(answer.size());
    block.answer_length = static_cast<uint32_t>(encoder.size());

    count = 0;
    for (const Owner* owner : additional_targets(answer)) {
      for (uint16_t address_type : {kTypeA, kTypeAaaa}) {
        const RRset* rrset = rrset_of(*owner, address_type);
        if (rrset == nullptr) continue;
        for (const Record& record : rrset->records()) encoder.add(record);
        count += static_cast<uint32_t>(rrset->size);
        cuts.push_back({static_cast<uint32_t>(encoder.size()) - block.answer_length, count});
        ++block.additional_rrsets;
      }
    }
    block.additional_length = static_cast<uint32_t>(encoder.size()) - block.answer_length;
    block.offset = append_arena(encoder.bytes());
    chunk_->blocks_.push_back(block);
  }

  RecordOptions options_;
  std::vector<std::string> apexes_;
  WireName pod_zone_;
  std::vector<Record> records_;
  std::vector<Owner> owners_;
  std::unordered_map<std::string_view, size_t> index_;  // keys point into owners_[i].wire
  // The same by the records' owner text (keys point into records_).
  std::unordered_map<std::string_view, size_t> text_index_;
  std::shared_ptr<SnapshotChunk> chunk_ = std::make_shared<SnapshotChunk>();
};

size_t SnapshotChunk::memory_bytes() const {
  return arena_.capacity() + names_.capacity() * sizeof(ChunkName) +
         blocks_.capacity() * sizeof(AnswerBlock) + cuts_.capacity() * sizeof(RRsetCut) +
         sizeof(*this);
}

std::vector<std::string> served_apexes(const RecordOptions& options) {
  return {wire_of(options.domain), wire_of("in-addr.arpa."), wire_of("ip6.arpa.")};
}

std::shared_ptr<const SnapshotChunk> build_chunk(std::vector<Record> records,
                                                 const std::vector<std::string>& empty_names,
                                                 const RecordOptions& options) {
  return ChunkBuilder(std::move(records), options).build(empty_names);
}

}  // namespace clusterdns::zones
