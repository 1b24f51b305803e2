#pragma once
// The Kubernetes endpoints controller (pkg/controller/endpoint), applied to manifests:
// which pod addresses and ports a Service's Endpoints hold.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "registry/objects.h"

namespace clusterdns::registry {

// Endpoints of a Service with a selector, from `pods` (any order; other namespaces are
// ignored). Subsets are repacked like endpoints.RepackSubsets: one subset per distinct
// port set, addresses sorted by IP text (as the controller compares them).
Endpoints derive_endpoints(const Service& service, const std::vector<const Pod*>& pods);

// Endpoints of a Service without a selector from its EndpointSlices (already filtered
// to those labelled with the Service's name, same namespace).
Endpoints endpoints_from_slices(const Service& service,
                                const std::vector<const EndpointSlice*>& slices);

// One Endpoints per Service that has endpoints: selector → derived from state.pods;
// else its EndpointSlices; else its Endpoints object. ExternalName Services get none,
// nor do Services whose selector picks no address (ClusterState::endpoints).
// Sorted by (namespace, name). state.services and state.pods must be sorted.
SharedList<Endpoints> derive_all_endpoints(const ClusterState& state);

// The same, reusing `previous` (a state assembled before, with its endpoints) for every
// namespace whose Services, Pods, EndpointSlices and Endpoints objects are all equal
// in both states: a namespace's endpoints depend on nothing else, so the result equals
// derive_all_endpoints(state). A one-pod change re-derives one namespace (issue 6).
SharedList<Endpoints> derive_all_endpoints(const ClusterState& state,
                                           const ClusterState& previous);

// What changed in some namespaces since state.endpoints was derived: the labels of
// pods removed or added, and the Services whose EndpointSlices or Endpoints object
// changed (by name).
struct EndpointsChange {
  struct InNamespace {
    std::vector<Labels> pod_labels;
    std::set<std::string, std::less<>> services;
  };
  std::map<std::string, InNamespace> namespaces;
};

// Re-derives, in place, the endpoints that `change` can affect: the Services selecting
// a changed pod (old or new labels) or named by a changed slice or Endpoints object, or
// every Service of a namespace with many changes. The rest of state.endpoints is left
// as it is: the result equals derive_all_endpoints(state) when state.endpoints was
// derived before the change. A one-pod change costs the few Services that select it,
// not its namespace (issue 6).
void rederive_endpoints(ClusterState& state, const EndpointsChange& change);

}  // namespace clusterdns::registry
