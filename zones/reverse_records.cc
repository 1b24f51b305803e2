// PTR records (spec 1.1.0 §2.5): the reverse name of each ClusterIP points at the
// service name, that of each published endpoint address at the endpoint name, in
// in-addr.arpa or ip6.arpa. Two names claiming one address keep both PTRs.

#include "dns/wire/types.h"
#include "zones/names.h"
#include "zones/record_builders.h"

namespace clusterdns::zones {

void add_reverse_records(const ServiceView& view, RecordSink& sink) {
  const auto ptr = dns::to_u16(dns::RRType::kPTR);
  std::string& owner = sink.name_buffer();
  if (view.service->type != registry::ServiceType::kExternalName && !view.service->headless) {
    for (const auto& ip : view.service->cluster_ips) {
      owner.clear();
      sink.add_name(append_reverse_name(owner, ip), ptr, view.name);
    }
  }
  for (const auto& endpoint : view.endpoints) {
    owner.clear();
    sink.add_name(append_reverse_name(owner, endpoint.address->ip), ptr,
                  view.endpoint_name(endpoint));
  }
}

}  // namespace clusterdns::zones
