#include "zones/snapshot_builder.h"

#include <algorithm>
#include <utility>

#include "dns/wire/types.h"
#include "zones/answer_encoder.h"

namespace clusterdns::zones {
namespace {

constexpr uint16_t kTypeSoa = dns::to_u16(dns::RRType::kSOA);
constexpr uint16_t kClassIn = dns::to_u16(dns::RRClass::kIN);

void append_u16(std::vector<uint8_t>& out, uint16_t value) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value));
}

void append_u32(std::vector<uint8_t>& out, uint32_t value) {
  append_u16(out, static_cast<uint16_t>(value >> 16));
  append_u16(out, static_cast<uint16_t>(value));
}

uint32_t append(std::vector<uint8_t>& arena, std::span<const uint8_t> bytes) {
  const auto offset = static_cast<uint32_t>(arena.size());
  arena.insert(arena.end(), bytes.begin(), bytes.end());
  return offset;
}

// RFC 2308 §3: the zone's SOA in negative answers, TTL min(SOA TTL, MINIMUM, --ttl).
std::vector<uint8_t> negative_soa(const std::vector<uint8_t>& apex, const RecordOptions& options,
                                  const std::vector<Record>& records) {
  SoaData soa{.mname = "ns.dns." + options.domain + ".",
              .rname = "hostmaster." + options.domain + ".",
              .serial = options.serial,
              .minimum = options.ttl};
  uint32_t ttl = options.ttl;
  for (const Record& record : records) {
    const auto* data = std::get_if<SoaData>(&record.data);
    if (record.type != kTypeSoa || data == nullptr || name_to_wire(record.owner) != apex) continue;
    soa = *data;
    ttl = record.ttl;
    break;
  }
  ttl = std::min({ttl, soa.minimum, options.ttl});

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
  return record;
}

}  // namespace

void add_namespace_names(std::string_view namespace_name, const RecordOptions& options,
                         std::vector<std::string>& names) {
  if (namespace_name.empty() || namespace_name.size() > 63 ||
      namespace_name.find('.') != std::string_view::npos) {
    return;
  }
  const std::string label(namespace_name);
  names.push_back(label + ".svc." + options.domain + ".");
  if (options.pods != PodRecords::kDisabled) names.push_back(label + ".pod." + options.domain + ".");
}

std::vector<std::string> apex_names(const RecordOptions& options) {
  return {options.domain + ".", "in-addr.arpa.", "ip6.arpa."};
}

void add_served_zones(SnapshotParts& parts, const std::vector<Record>& records) {
  const RecordOptions& options = parts.options;
  for (const std::string& text : apex_names(options)) {
    const std::vector<uint8_t> apex = name_to_wire(text);
    const std::vector<uint8_t> soa = negative_soa(apex, options, records);
    ServedZone zone;
    zone.apex_offset = append(parts.zone_arena, apex);
    zone.apex_length = static_cast<uint8_t>(apex.size());
    zone.negative_soa_offset = append(parts.zone_arena, soa);
    zone.negative_soa_length = static_cast<uint32_t>(soa.size());
    parts.zones.push_back(zone);
  }
  const std::vector<uint8_t> pod_zone = name_to_wire("pod." + options.domain);
  parts.pod_zone_offset = append(parts.zone_arena, pod_zone);
  parts.pod_zone_length = static_cast<uint8_t>(pod_zone.size());
}

void index_chunks(SnapshotParts& parts) {
  auto index = std::make_shared<SnapshotIndex>(served_apexes(parts.options), parts.chunks.size());
  size_t names = 0;
  for (const auto& chunk : parts.chunks) names += chunk->name_count();
  index->reserve(names + names / 4);
  for (size_t slot = 0; slot < parts.chunks.size(); ++slot) {
    index->replace(static_cast<uint16_t>(slot), parts.chunks[slot].get());
  }
  parts.index = std::move(index);
}

std::unique_ptr<const Snapshot> build_snapshot(const SnapshotInput& input) {
  static const std::vector<Record> kNoRecords;
  const std::vector<Record>& records = input.records ? *input.records : kNoRecords;
  SnapshotParts parts;
  parts.options = input.options;
  std::vector<std::string> names = apex_names(input.options);
  add_namespace_names("default", input.options, names);
  for (const std::string& ns : input.namespaces) add_namespace_names(ns, input.options, names);
  parts.chunks.push_back(build_chunk(records, names, input.options));
  parts.records = parts.chunks.back()->record_count();
  add_served_zones(parts, records);
  index_chunks(parts);
  return std::make_unique<const Snapshot>(std::move(parts));
}

std::unique_ptr<const Snapshot> build_snapshot(const std::vector<Record>& records,
                                               const RecordOptions& options,
                                               std::vector<std::string> namespaces) {
  return build_snapshot(
      SnapshotInput{.records = &records, .options = options, .namespaces = std::move(namespaces)});
}

}  // namespace clusterdns::zones
