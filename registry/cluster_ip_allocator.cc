#include "registry/cluster_ip_allocator.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "registry/source_diagnostic.h"
#include "registry/stable_hash.h"

namespace clusterdns::registry {

namespace {

constexpr uint16_t kNodePortMin = 30000;
constexpr uint16_t kNodePortCount = 2768;  // 30000-32767

IpFamily family_of(const IpAddress& ip) {
  return ip.v6 ? IpFamily::kIPv6 : IpFamily::kIPv4;
}

// The offset of `ip` in `prefix` (only called for contained addresses).
uint64_t offset_in(const IpPrefix& prefix, const IpAddress& ip) {
  uint64_t offset = 0;
  for (size_t i = prefix.base.size() >= 8 ? prefix.base.size() - 8 : 0; i < prefix.base.size();
       ++i) {
    offset = (offset << 8) | static_cast<uint8_t>(ip.bytes[i] - prefix.base.bytes[i]);
  }
  return offset & (prefix.size() - 1);
}

class OffsetPool {
 public:
  OffsetPool(const ClusterOptions& options) : prefix_(options.service_cidr) {
    size_ = prefix_.size();
    reserve(0);                                // the network address
    reserve(1);                                // default/kubernetes
    if (!prefix_.base.v6) reserve(size_ - 1);  // the broadcast address
    const IpAddress dns = options.effective_dns_ip();
    if (prefix_.contains(dns)) reserve(offset_in(prefix_, dns));
  }
  void reserve(uint64_t offset) { taken_.insert(offset); }
  void take(const IpAddress& ip) {
    if (prefix_.contains(ip)) taken_.insert(offset_in(prefix_, ip));
  }
  // Probes upward from `start`; bounded because only taken_.size() offsets can be busy.
  std::optional<IpAddress> allocate(uint64_t start) {
    const uint64_t attempts = std::min<uint64_t>(size_, taken_.size() + 1);
    for (uint64_t i = 0; i < attempts; ++i) {
      const uint64_t offset = (start + i) % size_;
      if (taken_.insert(offset).second) return prefix_.at(offset);
    }
    return std::nullopt;
  }
  uint64_t size() const { return size_; }
  const IpPrefix& prefix() const { return prefix_; }

