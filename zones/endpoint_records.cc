// Endpoint names (spec 1.1.0 §2.4.1; CoreDNS: for every Service, not only headless):
// <host>.<svc>.<ns>.svc.<zone> A/AAAA for each published endpoint address.

#include "zones/names.h"
#include "zones/record_builders.h"

namespace clusterdns::zones {
namespace {

// The endpoints controller already moves not-ready addresses into `addresses` under
// publishNotReadyAddresses; Endpoints objects written by hand may not, so take both.
void publish_subset(const ServiceView& view, const registry::EndpointSubset& subset,
                    const std::vector<registry::EndpointAddress>& addresses,
                    std::vector<PublishedEndpoint>& out) {
  for (const auto& address : addresses) {
    std::string name;
    name.reserve(address.hostname.size() + 40 + view.name.size());
    if (address.hostname.empty()) {
      name = dashed_ip_label(address.ip);
    } else {
      append_lower_case(name, address.hostname);
    }
    name.append(".").append(view.name);
    out.push_back(PublishedEndpoint{&address, &subset, std::move(name)});
  }
}

}  // namespace

ServiceView view_service(const registry::Service& service, const registry::Endpoints* endpoints,
                         const std::string& zone) {
  ServiceView view;
  view.service = &service;
  view.name = service_name(service.name, service.namespace_name, zone);
  // ExternalName Services are a CNAME and nothing else, whatever endpoints exist.
  if (endpoints == nullptr || service.type == registry::ServiceType::kExternalName) return view;
  for (const auto& subset : endpoints->subsets) {
    publish_subset(view, subset, subset.addresses, view.endpoints);
    if (service.publish_not_ready_addresses) {
      publish_subset(view, subset, subset.not_ready_addresses, view.endpoints);
    }
  }
  return view;
}

void add_endpoint_records(const ServiceView& view, RecordSink& sink) {
  for (const auto& endpoint : view.endpoints) {
    sink.add_address(endpoint.name, endpoint.address->ip);
  }
}

}  // namespace clusterdns::zones
