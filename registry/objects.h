#pragma once
// The Kubernetes objects the registry understands, after parsing, defaulting and
// validation. Only the fields DNS needs are kept (the YAML tree is never stored).
// Every object remembers where it came from, so later diagnostics can name it.

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "registry/compact_string.h"
#include "registry/compact_vector.h"
#include "registry/ip_address.h"
#include "registry/ip_list.h"
#include "registry/labels.h"
#include "registry/shared_array.h"
#include "registry/shared_list.h"
#include "registry/shared_value.h"

namespace clusterdns::registry {

// Index into ClusterState::files plus a 1-based line and column.
struct SourceRef {
  uint32_t file = 0;
  uint32_t line = 0;
  uint32_t column = 0;
  friend bool operator==(const SourceRef&, const SourceRef&) = default;
};

// A 1-based line and column in a file known from elsewhere.
struct SourcePosition {
  uint32_t line = 0;
  uint32_t column = 0;
  friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

enum class Protocol : uint8_t { kTcp, kUdp, kSctp };
const char* protocol_name(Protocol protocol);  // "TCP", "UDP", "SCTP"

struct Namespace {
  std::string name;
  SourceRef where;
  friend bool operator==(const Namespace&, const Namespace&) = default;
};

enum class ServiceType : uint8_t { kClusterIP, kNodePort, kLoadBalancer, kExternalName };
const char* service_type_name(ServiceType type);  // "ClusterIP", ...

enum class IpFamily : uint8_t { kIPv4, kIPv6 };
const char* ip_family_name(IpFamily family);  // "IPv4", "IPv6"

// A Service's IP families, primary first. There are two families and each is listed at
// most once, so they fit in place: no heap vector per Service (issue 8).
class IpFamilies {
 public:
  IpFamilies() = default;
  IpFamilies(std::initializer_list<IpFamily> families) {
    for (const IpFamily family : families) push_back(family);
  }
  const IpFamily* begin() const { return families_.data(); }
  const IpFamily* end() const { return families_.data() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  IpFamily front() const { return families_[0]; }
  IpFamily operator[](size_t i) const { return families_[i]; }
  // A family listed already is not listed again.
  void push_back(IpFamily family) {
    if (std::find(begin(), end(), family) == end()) families_[size_++] = family;
  }
  friend bool operator==(const IpFamilies& a, const IpFamilies& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::array<IpFamily, 2> families_{};
  uint8_t size_ = 0;
};

struct ServicePort {
  std::string name;  // may be empty when the Service has a single port
  Protocol protocol = Protocol::kTcp;
  uint16_t port = 0;
  // targetPort: a number, or a name resolved against each pod's container ports.
  uint16_t target_port = 0;
  std::string target_port_name;
  uint16_t node_port = 0;  // 0 when unset
  friend bool operator==(const ServicePort&, const ServicePort&) = default;
  friend auto operator<=>(const ServicePort&, const ServicePort&) = default;
};

// What only some Services set: kept apart, they cost others one pointer (issue 8).
struct ServiceExternal {
  CompactString name;            // spec.externalName, ExternalName only
  SharedArray<std::string> ips;  // spec.externalIPs, for `get services`
  friend bool operator==(const ServiceExternal&, const ServiceExternal&) = default;
};

// Names are CompactStrings (issue 8): the objects of one file share their namespace's,
// and the derived Endpoints share their Service's. The fields are ordered so that they
// pack without padding, the flags in bits: the count of holders (shared_object.h) fits
// in their last four octets, and the whole in a 112-octet heap block instead of 144.
struct Service {
  CompactString namespace_name;
  CompactString name;
  Labels labels;  // metadata.labels
  SharedArray<ServicePort> ports;
  SharedValue<ServiceExternal> external;  // mostly unset: then no heap block
  std::optional<Labels> selector;         // nullopt: no selector (endpoints come from objects)
  ServiceType type : 2 = ServiceType::kClusterIP;
  bool headless : 1 = false;              // clusterIP: None
  bool cluster_ip_allocated : 1 = false;  // true when the registry chose the address
  bool prefer_dual_stack : 1 = false;     // ipFamilyPolicy PreferDualStack/RequireDualStack
  bool publish_not_ready_addresses : 1 = false;
  bool synthesized : 1 = false;  // default/kubernetes made up by the registry
  // spec.ipFamilies, else the families of the ClusterIPs, else the service CIDR's family
  // (requireDualStack/preferDualStack headless Services get both).
  IpFamilies ip_families;
  IpList cluster_ips;  // explicit or allocated; empty when headless/ExternalName
  SourceRef where;
  // The clusterIP(s) node, for duplicate reports; in the Service's own file (where.file).
  SourcePosition cluster_ip_at;
  SourceRef cluster_ip_where() const {
    return {where.file, cluster_ip_at.line, cluster_ip_at.column};
  }
  friend bool operator==(const Service&, const Service&) = default;
};
static_assert(ServiceType::kExternalName <= ServiceType{3}, "Service::type holds two bits");

struct ContainerPort {
  std::string name;
  uint16_t port = 0;
  Protocol protocol = Protocol::kTcp;
  friend bool operator==(const ContainerPort&, const ContainerPort&) = default;
  friend auto operator<=>(const ContainerPort&, const ContainerPort&) = default;
};

enum class PodPhase : uint8_t { kPending, kRunning, kSucceeded, kFailed, kUnknown };

// The fields of a Pod that are mostly equal for all pods of a workload: its pods share
// one copy (compact_objects.h), and a Pod keeps one pointer for them all (issue 8).
struct PodDetails {
  CompactString hostname;   // spec.hostname
  CompactString subdomain;  // spec.subdomain
  SharedArray<ContainerPort> ports;
  // For `get pods`: spec.containers count, ready ones and restarts from containerStatuses.
  uint16_t containers = 0;
  uint16_t ready_containers = 0;
  int32_t restarts = 0;
  friend bool operator==(const PodDetails&, const PodDetails&) = default;
  friend auto operator<=>(const PodDetails&, const PodDetails&) = default;
};

// Ordered by alignment, so that the 74 octets of fields take 80 with the last six free:
// the count of holders (shared_object.h) goes there, and a Pod in a file's batch
// (object_arena.h) takes 80 octets (issue 8).
struct Pod {
  CompactString namespace_name;
  CompactString name;
  Labels labels;
  CompactString node_name;          // spec.nodeName
  SharedValue<PodDetails> details;  // read as pod.details->hostname
  SourceRef where;
  IpList ips;                  // status.podIPs (or podIP), primary first
  PodPhase phase = PodPhase::kPending;
  bool ready = false;          // Ready condition is "True"
  bool terminating = false;    // metadata.deletionTimestamp set
  bool simulated = false;      // made up by --simulate-pods
  friend bool operator==(const Pod&, const Pod&) = default;
};

struct EndpointAddress {
  IpAddress ip;
  CompactString hostname;
  CompactString node_name;
  CompactString target_pod;  // pod name, empty when unknown
  friend bool operator==(const EndpointAddress&, const EndpointAddress&) = default;
};

struct EndpointPort {
  std::string name;
  uint16_t port = 0;
  Protocol protocol = Protocol::kTcp;
  friend bool operator==(const EndpointPort&, const EndpointPort&) = default;
  friend auto operator<=>(const EndpointPort&, const EndpointPort&) = default;
};

// The lists are CompactVectors (8 octets each, nothing on the heap when empty): most
// derived Endpoints have no subsets at all, the rest exactly one (issue 8).
struct EndpointSubset {
  CompactVector<EndpointAddress> addresses;
  CompactVector<EndpointAddress> not_ready_addresses;
  // Equal port lists share one array: a namespace's derived Endpoints mostly list the
  // same few ports (issue 8).
  SharedArray<EndpointPort> ports;
  friend bool operator==(const EndpointSubset&, const EndpointSubset&) = default;
};

// An Endpoints object, given in a manifest or derived by the endpoints controller.
struct Endpoints {
  CompactString namespace_name;
  CompactString name;
  CompactVector<EndpointSubset> subsets;
  SourceRef where;
  friend bool operator==(const Endpoints&, const Endpoints&) = default;
};

// discovery.k8s.io/v1 EndpointSlice.
struct EndpointSlice {
  std::string namespace_name;
  std::string name;
  std::string service_name;  // label kubernetes.io/service-name
  struct Endpoint {
    std::vector<IpAddress> addresses;
    bool ready = true;        // conditions.ready; unset means ready
    bool terminating = false;
    std::string hostname;
    std::string node_name;
    std::string target_pod;
    friend bool operator==(const Endpoint&, const Endpoint&) = default;
  };
  std::vector<Endpoint> endpoints;
  std::vector<EndpointPort> ports;
  SourceRef where;
  friend bool operator==(const EndpointSlice&, const EndpointSlice&) = default;
};

struct LabelSelectorRequirement {
  enum class Operator : uint8_t { kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Operator op = Operator::kIn;
  std::vector<std::string> values;
  friend bool operator==(const LabelSelectorRequirement&, const LabelSelectorRequirement&) = default;
};

struct LabelSelector {
  Labels match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;
  bool matches(const Labels& labels) const;
  friend bool operator==(const LabelSelector&, const LabelSelector&) = default;
};

enum class WorkloadKind : uint8_t { kDeployment, kReplicaSet, kStatefulSet, kDaemonSet };
const char* workload_kind_name(WorkloadKind kind);

struct Workload {
  WorkloadKind kind = WorkloadKind::kDeployment;
  std::string namespace_name;
  std::string name;
  int32_t replicas = 1;          // DaemonSet: ignored (one per simulated node)
  LabelSelector selector;
  Labels template_labels;
  SharedArray<ContainerPort> template_ports;
  std::string template_hostname;
  std::string template_subdomain;
  std::string service_name;      // StatefulSet spec.serviceName
  SourceRef where;
  friend bool operator==(const Workload&, const Workload&) = default;
};

// Whether the Service's endpoints come from its selector: then it has Endpoints even
// when no pod matches, and ClusterState::endpoints leaves those empty ones out.
bool endpoints_from_selector(const Service& service);
// The Endpoints of a Service whose selector picks no address.
Endpoints empty_endpoints(const Service& service);

// Everything loaded from one manifests directory, defaulted and validated, plus the
// endpoints derived for every Service (DESIGN.md §2).
struct ClusterState {
  std::vector<std::string> files;  // SourceRef::file indexes this
  SharedList<Namespace> namespaces;
  SharedList<Service> services;              // sorted by (namespace, name)
  SharedList<Pod> pods;                      // sorted by (namespace, name); simulated included
  SharedList<Endpoints> endpoint_objects;    // as given in manifests
  SharedList<EndpointSlice> endpoint_slices; // as given in manifests
  SharedList<Workload> workloads;
  // One entry per Service that has endpoints, sorted by (namespace, name): derived
  // from the selector, else EndpointSlices, else the Endpoints object. A Service whose
  // selector picks no address has no entry: its Endpoints would be empty, and keeping
  // 24k empty ones cost 27 B/object at 50k (issue 8). DNS answers the same for an empty
  // and an absent entry; find_endpoints and listed_endpoints show the empty ones.
  SharedList<Endpoints> endpoints;

  const Service* find_service(std::string_view ns, std::string_view name) const;
  // A Service's Endpoints, empty ones included (a copy: those are not kept).
  std::optional<Endpoints> find_endpoints(std::string_view ns, std::string_view name) const;
  // Every Service's Endpoints, empty ones included, sorted by (namespace, name): what
  // `kubectl get endpoints` lists. For printing; built on each call.
  SharedList<Endpoints> listed_endpoints() const;
  // A namespace exists when a Namespace object names it or any object lives in it;
  // "default" always exists.
  bool namespace_exists(std::string_view ns) const;
  friend bool operator==(const ClusterState&, const ClusterState&) = default;
};

}  // namespace clusterdns::registry
