#include "zones/records.h"

#include <algorithm>
#include <bit>
#include <compare>
#include <cstring>
#include <map>
#include <numeric>
#include <string_view>
#include <tuple>
#include <utility>

#include "dns/wire/name.h"
#include "zones/record_builders.h"

namespace clusterdns::zones {
namespace {

int to_int(std::strong_ordering order) {
  return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

// Takes the rightmost label off `name` ("a.b" → returns "b", leaves "a").
std::string_view pop_last_label(std::string_view& name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) {
    const std::string_view label = name;
    name = {};
    return label;
  }
  const std::string_view label = name.substr(dot + 1);
  name = name.substr(0, dot);
  return label;
}

unsigned char lower_octet(char c) { return dns::fold_ascii(static_cast<uint8_t>(c)); }

// RFC 4034 §6.1: labels as lower-case octet strings, a shorter prefix sorts first.
int compare_labels(std::string_view a, std::string_view b) {
  const size_t common = std::min(a.size(), b.size());
  for (size_t i = 0; i < common; ++i) {
    const unsigned char x = lower_octet(a[i]);
    const unsigned char y = lower_octet(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

int compare_data(const RecordData& a, const RecordData& b) {
  if (a.index() != b.index()) return a.index() < b.index() ? -1 : 1;
  return std::visit(
      [&b](const auto& x) -> int {
        using T = std::decay_t<decltype(x)>;
        const T& y = std::get<T>(b);
        if constexpr (std::is_same_v<T, SoaData>) {
          return to_int(
              std::tie(x.mname, x.rname, x.serial, x.refresh, x.retry, x.expire, x.minimum) <=>
              std::tie(y.mname, y.rname, y.serial, y.refresh, y.retry, y.expire, y.minimum));
        } else if constexpr (std::is_same_v<T, SrvData>) {
          return to_int(std::tie(x.priority, x.weight, x.port, x.target) <=>
                        std::tie(y.priority, y.weight, y.port, y.target));
        } else {
          return to_int(x <=> y);
        }
      },
      a);
}

int compare_records(const Record& a, const Record& b) {
  if (const int owner = compare_names(a.owner, b.owner); owner != 0) return owner;
  if (a.type != b.type) return a.type < b.type ? -1 : 1;
  return compare_data(a.data, b.data);
}

using EndpointsIndex =
    std::map<std::pair<std::string_view, std::string_view>, const registry::Endpoints*>;

EndpointsIndex index_endpoints(const registry::ClusterState& state) {
  EndpointsIndex index;
  for (const auto& endpoints : state.endpoints) {
    index.emplace(
        std::pair<std::string_view, std::string_view>(endpoints.namespace_name, endpoints.name),
        &endpoints);
  }
  return index;
}

// A string whose byte order is the canonical order of the names: lower-case labels
// from the right, each followed by a NUL (no label of ours holds one), so "a" < "ab"
// ("a\0" < "ab\0") and an ancestor, a prefix of its descendants' keys, sorts first.
std::string canonical_key(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string key;
  key.reserve(name.size() + 1);
  while (!name.empty()) {  // each pass removes one label
    for (const char c : pop_last_label(name)) key += static_cast<char>(lower_octet(c));
    key += '\0';
  }
  return key;
}

// Eight octets per step: owner texts run to forty and more.
uint64_t hash_text(std::string_view text) {
  constexpr uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;
  uint64_t hash = 0x2545f4914f6cdd1dULL ^ text.size();
  size_t at = 0;
  for (; at + 8 <= text.size(); at += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + at, 8);
    hash = (hash ^ word) * kMultiplier;
    hash ^= hash >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, text.data() + at, text.size() - at);
  hash = (hash ^ tail) * kMultiplier;
  return hash ^ (hash >> 32);
}

}  // namespace

int compare_names(std::string_view a, std::string_view b) {
  if (!a.empty() && a.back() == '.') a.remove_suffix(1);
  if (!b.empty() && b.back() == '.') b.remove_suffix(1);
  // Each pass removes one label from each name, so this ends.
  while (!a.empty() || !b.empty()) {
    if (a.empty()) return -1;  // an ancestor sorts before its descendants
    if (b.empty()) return 1;
    const std::string_view label_a = pop_last_label(a);
    const std::string_view label_b = pop_last_label(b);
    if (const int order = compare_labels(label_a, label_b); order != 0) return order;
  }
  return 0;
}

bool record_less(const Record& a, const Record& b) {
  return compare_records(a, b) < 0;
}

void sort_records(std::vector<Record>& records) {
  // Comparing owners label by label dominates a sort of 100k+ records: compare
  // precomputed keys instead (same order as compare_names, one memcmp each).
  std::vector<std::string> keys;
  keys.reserve(records.size());
  for (const auto& record : records) keys.push_back(canonical_key(record.owner));
  const auto compare = [&](size_t a, size_t b) {
    if (const int owner = keys[a].compare(keys[b]); owner != 0) return owner;
    if (records[a].type != records[b].type) return records[a].type < records[b].type ? -1 : 1;
    return compare_data(records[a].data, records[b].data);
  };
  std::vector<size_t> order(records.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return compare(a, b) < 0; });
  std::vector<Record> sorted;
  sorted.reserve(records.size());
  size_t last = 0;  // index of sorted.back() in records (moved from, so compare with back())
  for (const size_t index : order) {
    const Record& record = records[index];
    if (!sorted.empty() && keys[last] == keys[index] && sorted.back().type == record.type &&
        compare_data(sorted.back().data, record.data) == 0) {
      continue;  // a duplicate
    }
    sorted.push_back(std::move(records[index]));
    last = index;
  }
  records = std::move(sorted);
}

void add_service_group(const registry::Service& service, const registry::Endpoints* endpoints,
                       RecordSink& sink) {
  ServiceView& view = sink.service_view();
  view_service(service, endpoints, sink.zone(), view);
  add_service_records(view, sink);
  add_endpoint_records(view, sink);
  add_reverse_records(view, sink);
}

std::vector<const Record*> encoding_order(std::span<const Record> records) {
  // Chunks need equal owners together, in no particular order among themselves: each
  // owner text is numbered where it first appears (a flat table by its hash), so the
  // sort compares one integer, owner number then type, and RDATA only within an RRset.
  // Sorting positions beats swapping the records (a string and a variant each).
  struct Position {
    uint64_t key = 0;  // owner number << 16 | type
    const Record* record = nullptr;
  };
  const size_t mask = std::bit_ceil(2 * records.size() + 2) - 1;
  std::vector<uint32_t> first_of_owner(mask + 1, 0);  // record index + 1 by owner hash; 0: free
  std::vector<uint32_t> owner_number(records.size());
  uint32_t owners = 0;
  std::vector<Position> order(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string& owner = records[i].owner;
    size_t at = hash_text(owner) & mask;
    while (first_of_owner[at] != 0 && records[first_of_owner[at] - 1].owner != owner) {
      at = (at + 1) & mask;
    }
    if (first_of_owner[at] == 0) {
      first_of_owner[at] = static_cast<uint32_t>(i + 1);
      owner_number[i] = owners++;
    } else {
      owner_number[i] = owner_number[first_of_owner[at] - 1];
    }
    order[i] = {uint64_t{owner_number[i]} << 16 | records[i].type, &records[i]};
  }
  // By key alone first (integers only: records are in one array, so their addresses
  // order them), then each RRset of several records by RDATA.
  const auto by_key = [](const Position& x, const Position& y) {
    return x.key != y.key ? x.key < y.key : x.record < y.record;
  };
  if (!std::is_sorted(order.begin(), order.end(), by_key)) {
    std::sort(order.begin(), order.end(), by_key);
  }
  const auto by_data = [](const Position& x, const Position& y) {
    return compare_data(x.record->data, y.record->data) < 0;
  };
  for (size_t first = 0; first < order.size();) {
    size_t end = first + 1;
    while (end < order.size() && order[end].key == order[first].key) ++end;
    if (end - first > 1) std::sort(order.begin() + first, order.begin() + end, by_data);
    first = end;
  }
  std::vector<const Record*> sorted;
  sorted.reserve(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    if (i > 0 && order[i].key == order[i - 1].key &&
        compare_data(order[i].record->data, order[i - 1].record->data) == 0) {
      continue;  // a duplicate
    }
    sorted.push_back(order[i].record);
  }
  return sorted;
}

void sort_records_for_encoding(std::vector<Record>& records) {
  const std::vector<const Record*> order = encoding_order(records);
  std::vector<Record> sorted;
  sorted.reserve(order.size());
  for (const Record* record : order) sorted.push_back(std::move(records[record - records.data()]));
  records = std::move(sorted);
}

std::vector<Record> build_records(const registry::ClusterState& state,
                                  const RecordOptions& options) {
  std::vector<Record> records;
  RecordSink sink(options, records);
  add_zone_apex_records(sink);
  const EndpointsIndex endpoints = index_endpoints(state);
  for (const auto& service : state.services) {
    const auto found = endpoints.find({service.namespace_name, service.name});
    add_service_group(service, found == endpoints.end() ? nullptr : found->second, sink);
  }
  for (const auto& pod : state.pods) add_pod_records(pod, sink);
  sort_records(records);
  return records;
}

}  // namespace clusterdns::zones
