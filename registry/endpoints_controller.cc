#include "registry/endpoints_controller.h"

#include <algorithm>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace clusterdns::registry {

namespace {

IpFamily family_of(const IpAddress& ip) {
  return ip.v6 ? IpFamily::kIPv6 : IpFamily::kIPv4;
}

// podutil.FindPort: a numeric targetPort is used as is; a named one must match a
// container port with that name and the Service port's protocol.
std::optional<uint16_t> find_port(const Pod& pod, const ServicePort& port) {
  if (port.target_port_name.empty()) return port.target_port;
  for (const auto& container_port : pod.details->ports) {
    if (container_port.name == port.target_port_name && container_port.protocol == port.protocol) {
      return container_port.port;
    }
  }
  return std::nullopt;
}

// endpointutil.ShouldPodBeInEndpoints.
bool should_pod_be_in_endpoints(const Pod& pod, bool include_terminating) {
  if (pod.ips.empty()) return false;
  if (!include_terminating && pod.terminating) return false;
  return pod.phase != PodPhase::kSucceeded && pod.phase != PodPhase::kFailed;
}

struct AddressKey {
  EndpointAddress address;
  bool ready = false;
  friend bool operator<(const AddressKey& a, const AddressKey& b) {
    return std::tie(a.address.ip, a.address.target_pod, a.address.hostname, a.ready) <
           std::tie(b.address.ip, b.address.target_pod, b.address.hostname, b.ready);
  }
};

using PortKey = std::tuple<std::string, uint16_t, Protocol>;

// Collects (address, port) pairs, then groups addresses that share the same port set
// into one subset: endpoints.RepackSubsets.
class SubsetPacker {
 public:
  // `port` null: an address without ports. (A pointer, not a std::optional: g++ 12 warns
  // of a maybe-uninitialized optional here once CompactString::view() inlines.)
  void add(const EndpointAddress& address, bool ready, const EndpointPort* port) {
    auto& ports = ports_by_address_[AddressKey{address, ready}];
    if (port) ports.push_back(*port);
  }

  CompactVector<EndpointSubset> pack() && {
    std::map<std::vector<PortKey>, EndpointSubset> by_ports;
    std::vector<std::vector<PortKey>> order;  // first appearance keeps the Service's port order
    for (auto& [key, ports] : ports_by_address_) {
      std::vector<PortKey> port_keys;
      for (const auto& port : ports) port_keys.emplace_back(port.name, port.port, port.protocol);
      auto [it, inserted] = by_ports.try_emplace(port_keys);
      if (inserted) {
        it->second.ports = ports;
        order.push_back(port_keys);
      }
      (key.ready ? it->second.addresses : it->second.not_ready_addresses).push_back(key.address);
    }
    std::sort(order.begin(), order.end());
    CompactVector<EndpointSubset> subsets;
    subsets.reserve(order.size());
    for (const auto& port_keys : order) {
      EndpointSubset subset = std::move(by_ports[port_keys]);
      sort_addresses(subset.addresses);
      sort_addresses(subset.not_ready_addresses);
      subsets.push_back(std::move(subset));
    }
    return subsets;
  }

 private:
  // LessEndpointAddress compares the IP strings byte by byte, then the target.
  // Leaves exactly the room needed: the addresses are kept for long (issue 8).
  static void sort_addresses(CompactVector<EndpointAddress>& addresses) {
    std::vector<std::pair<std::string, EndpointAddress>> keyed;
    keyed.reserve(addresses.size());
    for (auto& address : addresses) keyed.emplace_back(address.ip.to_string(), std::move(address));
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first, a.second.target_pod) < std::tie(b.first, b.second.target_pod);
    });
    addresses.clear();
    addresses.reserve(keyed.size());
    for (auto& entry : keyed) addresses.push_back(std::move(entry.second));
  }

  std::map<AddressKey, std::vector<EndpointPort>> ports_by_address_;
};

