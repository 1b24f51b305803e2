#include "registry/objects.h"

#include <algorithm>
#include <tuple>

namespace clusterdns::registry {

const char* protocol_name(Protocol protocol) {
  switch (protocol) {
    case Protocol::kTcp:
      return "TCP";
    case Protocol::kUdp:
      return "UDP";
    case Protocol::kSctp:
      return "SCTP";
  }
  return "TCP";
}

const char* service_type_name(ServiceType type) {
  switch (type) {
    case ServiceType::kClusterIP:
      return "ClusterIP";
    case ServiceType::kNodePort:
      return "NodePort";
    case ServiceType::kLoadBalancer:
      return "LoadBalancer";
    case ServiceType::kExternalName:
      return "ExternalName";
  }
  return "ClusterIP";
}

const char* ip_family_name(IpFamily family) {
  return family == IpFamily::kIPv6 ? "IPv6" : "IPv4";
}

const char* workload_kind_name(WorkloadKind kind) {
  switch (kind) {
    case WorkloadKind::kDeployment:
      return "Deployment";
    case WorkloadKind::kReplicaSet:
      return "ReplicaSet";
    case WorkloadKind::kStatefulSet:
      return "StatefulSet";
    case WorkloadKind::kDaemonSet:
      return "DaemonSet";
  }
  return "Deployment";
}

namespace {

bool requirement_matches(const LabelSelectorRequirement& requirement, const Labels& labels) {
  auto it = labels.find(requirement.key);
  const bool has = it != labels.end();
  const auto in_values = [&] {
    return has && std::find(requirement.values.begin(), requirement.values.end(), it->second) !=
                      requirement.values.end();
  };
  switch (requirement.op) {
    case LabelSelectorRequirement::Operator::kIn:
      return in_values();
    case LabelSelectorRequirement::Operator::kNotIn:
      return !in_values();
    case LabelSelectorRequirement::Operator::kExists:
      return has;
    case LabelSelectorRequirement::Operator::kDoesNotExist:
      return !has;
  }
  return false;
}

// Binary search in a vector sorted by (namespace, name).
template <class T>
const T* find_sorted(const SharedList<T>& items, std::string_view ns, std::string_view name) {
  auto it = std::lower_bound(items.begin(), items.end(), std::tie(ns, name),
                             [](const T& item, const auto& key) {
                               return std::tie(item.namespace_name, item.name) < key;
                             });
  if (it == items.end() || it->namespace_name != ns || it->name != name) return nullptr;
  return &*it;
}

}  // namespace

// metav1.LabelSelector semantics: every matchLabels pair and every expression must hold.
bool LabelSelector::matches(const Labels& labels) const {
  for (const auto& [key, value] : match_labels) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return std::all_of(
      match_expressions.begin(), match_expressions.end(),
      [&](const auto& requirement) { return requirement_matches(requirement, labels); });
}

const Service* ClusterState::find_service(std::string_view ns, std::string_view name) const {
  return find_sorted(services, ns, name);
}

bool endpoints_from_selector(const Service& service) {
  return service.type != ServiceType::kExternalName && service.selector &&
         !service.selector->empty();
}

Endpoints empty_endpoints(const Service& service) {
  Endpoints endpoints;
  endpoints.namespace_name = service.namespace_name;
  endpoints.name = service.name;
  endpoints.where = service.where;
  return endpoints;
}

std::optional<Endpoints> ClusterState::find_endpoints(std::string_view ns,
                                                      std::string_view name) const {
  if (const Endpoints* kept = find_sorted(endpoints, ns, name)) return *kept;
  const Service* service = find_service(ns, name);
  if (service != nullptr && endpoints_from_selector(*service)) return empty_endpoints(*service);
  return std::nullopt;
}

SharedList<Endpoints> ClusterState::listed_endpoints() const {
  // Both lists are sorted by (namespace, name): merged in one walk.
  const auto key = [](const auto& item) {
    return std::tuple<std::string_view, std::string_view>(item.namespace_name, item.name);
  };
  SharedList<Endpoints> listed;
  listed.reserve(services.size());
  auto next = endpoints.begin();
  for (const Service& service : services) {
    while (next != endpoints.end() && key(*next) < key(service)) {
      listed.push_shared(next++.shared());
    }
    if (next != endpoints.end() && key(*next) == key(service)) {
      listed.push_shared(next++.shared());
    } else if (endpoints_from_selector(service)) {
      listed.push_back(empty_endpoints(service));
    }
  }
  while (next != endpoints.end()) listed.push_shared(next++.shared());
  return listed;
}

bool ClusterState::namespace_exists(std::string_view ns) const {
  if (ns == "default") return true;
  const auto in = [&](const auto& items) {
    return std::any_of(items.begin(), items.end(),
                       [&](const auto& item) { return item.namespace_name == ns; });
  };
  return std::any_of(namespaces.begin(), namespaces.end(),
                     [&](const Namespace& item) { return item.name == ns; }) ||
         in(services) || in(pods) || in(endpoint_objects) || in(endpoint_slices) || in(workloads);
}

}  // namespace clusterdns::registry
