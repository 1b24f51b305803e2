#pragma once
// Internal to zones/: the per-concern record builders build_records() wires together,
// one file each (zone_apex_records.cc, service_records.cc, endpoint_records.cc,
// reverse_records.cc, pod_records.cc), as CoreDNS splits plugin/kubernetes.
// The object fields they read are fingerprinted in group_fingerprint.cc, which decides
// what a reload re-encodes: keep the two in step.

#include <string>
#include <vector>

#include "registry/objects.h"
#include "zones/names.h"
#include "zones/options.h"
#include "zones/record.h"

namespace clusterdns::zones {

// Appends records with the TTL of the options.
class RecordSink {
 public:
  RecordSink(const RecordOptions& options, std::vector<Record>& out)
      : options_(options), zone_(absolute_name(options.domain)), out_(out) {}

  const RecordOptions& options() const { return options_; }
  const std::string& zone() const { return zone_; }  // "cluster.local."
  void add(std::string owner, uint16_t type, RecordData data) {
    out_.emplace_back(std::move(owner), type, options_.ttl, std::move(data));
  }
  // A for IPv4, AAAA for IPv6.
  void add_address(std::string owner, const registry::IpAddress& address);

 private:
  const RecordOptions& options_;
  std::string zone_;
  std::vector<Record>& out_;
};

// One endpoint address published in DNS: ready, or not ready under
// publishNotReadyAddresses.
struct PublishedEndpoint {
  const registry::EndpointAddress* address = nullptr;
  const registry::EndpointSubset* subset = nullptr;
  std::string name;  // "<host>.<svc>.<ns>.svc.<zone>."
};

// A Service with its DNS name and published endpoints.
struct ServiceView {
  const registry::Service* service = nullptr;
  std::string name;  // "<svc>.<ns>.svc.<zone>."
  std::vector<PublishedEndpoint> endpoints;
};

// endpoint_records.cc
ServiceView view_service(const registry::Service& service, const registry::Endpoints* endpoints,
                         const std::string& zone);
void add_endpoint_records(const ServiceView& view, RecordSink& sink);

// zone_apex_records.cc
void add_zone_apex_records(RecordSink& sink);

// service_records.cc
void add_service_records(const ServiceView& view, RecordSink& sink);

// reverse_records.cc
void add_reverse_records(const ServiceView& view, RecordSink& sink);

// pod_records.cc: one pod's names (nothing unless pods are verified).
void add_pod_records(const registry::Pod& pod, RecordSink& sink);

// records.cc: one Service's records: its names, its endpoints' names, their PTRs.
void add_service_group(const registry::Service& service, const registry::Endpoints* endpoints,
                       RecordSink& sink);

}  // namespace clusterdns::zones
