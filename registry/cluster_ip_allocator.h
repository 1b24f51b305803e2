#pragma once
// ClusterIP allocation as the API server's allocator would do it, but deterministic so
// answers do not change between reloads (DESIGN.md §2).

#include <string>
#include <vector>

#include "registry/diagnostic.h"
#include "registry/objects.h"
#include "registry/options.h"

namespace clusterdns::registry {

// Adds default/kubernetes (first address of the service CIDR, https 443 → 6443, no
// selector) when `services` has none. Call before allocate_cluster_ips.
void add_kubernetes_service(SharedList<Service>& services, const ClusterOptions& options);

// For `services` sorted by (namespace, name):
//  - explicit ClusterIPs stay; one already held by an earlier Service is an error and
//    the later Service is dropped; one outside the service CIDR is a warning;
//  - every other Service that needs one (not headless, not ExternalName) gets the first
//    free address at or after hash(namespace/name) mod range, probing upward and
//    wrapping, never the network address, the first address (default/kubernetes), the
//    --dns-ip or (IPv4) the broadcast address;
//  - ip_families is filled in for every Service.
void allocate_cluster_ips(SharedList<Service>& services, const ClusterOptions& options,
                          const std::vector<std::string>& files,
                          std::vector<Diagnostic>& diagnostics);

// The offset in the service CIDR where allocation for namespace/name starts probing.
uint64_t cluster_ip_start_offset(std::string_view ns, std::string_view name, uint64_t range_size);

// NodePort/LoadBalancer ports without a nodePort get one: the nodePort of another port
// with the same number (the API server shares it across protocols), else a free one in
// 30000-32767 chosen from hash(namespace/name/port) like ClusterIPs.
void allocate_node_ports(SharedList<Service>& services);

}  // namespace clusterdns::registry
