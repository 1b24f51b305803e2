#include "zones/snapshot_builder.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "dns/wire/types.h"
#include "zones/answer_encoder.h"

namespace clusterdns::zones {
namespace {

constexpr uint16_t kTypeA = dns::to_u16(dns::RRType::kA);
constexpr uint16_t kTypeNs = dns::to_u16(dns::RRType::kNS);
constexpr uint16_t kTypeCname = dns::to_u16(dns::RRType::kCNAME);
constexpr uint16_t kTypeSoa = dns::to_u16(dns::RRType::kSOA);
constexpr uint16_t kTypeAaaa = dns::to_u16(dns::RRType::kAAAA);
constexpr uint16_t kTypeSrv = dns::to_u16(dns::RRType::kSRV);
constexpr uint16_t kClassIn = dns::to_u16(dns::RRClass::kIN);
// Bound on in-zone CNAME chains followed at build time (a loop stops here too).
constexpr int kMaxCnameChain = 8;

using WireName = std::string;  // lower-case uncompressed wire octets
using RRset = std::vector<const Record*>;

WireName wire_of(std::string_view text) {
  const auto wire = name_to_wire(text);
  return {wire.begin(), wire.end()};
}

std::span<const uint8_t> octets(const WireName& name) {
  return {reinterpret_cast<const uint8_t*>(name.data()), name.size()};
}

// The name without its first label (the root stays the root).
WireName parent_of(const WireName& name) {
  if (name.size() <= 1) return name;
  return name.substr(size_t{static_cast<uint8_t>(name[0])} + 1);
}

bool is_at_or_below(const WireName& name, const WireName& apex) {
  for (size_t position = 0; position < name.size();
       position += size_t{static_cast<uint8_t>(name[position])} + 1) {
    if (name.compare(position, std::string::npos, apex) == 0) return true;
    if (name[position] == 0) break;
  }
  return false;
}

void append_u16(std::vector<uint8_t>& out, uint16_t value) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value));
}

void append_u32(std::vector<uint8_t>& out, uint32_t value) {
  append_u16(out, static_cast<uint16_t>(value >> 16));
  append_u16(out, static_cast<uint16_t>(value));
}