void add_pod(const Service& service, const Pod& pod, SubsetPacker& packer) {
  const bool tolerate_unready = service.publish_not_ready_addresses;
  if (!should_pod_be_in_endpoints(pod, tolerate_unready)) return;
  const bool ready = tolerate_unready || pod.ready;
  for (const auto& ip : pod.ips) {
    if (std::find(service.ip_families.begin(), service.ip_families.end(), family_of(ip)) ==
        service.ip_families.end()) {
      continue;
    }
    EndpointAddress address;
    address.ip = ip;
    address.node_name = pod.node_name;
    address.target_pod = pod.name;
    if (!pod.details->hostname.empty() && pod.details->subdomain == service.name) {
      address.hostname = pod.details->hostname;
    }
    if (service.ports.empty()) {
      // Headless Services may have no ports: addresses without ports.
      if (service.headless) packer.add(address, ready, nullptr);
      continue;
    }
    for (const auto& port : service.ports) {
      auto number = find_port(pod, port);
      if (!number) continue;  // this pod lacks the named port: left out for this port
      const EndpointPort endpoint_port{port.name, *number, port.protocol};
      packer.add(address, ready, &endpoint_port);
    }
  }
}

// Whether the Service's selector picks pods with these labels (an absent or empty
// selector picks none).
bool selects(const Service& service, const Labels& labels) {
  if (!service.selector || service.selector->empty()) return false;
  return std::all_of(service.selector->begin(), service.selector->end(), [&](const auto& entry) {
    auto label = labels.find(entry.first);
    return label != labels.end() && label->second == entry.second;
  });
}

// Candidate pods per (namespace, label, value): a selector only scans the pods that
// carry its first label, so 10k Services over 40k pods stay linear.
class PodIndex {
 public:
  explicit PodIndex(const std::vector<const Pod*>& pods) {
    for (const Pod* pod : pods) {
      for (const auto& [key, value] : pod->labels)
        by_label_[make_key(pod->namespace_name, key, value)].push_back(pod);
    }
  }
  std::vector<const Pod*> select(const Service& service) const {
    std::vector<const Pod*> selected;
    const auto& selector = *service.selector;
    const auto& [key, value] = *selector.begin();
    auto it = by_label_.find(make_key(service.namespace_name, key, value));
    if (it == by_label_.end()) return selected;
    for (const Pod* pod : it->second) {
      if (selects(service, pod->labels)) selected.push_back(pod);
    }
    return selected;
  }

 private:
  static std::string make_key(std::string_view ns, std::string_view key,
                              std::string_view value) {
    std::string text;
    text.reserve(ns.size() + key.size() + value.size() + 2);
    text.append(ns).push_back('\0');
    text.append(key).push_back('\0');
    text.append(value);
    return text;
  }
  std::unordered_map<std::string, std::vector<const Pod*>> by_label_;
};

}  // namespace

Endpoints derive_endpoints(const Service& service, const std::vector<const Pod*>& pods) {
  Endpoints endpoints = empty_endpoints(service);
  if (!service.selector || service.selector->empty()) return endpoints;
  SubsetPacker packer;
  for (const Pod* pod : pods) {
    if (pod->namespace_name != service.namespace_name) continue;
    if (selects(service, pod->labels)) add_pod(service, *pod, packer);
  }
  endpoints.subsets = std::move(packer).pack();
  return endpoints;
}

Endpoints endpoints_from_slices(const Service& service,
                                const std::vector<const EndpointSlice*>& slices) {
  Endpoints endpoints = empty_endpoints(service);
  SubsetPacker packer;
  for (const EndpointSlice* slice : slices) {
    for (const auto& endpoint : slice->endpoints) {
      for (const auto& ip : endpoint.addresses) {
        EndpointAddress address{ip, endpoint.hostname, endpoint.node_name, endpoint.target_pod};
        if (slice->ports.empty()) packer.add(address, endpoint.ready, nullptr);
        for (const auto& port : slice->ports) packer.add(address, endpoint.ready, &port);
      }
    }
  }
  endpoints.subsets = std::move(packer).pack();
  return endpoints;
}

