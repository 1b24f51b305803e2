#include "zones/snapshot.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "dns/wire/types.h"
#include "zones/answer_pod_address.h"

namespace clusterdns::zones {
namespace {

constexpr uint16_t kTypeCname = dns::to_u16(dns::RRType::kCNAME);
constexpr uint16_t kTypeA = dns::to_u16(dns::RRType::kA);
constexpr uint16_t kTypePtr = dns::to_u16(dns::RRType::kPTR);
constexpr uint16_t kTypeAaaa = dns::to_u16(dns::RRType::kAAAA);
constexpr uint16_t kTypeAny = dns::to_u16(dns::RRType::kANY);

bool same_octets(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

LookupResult Snapshot::lookup(std::span<const uint8_t> qname, uint16_t qtype) const {
  const IndexEntry* entry = parts_.index->find(qname, SnapshotIndex::hash_name(qname));
  if (entry == nullptr) return missing(qname, qtype);
  if (const SnapshotChunk* chunk = parts_.index->chunk(*entry)) {
    return found(*chunk, chunk->name(entry->name()), qtype);
  }
  // An empty non-terminal (RFC 8020): exists, holds nothing.
  LookupResult result;
  result.zone = &parts_.zones[entry->zone()];
  result.kind = qtype == kTypeAny ? LookupKind::kAnyExists : LookupKind::kNoData;
  return result;
}

LookupResult Snapshot::found(const SnapshotChunk& chunk, const ChunkName& name,
                             uint16_t qtype) const {
  LookupResult result;
  result.zone = &parts_.zones[name.zone];
  if (qtype == kTypeAny) {
    result.kind = LookupKind::kAnyExists;
    return result;
  }
  result.chunk = &chunk;
  if (name.inline_answer == InlineAnswer::kAddress && qtype == kTypeA) {
    const auto address = chunk.inline_address(name);
    std::copy(address.begin(), address.end(), result.address.bytes.begin());
    result.kind = LookupKind::kAddress;
    return result;
  }
  if (name.inline_answer == InlineAnswer::kNamedPtr && qtype == kTypePtr) {
    result.target = &chunk.inline_target(name);
    result.kind = LookupKind::kNamedPtr;
    return result;
  }
  const AnswerBlock* cname = nullptr;
  for (const AnswerBlock& block : chunk.blocks(name)) {
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
    for (const ServedZone& zone : parts_.zones) {
      if (same_octets(zone_bytes(zone.apex_offset, zone.apex_length), rest)) return &zone;
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
  if (parts_.options.pods == PodRecords::kInsecure && result.zone == &parts_.zones[0]) {
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
  const auto pod_zone = zone_bytes(parts_.pod_zone_offset, parts_.pod_zone_length);
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
      result.kind = LookupKind::kAddress;
      return result;
    }
  }
  result.kind = qtype == kTypeAny ? LookupKind::kAnyExists : LookupKind::kNoData;
  return result;
}

size_t Snapshot::memory_bytes() const {
  size_t bytes = parts_.index->memory_bytes() + parts_.zone_arena.capacity() +
                 parts_.zones.capacity() * sizeof(ServedZone);
  for (const auto& chunk : parts_.chunks) bytes += chunk ? chunk->memory_bytes() : 0;
  return bytes;
}

}  // namespace clusterdns::zones
