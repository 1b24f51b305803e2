#pragma once
// The record flags of DESIGN.md §5 that shape the cluster state itself.

#include <optional>

#include "registry/ip_address.h"

namespace clusterdns::registry {

struct ClusterOptions {
  IpPrefix service_cidr = *IpPrefix::parse("10.96.0.0/12");
  // --dns-ip; default: the 10th address of service_cidr (10.96.0.10).
  std::optional<IpAddress> dns_ip;
  // --simulate-pods CIDR: workloads with no matching Pod manifest get simulated pods.
  std::optional<IpPrefix> simulate_pods;

  IpAddress effective_dns_ip() const { return dns_ip ? *dns_ip : *service_cidr.at(10); }
};

}  // namespace clusterdns::registry