namespace {

// The objects of one namespace in a vector sorted by (namespace, name).
template <class T>
SharedRange<T> in_namespace(const SharedList<T>& items, std::string_view ns) {
  const auto begin =
      std::lower_bound(items.begin(), items.end(), ns, [](const T& item, std::string_view name) {
        return std::string_view(item.namespace_name) < name;
      });
  auto end = begin;
  while (end != items.end() && end->namespace_name == ns) ++end;
  return {begin, end};
}

// Equal runs; objects both states share are equal without looking inside.
template <class Range>
bool same(const Range& a, const Range& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const auto& x, const auto& y) { return &x == &y || x == y; });
}

// The Endpoints of one namespace mostly list the same few ports: they share one array
// each (issue 8).
Endpoints with_shared_ports(Endpoints endpoints, SharingPool<SharedArray<EndpointPort>>& pool) {
  for (EndpointSubset& subset : endpoints.subsets) {
    if (!subset.ports.empty()) subset.ports = pool.canonical(subset.ports);
  }
  return endpoints;
}

// Endpoints of the Services in `services` (one namespace), in their order; empty ones
// derived from a selector are left out (ClusterState::endpoints).
void derive_services(SharedRange<Service> services, const PodIndex& index,
                     const ClusterState& state, SharedList<Endpoints>& all) {
  if (services.empty()) return;
  const std::string_view ns = services.front().namespace_name;
  std::map<std::string_view, std::vector<const EndpointSlice*>> slices;
  for (const auto& slice : in_namespace(state.endpoint_slices, ns)) {
    slices[slice.service_name].push_back(&slice);
  }
  std::map<std::string_view, const SharedObject<Endpoints>*> objects;
  const auto given = in_namespace(state.endpoint_objects, ns);
  for (auto it = given.begin(); it != given.end(); ++it) objects[it->name] = &it.shared();
  SharingPool<SharedArray<EndpointPort>> ports;
  for (const auto& service : services) {
    if (service.type == ServiceType::kExternalName) continue;
    if (endpoints_from_selector(service)) {
      Endpoints derived = derive_endpoints(service, index.select(service));
      if (!derived.subsets.empty()) all.push_back(with_shared_ports(std::move(derived), ports));
    } else if (auto it = slices.find(service.name); it != slices.end()) {
      all.push_back(with_shared_ports(endpoints_from_slices(service, it->second), ports));
    } else if (auto object = objects.find(service.name); object != objects.end()) {
      all.push_shared(*object->second);
    }
  }
}

SharedList<Endpoints> derive(const ClusterState& state, const ClusterState* previous) {
  SharedList<Endpoints> all;
  all.reserve(state.services.size());
  std::vector<SharedRange<Service>> to_derive;
  for (size_t i = 0; i < state.services.size();) {
    const std::string_view ns = state.services[i].namespace_name;
    size_t end = i;
    while (end < state.services.size() && state.services[end].namespace_name == ns) ++end;
    const SharedRange<Service> services(state.services.begin() + static_cast<std::ptrdiff_t>(i),
                                        state.services.begin() + static_cast<std::ptrdiff_t>(end));
    i = end;
    if (previous != nullptr && same(services, in_namespace(previous->services, ns)) &&
        same(in_namespace(state.pods, ns), in_namespace(previous->pods, ns)) &&
        same(in_namespace(state.endpoint_slices, ns),
             in_namespace(previous->endpoint_slices, ns)) &&
        same(in_namespace(state.endpoint_objects, ns),
             in_namespace(previous->endpoint_objects, ns))) {
      const auto reused = in_namespace(previous->endpoints, ns);
      all.append(reused.begin(), reused.end());
      continue;
    }
    to_derive.push_back(services);
  }
  if (to_derive.empty()) {
    all.shrink_to_fit();
    return all;
  }
  std::vector<const Pod*> pods;
  for (const auto& services : to_derive) {
    for (const auto& pod : in_namespace(state.pods, services.front().namespace_name)) {
      pods.push_back(&pod);
    }
  }
  // Only the pods of re-derived namespaces are indexed: indexing is a good part of the cost.
  const PodIndex index(pods);
  const bool reused_any = !all.empty();
  for (const auto& services : to_derive) derive_services(services, index, state, all);
  // Room was reserved for every Service; about half have Endpoints to keep (issue 8).
  all.shrink_to_fit();
  if (!reused_any) return all;
  // Reused and derived namespaces were appended in two passes: back to (namespace, name).
  all.stable_sort([](const Endpoints& a, const Endpoints& b) {
    return std::tie(a.namespace_name, a.name) < std::tie(b.namespace_name, b.name);
  });
  return all;
}

}  // namespace