 private:
  IpPrefix prefix_;
  uint64_t size_ = 0;
  std::unordered_set<uint64_t> taken_;
};

bool needs_cluster_ip(const Service& service) {
  return !service.headless && service.type != ServiceType::kExternalName;
}

IpFamily other(IpFamily family) {
  return family == IpFamily::kIPv4 ? IpFamily::kIPv6 : IpFamily::kIPv4;
}

bool lacks_families(const Service& service) {
  return service.ip_families.empty() && service.type != ServiceType::kExternalName;
}

void fill_families(Service& service, IpFamily cidr_family) {
  if (!lacks_families(service)) return;
  service.ip_families.push_back(cidr_family);
  if (service.headless && service.prefer_dual_stack)
    service.ip_families.push_back(other(cidr_family));
}

struct IpHash {
  size_t operator()(const IpAddress& ip) const {
    return static_cast<size_t>(
        fnv1a64(std::string_view(reinterpret_cast<const char*>(ip.bytes.data()), ip.size()),
                ip.v6 ? 1 : 0));
  }
};

struct Holder {
  size_t kept;  // index into the kept Services
  SourceRef where;
};

// Keeps explicit ClusterIPs; drops Services whose address an earlier one holds.
void claim_explicit(SharedList<Service>& services, OffsetPool& pool,
                    const std::vector<std::string>& files, std::vector<Diagnostic>& diagnostics) {
  std::unordered_map<IpAddress, Holder, IpHash> holders;
  SharedList<Service> kept;
  kept.reserve(services.size());
  for (size_t i = 0; i < services.size(); ++i) {
    const Service& service = services[i];
    const Holder* earlier = nullptr;
    IpAddress clash;
    for (const auto& ip : service.cluster_ips) {
      auto it = holders.find(ip);
      if (it != holders.end()) {
        earlier = &it->second;
        clash = ip;
        break;
      }
    }
    if (earlier != nullptr) {
      const Service& holder = kept[earlier->kept];
      diagnostics.push_back(diagnostic_at(
          files, service.cluster_ip_where(), Diagnostic::Severity::kError,
          "clusterIP " + clash.to_string() + " of Service " + service.namespace_name + "/" +
              service.name + " is already used by " + "Service " + holder.namespace_name + "/" +
              holder.name + " (" + source_text(files, earlier->where) + ")"));
      continue;
    }
    for (const auto& ip : service.cluster_ips) {
      holders.emplace(ip, Holder{kept.size(), service.cluster_ip_where()});
      if (ip.v6 == pool.prefix().base.v6 && !pool.prefix().contains(ip) && !service.synthesized) {
        diagnostics.push_back(
            diagnostic_at(files, service.cluster_ip_where(), Diagnostic::Severity::kWarning,
                          "clusterIP " + ip.to_string() + " is outside --service-cidr " +
                              pool.prefix().to_string()));
      }
      pool.take(ip);
    }
    kept.push_shared(services.shared(i));
  }
  services = std::move(kept);
}

}  // namespace

uint64_t cluster_ip_start_offset(std::string_view ns, std::string_view name, uint64_t range_size) {
  uint64_t hash = fnv1a64(ns);
  hash = fnv1a64("/", hash);
  hash = fnv1a64(name, hash);
  return range_size == 0 ? 0 : hash % range_size;
}

void add_kubernetes_service(SharedList<Service>& services, const ClusterOptions& options) {
  const bool present = std::any_of(services.begin(), services.end(), [](const Service& service) {
    return service.namespace_name == "default" && service.name == "kubernetes";
  });
  const IpAddress first = *options.service_cidr.at(1);
  const bool address_taken = std::any_of(services.begin(), services.end(), [&](const Service& s) {
    return std::find(s.cluster_ips.begin(), s.cluster_ips.end(), first) != s.cluster_ips.end();
  });
  if (present || address_taken) return;
  Service kubernetes;
  kubernetes.namespace_name = "default";
  kubernetes.name = "kubernetes";
  kubernetes.cluster_ips.push_back(first);
  kubernetes.ip_families.push_back(family_of(first));
  kubernetes.labels = {{"component", "apiserver"}, {"provider", "kubernetes"}};
  ServicePort https;
  https.name = "https";
  https.port = 443;
  https.target_port = 6443;
  kubernetes.ports.push_back(https);
  kubernetes.synthesized = true;
  kubernetes.where.file = UINT32_MAX;  // no file: source_text prints <built-in>
  auto position = std::lower_bound(
      services.begin(), services.end(), kubernetes, [](const Service& a, const Service& b) {
        return std::tie(a.namespace_name, a.name) < std::tie(b.namespace_name, b.name);
      });
  services.insert(position, std::move(kubernetes));
}

void allocate_cluster_ips(SharedList<Service>& services, const ClusterOptions& options,
                          const std::vector<std::string>& files,
                          std::vector<Diagnostic>& diagnostics) {
  OffsetPool pool(options);
  claim_explicit(services, pool, files, diagnostics);
  const IpFamily cidr_family = options.service_cidr.base.v6 ? IpFamily::kIPv6 : IpFamily::kIPv4;
  for (size_t i = 0; i < services.size(); ++i) {
    // Changes only the Services that need it: the rest stay shared with the file cache.
    if (lacks_families(services[i])) fill_families(services.mutate(i), cidr_family);
    if (!needs_cluster_ip(services[i]) || !services[i].cluster_ips.empty()) continue;
    const Service& service = services[i];
    if (service.ip_families.front() != cidr_family) {
      diagnostics.push_back(diagnostic_at(
          files, service.where, Diagnostic::Severity::kError,
          "Service " + service.namespace_name + "/" + service.name + " asks for an " +
              ip_family_name(service.ip_families.front()) + " ClusterIP but --service-cidr " +
              options.service_cidr.to_string() + " is " + ip_family_name(cidr_family)));
      continue;
    }
    auto ip =
        pool.allocate(cluster_ip_start_offset(service.namespace_name, service.name, pool.size()));
    if (!ip) {
      diagnostics.push_back(diagnostic_at(files, service.where, Diagnostic::Severity::kError,
                                          "no free ClusterIP left in --service-cidr " +
                                              options.service_cidr.to_string() + " for Service " +
                                              service.namespace_name + "/" + service.name));
      continue;
    }
    Service& allocated = services.mutate(i);
    allocated.cluster_ips.push_back(*ip);
    allocated.cluster_ip_allocated = true;
  }
}

void allocate_node_ports(SharedList<Service>& services) {
  std::set<uint16_t> taken;
  for (const auto& service : services) {
    for (const auto& port : service.ports) {
      if (port.node_port != 0) taken.insert(port.node_port);
    }
  }
  for (size_t i = 0; i < services.size(); ++i) {
    const Service& shared = services[i];
    if (shared.type != ServiceType::kNodePort && shared.type != ServiceType::kLoadBalancer) {
      continue;
    }
    if (std::all_of(shared.ports.begin(), shared.ports.end(),
                    [](const ServicePort& port) { return port.node_port != 0; })) {
      continue;
    }
    Service& service = services.mutate(i);
    auto& ports = service.ports.mutate();
    for (auto& port : ports) {
      if (port.node_port != 0) continue;
      for (const auto& sibling : ports) {
        if (sibling.port == port.port && sibling.node_port != 0) port.node_port = sibling.node_port;
      }
      if (port.node_port != 0) continue;
      const uint64_t start =
          fnv1a64(service.namespace_name + "/" + service.name + "/" + std::to_string(port.port) +
                  "/" + protocol_name(port.protocol)) %
          kNodePortCount;
      for (uint16_t step = 0; step < kNodePortCount; ++step) {
        const auto candidate =
            static_cast<uint16_t>(kNodePortMin + (start + step) % kNodePortCount);
        if (taken.insert(candidate).second) {
          port.node_port = candidate;
          break;
        }
      }
    }
  }
}

}  // namespace clusterdns::registry
