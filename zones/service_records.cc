// Service names (spec 1.1.0 §2.3, §2.4): A/AAAA at <svc>.<ns>.svc.<zone>, SRV for each
// named port at _<port>._<proto>.<svc>... and (CoreDNS) at the bare service name,
// CNAME for ExternalName Services.

#include <algorithm>
#include <span>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "dns/wire/types.h"
#include "zones/names.h"
#include "zones/record_builders.h"

namespace clusterdns::zones {
namespace {

using dns::RRType;
using dns::to_u16;

const char* protocol_label(registry::Protocol protocol) {
  switch (protocol) {
    case registry::Protocol::kUdp:
      return "_udp";
    case registry::Protocol::kSctp:
      return "_sctp";
    case registry::Protocol::kTcp:
      break;
  }
  return "_tcp";
}

// "_<port>._<proto>.<svc>..." into `owner`.
const std::string& srv_owner(std::string_view port_name, registry::Protocol protocol,
                             const std::string& service, std::string& owner) {
  // Appended piecewise: g++ 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
  owner.clear();
  append_lower_case(owner.append("_"), port_name).append(".").append(protocol_label(protocol));
  return owner.append(".").append(service);
}

// One SRV record's RDATA, its target a name the view holds (no copy per record).
struct SrvTarget {
  uint16_t weight = 0;
  uint16_t port = 0;
  std::string_view target;
};

// The same SRV RRset at _<port>._<proto>.<svc>... and, merged with the other ports'
// sets, at the bare service name (CoreDNS answers SRV there with every port).
void add_srv_set(const ServiceView& view, std::string_view port_name, registry::Protocol protocol,
                 std::span<const SrvTarget> set, RecordSink& sink) {
  const std::string& owner = srv_owner(port_name, protocol, view.name, sink.name_buffer());
  for (const auto& srv : set) {
    sink.add_srv(owner, 0, srv.weight, srv.port, srv.target);
    sink.add_srv(view.name, 0, srv.weight, srv.port, srv.target);
  }
}

// ClusterIP: one SRV per named port, `0 100 <port> <svc>.` (spec §2.3.2).
void add_cluster_ip_srv(const ServiceView& view, RecordSink& sink) {
  for (const auto& port : view.service->ports) {
    if (port.name.empty()) continue;  // unnamed ports cannot be asked for by name
    const SrvTarget srv{100, port.port, view.name};
    add_srv_set(view, port.name, port.protocol, {&srv, 1}, sink);
  }
}

// Headless: one SRV per published endpoint carrying the named port (spec §2.4.2),
// weight floor(100/n) as CoreDNS computes it, port = the endpoint's port (CoreDNS).
// One sorted list rather than a map of sets: a headless Service at 50k objects has a
// few dozen entries, and this runs for each at start-up.
void add_headless_srv(const ServiceView& view, RecordSink& sink) {
  struct Entry {
    std::string_view port_name;
    registry::Protocol protocol;
    SrvTarget srv;
  };
  std::vector<Entry> entries;
  for (const auto& endpoint : view.endpoints) {
    for (const auto& port : endpoint.subset->ports) {
      if (port.name.empty()) continue;
      entries.push_back(
          {port.name, port.protocol, SrvTarget{0, port.port, view.endpoint_name(endpoint)}});
    }
  }
  // By set (port name, protocol), then within a set by port and target.
  const auto key = [](const Entry& entry) {
    return std::tie(entry.port_name, entry.protocol, entry.srv.port, entry.srv.target);
  };
  std::sort(entries.begin(), entries.end(),
            [&key](const Entry& a, const Entry& b) { return key(a) < key(b); });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [&key](const Entry& a, const Entry& b) { return key(a) == key(b); }),
                entries.end());
  std::vector<SrvTarget> set;
  for (size_t first = 0; first < entries.size();) {
    size_t end = first + 1;
    while (end < entries.size() && entries[end].port_name == entries[first].port_name &&
           entries[end].protocol == entries[first].protocol) {
      ++end;
    }
    const auto weight = static_cast<uint16_t>(100 / (end - first));
    set.clear();
    for (size_t i = first; i < end; ++i) {
      set.push_back({weight, entries[i].srv.port, entries[i].srv.target});
    }
    add_srv_set(view, entries[first].port_name, entries[first].protocol, set, sink);
    first = end;
  }
}

}  // namespace

void add_service_records(const ServiceView& view, RecordSink& sink) {
  const registry::Service& service = *view.service;
  if (service.type == registry::ServiceType::kExternalName) {
    // The registry rejects an empty externalName; never emit a CNAME to the root.
    if (!service.external->name.empty()) {
      sink.add_name(view.name, to_u16(RRType::kCNAME), absolute_name(service.external->name));
    }
    return;
  }
  if (service.headless) {
    // No published endpoint → no record → NXDOMAIN (spec §2.4.1).
    for (const auto& endpoint : view.endpoints) sink.add_address(view.name, endpoint.address->ip);
    add_headless_srv(view, sink);
    return;
  }
  for (const auto& ip : service.cluster_ips) sink.add_address(view.name, ip);
  add_cluster_ip_srv(view, sink);
}

}  // namespace clusterdns::zones