class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(const SnapshotInput& input) : options_(input.options) {
    const WireName cluster = wire_of(options_.domain);
    apexes_ = {cluster, wire_of("in-addr.arpa."), wire_of("ip6.arpa.")};
    pod_zone_ = wire_of("pod." + options_.domain);
    for (const WireName& apex : apexes_) owner_for(apex);
    if (input.records != nullptr) {
      for (const Record& record : *input.records) add_record(record);
    }
    add_namespaces(input.namespaces);
    add_empty_non_terminals();
  }

  std::unique_ptr<const Snapshot> build() {
    tables_.options = options_;
    for (const WireName& apex : apexes_) add_zone(apex);
    tables_.pod_zone_offset = append_arena(octets(pod_zone_));
    tables_.pod_zone_length = static_cast<uint8_t>(pod_zone_.size());
    for (const auto& [name, owner] : owners_) add_node(name, owner);
    // The snapshot lives until the next publish: give back the growth slack.
    tables_.arena.shrink_to_fit();
    tables_.names.shrink_to_fit();
    tables_.blocks.shrink_to_fit();
    tables_.cuts.shrink_to_fit();
    return std::make_unique<const Snapshot>(std::move(tables_));
  }

 private:
  struct Owner {
    std::map<uint16_t, RRset> rrsets;
    uint8_t zone = 0;
  };

  std::optional<uint8_t> zone_index(const WireName& name) const {
    // The served zones do not nest, so the first apex that matches is the zone.
    for (size_t i = 0; i < apexes_.size(); ++i) {
      if (is_at_or_below(name, apexes_[i])) return static_cast<uint8_t>(i);
    }
    return std::nullopt;
  }

  Owner* owner_for(const WireName& name) {
    const auto zone = zone_index(name);
    if (!zone) return nullptr;
    if (options_.pods == PodRecords::kDisabled && is_at_or_below(name, pod_zone_)) {
      return nullptr;
    }
    Owner& owner = owners_[name];
    owner.zone = *zone;
    return &owner;
  }

  void add_record(const Record& record) {
    if (Owner* owner = owner_for(wire_of(record.owner))) {
      owner->rrsets[record.type].push_back(&record);
    }
  }

  void add_namespaces(std::vector<std::string> namespaces) {
    namespaces.emplace_back("default");
    for (const std::string& ns : namespaces) {
      if (ns.empty() || ns.size() > 63 || ns.find('.') != std::string::npos) continue;
      owner_for(wire_of(ns + ".svc." + options_.domain));
      if (options_.pods != PodRecords::kDisabled) {
        owner_for(wire_of(ns + ".pod." + options_.domain));
      }
    }
  }

  // RFC 8020: every proper ancestor of an owner, down to its zone apex, exists.
  void add_empty_non_terminals() {
    std::vector<WireName> names;
    for (const auto& [name, owner] : owners_) names.push_back(name);
    for (const WireName& name : names) {
      const WireName& apex = apexes_[owners_[name].zone];
      for (WireName ancestor = parent_of(name); ancestor.size() > apex.size();
           ancestor = parent_of(ancestor)) {
        owner_for(ancestor);
      }
    }
  }

  uint32_t append_arena(std::span<const uint8_t> bytes) {
    const auto offset = static_cast<uint32_t>(tables_.arena.size());
    tables_.arena.insert(tables_.arena.end(), bytes.begin(), bytes.end());
    return offset;
  }

  const RRset* rrset(const WireName& name, uint16_t type) const {
    const auto owner = owners_.find(name);
    if (owner == owners_.end()) return nullptr;
    const auto found = owner->second.rrsets.find(type);
    return found == owner->second.rrsets.end() ? nullptr : &found->second;
  }

  // RFC 2308 §3: the zone's SOA in negative answers, TTL min(SOA TTL, MINIMUM, --ttl).
  void add_zone(const WireName& apex) {
    SoaData soa{.mname = "ns.dns." + options_.domain + ".",
                .rname = "hostmaster." + options_.domain + ".",
                .serial = options_.serial,
                .minimum = options_.ttl};
    uint32_t ttl = options_.ttl;
    if (const RRset* soas = rrset(apex, kTypeSoa); soas && !soas->empty()) {
      if (const auto* data = std::get_if<SoaData>(&soas->front()->data)) soa = *data;
      ttl = soas->front()->ttl;
    }
    ttl = std::min({ttl, soa.minimum, options_.ttl});

    std::vector<uint8_t> record;
    append_u16(record, 0xc000);  // owner: pointer to the apex in the question, patched later
    append_u16(record, kTypeSoa);
    append_u16(record, kClassIn);
    append_u32(record, ttl);
    std::vector<uint8_t> rdata = name_to_wire(soa.mname);
    const auto rname = name_to_wire(soa.rname);
    rdata.insert(rdata.end(), rname.begin(), rname.end());
    for (uint32_t value : {soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum}) {
      append_u32(rdata, value);
    }
    append_u16(record, static_cast<uint16_t>(rdata.size()));
    record.insert(record.end(), rdata.begin(), rdata.end());

    ServedZone zone;
    zone.apex_offset = append_arena(octets(apex));
    zone.apex_length = static_cast<uint8_t>(apex.size());
    zone.negative_soa_offset = append_arena(record);
    zone.negative_soa_length = static_cast<uint32_t>(record.size());
    tables_.zones.push_back(zone);
  }

  void add_node(const WireName& name, const Owner& owner) {
    NameNode node;
    node.hash = static_cast<uint32_t>(Snapshot::hash_name(octets(name)));
    node.name_offset = append_arena(octets(name));
    node.name_length = static_cast<uint8_t>(name.size());
    node.zone = owner.zone;
    node.first_block = static_cast<uint32_t>(tables_.blocks.size());
    for (const auto& [type, records] : answers_for(owner)) add_block(name, type, records);
    node.block_count = static_cast<uint16_t>(tables_.blocks.size() - node.first_block);
    tables_.names.push_back(node);
  }

  // Per type, the RRsets of the answer section. A CNAME owner answers its CNAME for
  // every type, followed by the chain's target data where the target is ours
  // (RFC 1034 §4.3.2 step 3a), so the chain is resolved here, once.
  std::map<uint16_t, std::vector<const RRset*>> answers_for(const Owner& owner) const {
    std::map<uint16_t, std::vector<const RRset*>> answers;
    const auto cname = owner.rrsets.find(kTypeCname);
    if (cname == owner.rrsets.end()) {
      for (const auto& [type, records] : owner.rrsets) answers[type] = {&records};
      return answers;
    }
    std::vector<const RRset*> chain = {&cname->second};
    answers[kTypeCname] = chain;
    std::set<WireName> seen;
    for (int step = 0; step < kMaxCnameChain; ++step) {
      const auto* target = std::get_if<std::string>(&chain.back()->front()->data);
      if (target == nullptr) break;
      const WireName next = wire_of(*target);
      const auto found = owners_.find(next);
      if (found == owners_.end() || !seen.insert(next).second) break;
      const auto next_cname = found->second.rrsets.find(kTypeCname);
      if (next_cname != found->second.rrsets.end()) {
        chain.push_back(&next_cname->second);
        continue;
      }
      for (const auto& [type, records] : found->second.rrsets) {
        auto& answer = answers[type];
        answer = chain;
        answer.push_back(&records);
      }
      break;
    }
    answers[kTypeCname] = chain;  // CNAME queries: the chain itself
    return answers;
  }

  // Targets of SRV and NS records whose addresses we hold go to the additional
  // section (RFC 2782, RFC 1035 §3.3.11).
  std::vector<WireName> additional_targets(const std::vector<const RRset*>& answer) const {
    std::vector<WireName> targets;
    for (const RRset* records : answer) {
      for (const Record* record : *records) {
        std::string target;
        if (record->type == kTypeSrv) {
          target = std::get<SrvData>(record->data).target;
        } else if (record->type == kTypeNs) {
          target = std::get<std::string>(record->data);
        } else {
          continue;
        }
        WireName wire = wire_of(target);
        if (std::find(targets.begin(), targets.end(), wire) == targets.end()) {
          targets.push_back(std::move(wire));
        }
      }
    }
    return targets;
  }

  void add_block(const WireName& name, uint16_t type, const std::vector<const RRset*>& answer) {
    AnswerEncoder encoder(octets(name));
    AnswerBlock block;
    block.type = type;
    block.first_cut = static_cast<uint32_t>(tables_.cuts.size());
    uint32_t count = 0;
    for (const RRset* records : answer) {
      for (const Record* record : *records) encoder.add(*record);
      count += static_cast<uint32_t>(records->size());
      tables_.cuts.push_back({static_cast<uint32_t>(encoder.size()), count});
    }
    block.answer_rrsets = static_cast<uint16_t>(answer.size());
    block.answer_length = static_cast<uint32_t>(encoder.size());

    count = 0;
    for (const WireName& target : additional_targets(answer)) {
      for (uint16_t address_type : {kTypeA, kTypeAaaa}) {
        const RRset* records = rrset(target, address_type);
        if (records == nullptr) continue;
        for (const Record* record : *records) encoder.add(*record);
        count += static_cast<uint32_t>(records->size());
        tables_.cuts.push_back(
            {static_cast<uint32_t>(encoder.size()) - block.answer_length, count});
        ++block.additional_rrsets;
      }
    }
    block.additional_length = static_cast<uint32_t>(encoder.size()) - block.answer_length;
    block.offset = append_arena(encoder.bytes());
    tables_.blocks.push_back(block);
  }

  RecordOptions options_;
  std::vector<WireName> apexes_;  // [0] the cluster zone, then in-addr.arpa., ip6.arpa.
  WireName pod_zone_;
  std::map<WireName, Owner> owners_;
  SnapshotTables tables_;
};

}  // namespace

std::unique_ptr<const Snapshot> build_snapshot(const SnapshotInput& input) {
  return SnapshotBuilder(input).build();
}

std::unique_ptr<const Snapshot> build_snapshot(const std::vector<Record>& records,
                                               const RecordOptions& options,
                                               std::vector<std::string> namespaces) {
  return build_snapshot(
      SnapshotInput{.records = &records, .options = options, .namespaces = std::move(namespaces)});
}

}  // namespace clusterdns::zones
