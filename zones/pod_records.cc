// Pod names (an extension: spec 1.1.0 dropped them, CoreDNS keeps them):
// <a-b-c-d>.<ns>.pod.<zone> A and <dashed-v6>.<ns>.pod.<zone> AAAA. Listed only for
// `--pods verified`; `insecure` names are synthesized at query time by the snapshot.

#include "zones/names.h"
#include "zones/record_builders.h"

namespace clusterdns::zones {

void add_pod_records(const registry::Pod& pod, RecordSink& sink) {
  // CoreDNS (object/pod.go) ignores terminating pods; simulated pods are pods.
  if (sink.options().pods != PodRecords::kVerified || pod.terminating) return;
  for (const auto& ip : pod.ips) {
    std::string owner = dashed_ip_label(ip);
    owner.reserve(owner.size() + pod.namespace_name.size() + 6 + sink.zone().size());
    append_lower_case(owner.append("."), pod.namespace_name).append(".pod.").append(sink.zone());
    sink.add_address(std::move(owner), ip);
  }
}

}  // namespace clusterdns::zones
