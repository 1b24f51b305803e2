// Pod names (an extension: spec 1.1.0 dropped them, CoreDNS keeps them):
// <a-b-c-d>.<ns>.pod.<zone> A and <dashed-v6>.<ns>.pod.<zone> AAAA. Listed only for
// `--pods verified`; `insecure` names are synthesized at query time by the snapshot.

#include "zones/names.h"
#include "zones/record_builders.h"

namespace clusterdns::zones {

void add_pod_records(const registry::Pod& pod, RecordSink& sink) {
  // CoreDNS (object/pod.go) ignores terminating pods; simulated pods are pods.
  if (sink.options().pods != PodRecords::kVerified || pod.terminating) return;
  std::string& owner = sink.name_buffer();
  for (const auto& ip : pod.ips) {
    owner.clear();
    append_dashed_ip_label(owner, ip).append(".");
    append_lower_case(owner, pod.namespace_name).append(".pod.").append(sink.zone());
    sink.add_address(owner, ip);
  }
}

}  // namespace clusterdns::zones
