// Endpoint names (spec 1.1.0 §2.4.1; CoreDNS: for every Service, not only headless):
// <host>.<svc>.<ns>.svc.<zone> A/AAAA for each published endpoint address.

#include <span>

#include "zones/names.h"
#include "zones/record_builders.h"

namespace clusterdns::zones {
namespace {

// The endpoints controller already moves not-ready addresses into `addresses` under
// publishNotReadyAddresses; Endpoints objects written by hand may not, so take both.
void publish_subset(const registry::EndpointSubset& subset,
                    std::span<const registry::EndpointAddress> addresses, ServiceView& view) {
  std::string& names = view.endpoint_names;
  for (const auto& address : addresses) {
    const size_t start = names.size();
    if (address.hostname.empty()) {
      append_dashed_ip_label(names, address.ip);
    } else {
      append_lower_case(names, address.hostname);
    }
    names.append(".").append(view.name);
    view.endpoints.push_back(PublishedEndpoint{&address, &subset, static_cast<uint32_t>(start),
                                               static_cast<uint32_t>(names.size() - start)});
  }
}

}  // namespace

void view_service(const registry::Service& service, const registry::Endpoints* endpoints,
                  const std::string& zone, ServiceView& view) {
  view.service = &service;
  view.name.clear();
  append_service_name(view.name, service.name, service.namespace_name, zone);
  view.endpoints.clear();
  view.endpoint_names.clear();
  // ExternalName Services are a CNAME and nothing else, whatever endpoints exist.
  if (endpoints == nullptr || service.type == registry::ServiceType::kExternalName) return;
  for (const auto& subset : endpoints->subsets) {
    publish_subset(subset, subset.addresses, view);
    if (service.publish_not_ready_addresses) {
      publish_subset(subset, subset.not_ready_addresses, view);
    }
  }
}

void add_endpoint_records(const ServiceView& view, RecordSink& sink) {
  for (const auto& endpoint : view.endpoints) {
    sink.add_address(view.endpoint_name(endpoint), endpoint.address->ip);
  }
}

}  // namespace clusterdns::zones