SharedList<Endpoints> derive_all_endpoints(const ClusterState& state) {
  return derive(state, nullptr);
}

SharedList<Endpoints> derive_all_endpoints(const ClusterState& state,
                                           const ClusterState& previous) {
  return derive(state, &previous);
}

namespace {

// Past this many changed pods or affected Services, re-deriving the whole namespace with
// a PodIndex is cheaper than scanning its pods once per Service.
constexpr size_t kMaxChangedPods = 16;
constexpr size_t kMaxAffectedServices = 16;

// derive_services for one Service: nullopt when it has no endpoints kept.
std::optional<Endpoints> endpoints_of(const Service& service, const ClusterState& state) {
  if (service.type == ServiceType::kExternalName) return std::nullopt;
  const std::string_view ns = service.namespace_name;
  if (endpoints_from_selector(service)) {
    std::vector<const Pod*> pods;
    for (const auto& pod : in_namespace(state.pods, ns)) pods.push_back(&pod);
    Endpoints derived = derive_endpoints(service, pods);
    if (derived.subsets.empty()) return std::nullopt;
    return derived;
  }
  std::vector<const EndpointSlice*> slices;
  for (const auto& slice : in_namespace(state.endpoint_slices, ns)) {
    if (slice.service_name == service.name) slices.push_back(&slice);
  }
  if (!slices.empty()) return endpoints_from_slices(service, slices);
  for (const auto& object : in_namespace(state.endpoint_objects, ns)) {
    if (object.name == service.name) return object;
  }
  return std::nullopt;
}

void replace_namespace(ClusterState& state, const std::string& ns) {
  const auto services = in_namespace(state.services, ns);
  SharedList<Endpoints> derived;
  if (!services.empty()) {
    std::vector<const Pod*> pods;
    for (const auto& pod : in_namespace(state.pods, ns)) pods.push_back(&pod);
    derive_services(services, PodIndex(pods), state, derived);
  }
  const auto old = in_namespace(state.endpoints, ns);
  const auto at = state.endpoints.erase(old.begin(), old.end());
  state.endpoints.insert_range(at, derived.begin(), derived.end());
}

void replace_service(ClusterState& state, const Service& service) {
  std::optional<Endpoints> derived = endpoints_of(service, state);
  auto& all = state.endpoints;
  const auto at =
      std::lower_bound(all.begin(), all.end(), service, [](const Endpoints& e, const Service& s) {
        return std::tie(e.namespace_name, e.name) < std::tie(s.namespace_name, s.name);
      });
  const bool present =
      at != all.end() && at->namespace_name == service.namespace_name && at->name == service.name;
  if (present && derived) {
    all.mutate(static_cast<size_t>(at - all.begin())) = std::move(*derived);
  } else if (present) {
    all.erase(at);
  } else if (derived) {
    all.insert(at, std::move(*derived));
  }
}

}  // namespace

void rederive_endpoints(ClusterState& state, const EndpointsChange& change) {
  for (const auto& [ns, changed] : change.namespaces) {
    if (changed.pod_labels.size() > kMaxChangedPods) {
      replace_namespace(state, ns);
      continue;
    }
    std::vector<const Service*> affected;
    for (const auto& service : in_namespace(state.services, ns)) {
      const bool selected =
          std::any_of(changed.pod_labels.begin(), changed.pod_labels.end(),
                      [&](const Labels& labels) { return selects(service, labels); });
      if (selected || changed.services.count(service.name.view()) != 0) {
        affected.push_back(&service);
      }
    }
    if (affected.size() > kMaxAffectedServices) {
      replace_namespace(state, ns);
      continue;
    }
    for (const Service* service : affected) replace_service(state, *service);
  }
}

}  // namespace clusterdns::registry
