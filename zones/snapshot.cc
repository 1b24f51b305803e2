#include "zones/snapshot.h"

#include <bit>
#include <cstring>
#include <utility>

#include "dns/wire/types.h"
#include "zones/answer_pod_address.h"

namespace clusterdns::zones {
namespace {

constexpr uint16_t kTypeCname = dns::to_u16(dns::RRType::kCNAME);
constexpr uint16_t kTypeA = dns::to_u16(dns::RRType::kA);
constexpr uint16_t kTypeAaaa = dns::to_u16(dns::RRType::kAAAA);
constexpr uint16_t kTypeAny = dns::to_u16(dns::RRType::kANY);

bool same_octets(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

// The same for the probe's names (at most 255 octets): inline, eight octets per step,
// instead of a call into the C library for a few dozen octets.
bool same_name(const uint8_t* a, const uint8_t* b, size_t size) {
  for (; size >= 8; a += 8, b += 8, size -= 8) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
  }
  for (; size > 0; ++a, ++b, --size) {
    if (*a != *b) return false;
  }
  return true;
}

}  // namespace

Snapshot::Snapshot(SnapshotTables tables) : tables_(std::move(tables)) {
  // The nodes live in the open-addressing table itself, so a probe that hits touches
  // one cache line before the name: one dependent memory access fewer per query than
  // slots pointing into a node array. Load factor at most 3/4 keeps linear probes
  // short (four nodes share a cache line) and the table no larger than slots + nodes.
  name_count_ = tables_.names.size();
  const size_t size = std::bit_ceil(std::max<size_t>(16, name_count_ + name_count_ / 3 + 1));
  table_.assign(size, NameNode{});  // name_length 0 marks an empty slot
  slot_mask_ = size - 1;
  for (const NameNode& node : tables_.names) {
    uint64_t slot = node.hash & slot_mask_;
    while (table_[slot].name_length != 0) slot = (slot + 1) & slot_mask_;
    table_[slot] = node;
  }
  tables_.names.clear();
  tables_.names.shrink_to_fit();
}

uint64_t Snapshot::hash_name(std::span<const uint8_t> wire) {
  // Eight octets per step (names are short, so this beats a byte-wise hash); the
  // final mix spreads the high bits into the low ones the table indexes by.
  constexpr uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;
  uint64_t hash = 0x2545f4914f6cdd1dULL ^ wire.size();
  const uint8_t* at = wire.data();
  size_t left = wire.size();
  for (; left >= 8; at += 8, left -= 8) {
    uint64_t word;
    std::memcpy(&word, at, 8);
    hash = (hash ^ word) * kMultiplier;
    hash ^= hash >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, at, left);
  hash = (hash ^ tail) * kMultiplier;
  return hash ^ (hash >> 32);
}

const NameNode* Snapshot::find(std::span<const uint8_t> qname, uint64_t hash) const {
  uint64_t slot = hash & slot_mask_;
  // Bounded: the table is at most 3/4 full, so an empty slot is always reached.
  for (const NameNode* node = &table_[slot]; node->name_length != 0; node = &table_[slot]) {
    if (node->hash == static_cast<uint32_t>(hash) && node->name_length == qname.size() &&
        same_name(tables_.arena.data() + node->name_offset, qname.data(), qname.size())) {
      return node;
    }
    slot = (slot + 1) & slot_mask_;
  }
  return nullptr;
}

LookupResult Snapshot::lookup(std::span<const uint8_t> qname, uint16_t qtype) const {
  if (const NameNode* node = find(qname, hash_name(qname))) return found(*node, qtype);
  return missing(qname, qtype);
}

LookupResult Snapshot::found(const NameNode& node, uint16_t qtype) const {
  LookupResult result;
  result.zone = &tables_.zones[node.zone];
  if (qtype == kTypeAny) {
    result.kind = LookupKind::kAnyExists;
    return result;
  }
  const AnswerBlock* cname = nullptr;
  for (uint32_t i = 0; i < node.block_count; ++i) {
    const AnswerBlock& block = tables_.blocks[node.first_block + i];
    if (block.type == qtype) {
      result.kind = LookupKind::kAnswer;
      result.block = &block;
      return result;
    }
    if (block.type == kTypeCname) cname = &block;
  }
  // RFC 1034 §3.6.2: a CNAME owner has no other data; every type gets the CNAME (the
  // builder stored the chain's answer for the types its target holds).
  result.kind = cname ? LookupKind::kAnswer : LookupKind::kNoData;
  result.block = cname;
  return result;
}

const ServedZone* Snapshot::zone_of(std::span<const uint8_t> qname) const {
  // Walk label boundaries; at each, compare the rest of the name with every apex.
  size_t position = 0;
  while (position < qname.size()) {
    const auto rest = qname.subspan(position);
    for (const ServedZone& zone : tables_.zones) {
      if (same_octets(bytes(zone.apex_offset, zone.apex_length), rest)) return &zone;
    }
    position += size_t{qname[position]} + 1;
  }
  return nullptr;
}

LookupResult Snapshot::missing(std::span<const uint8_t> qname, uint16_t qtype) const {
  LookupResult result;
  result.zone = zone_of(qname);
  if (result.zone == nullptr) return result;  // kOutOfZone
  result.kind = LookupKind::kNXDomain;
  if (tables_.options.pods == PodRecords::kInsecure && result.zone == &tables_.zones[0]) {
    return pod_name(qname, qtype, result.zone);
  }
  return result;
}

// `--pods insecure`: "<a-b-c-d>.<ns>.pod.<zone>" exists for any well-formed address and
// any namespace label, so "<ns>.pod.<zone>" is an empty non-terminal for any label.
LookupResult Snapshot::pod_name(std::span<const uint8_t> qname, uint16_t qtype,
                                const ServedZone* zone) const {
  LookupResult result;
  result.zone = zone;
  result.kind = LookupKind::kNXDomain;
  const auto pod_zone = bytes(tables_.pod_zone_offset, tables_.pod_zone_length);
  if (qname.size() <= pod_zone.size() ||
      !same_octets(qname.subspan(qname.size() - pod_zone.size()), pod_zone)) {
    return result;
  }
  const size_t prefix = qname.size() - pod_zone.size();
  const size_t first = qname[0];
  const bool one_label = first + 1 == prefix;
  const bool two_labels = first + 1 < prefix && first + 2 + size_t{qname[first + 1]} == prefix;
  if (!one_label && !two_labels) return result;
  if (two_labels) {
    const auto address = parse_dashed_address(qname.subspan(1, first));
    if (!address) return result;
    result.address = *address;
    const bool matches = (qtype == kTypeA && !address->v6) || (qtype == kTypeAaaa && address->v6);
    if (matches) {
      result.kind = LookupKind::kPodAddress;
      return result;
    }
  }
  result.kind = qtype == kTypeAny ? LookupKind::kAnyExists : LookupKind::kNoData;
  return result;
}

size_t Snapshot::memory_bytes() const {
  return tables_.arena.capacity() + table_.capacity() * sizeof(NameNode) +
         tables_.blocks.capacity() * sizeof(AnswerBlock) +
         tables_.cuts.capacity() * sizeof(RRsetCut) + tables_.zones.capacity() * sizeof(ServedZone);
}

}  // namespace clusterdns::zones
