// Service names (spec 1.1.0 §2.3, §2.4): A/AAAA at <svc>.<ns>.svc.<zone>, SRV for each
// named port at _<port>._<proto>.<svc>... and (CoreDNS) at the bare service name,
// CNAME for ExternalName Services.

#include <algorithm>
#include <map>
#include <span>
#include <tuple>
#include <utility>

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

std::string srv_owner(std::string_view port_name, registry::Protocol protocol,
                      const std::string& service) {
  // Appended piecewise: g++ 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
  std::string owner;
  owner.reserve(port_name.size() + service.size() + 8);
  append_lower_case(owner.append("_"), port_name).append(".").append(protocol_label(protocol));
  return owner.append(".").append(service);
}

// The same SRV RRset at _<port>._<proto>.<svc>... and, merged with the other ports'
// sets, at the bare service name (CoreDNS answers SRV there with every port).
void add_srv_set(const ServiceView& view, std::string_view port_name, registry::Protocol protocol,
                 std::span<const SrvData> set, RecordSink& sink) {
  const std::string owner = srv_owner(port_name, protocol, view.name);
  for (const auto& srv : set) {
    sink.add(owner, to_u16(RRType::kSRV), srv);
    sink.add(view.name, to_u16(RRType::kSRV), srv);
  }
}

// ClusterIP: one SRV per named port, `0 100 <port> <svc>.` (spec §2.3.2).
void add_cluster_ip_srv(const ServiceView& view, RecordSink& sink) {
  for (const auto& port : view.service->ports) {
    if (port.name.empty()) continue;  // unnamed ports cannot be asked for by name
    const SrvData srv{0, 100, port.port, view.name};
    add_srv_set(view, port.name, port.protocol, {&srv, 1}, sink);
  }
}

// Headless: one SRV per published endpoint carrying the named port (spec §2.4.2),
// weight floor(100/n) as CoreDNS computes it, port = the endpoint's port (CoreDNS).
void add_headless_srv(const ServiceView& view, RecordSink& sink) {
  std::map<std::pair<std::string, registry::Protocol>, std::vector<SrvData>> sets;
  for (const auto& endpoint : view.endpoints) {
    for (const auto& port : endpoint.subset->ports) {
      if (port.name.empty()) continue;
      sets[{port.name, port.protocol}].push_back(SrvData{0, 0, port.port, endpoint.name});
    }
  }
  for (auto& [key, set] : sets) {
    const auto by_port_target = [](const SrvData& a, const SrvData& b) {
      return std::tie(a.port, a.target) < std::tie(b.port, b.target);
    };
    const auto same = [](const SrvData& a, const SrvData& b) {
      return a.port == b.port && a.target == b.target;
    };
    std::sort(set.begin(), set.end(), by_port_target);
    set.erase(std::unique(set.begin(), set.end(), same), set.end());
    const auto weight = static_cast<uint16_t>(100 / set.size());
    for (auto& srv : set) srv.weight = weight;
    add_srv_set(view, key.first, key.second, set, sink);
  }
}

}  // namespace

void add_service_records(const ServiceView& view, RecordSink& sink) {
  const registry::Service& service = *view.service;
  if (service.type == registry::ServiceType::kExternalName) {
    // The registry rejects an empty externalName; never emit a CNAME to the root.
    if (!service.external_name.empty()) {
      sink.add(view.name, to_u16(RRType::kCNAME), absolute_name(service.external_name));
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
