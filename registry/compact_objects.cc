#include "registry/compact_objects.h"

#include "registry/compact_string.h"
#include "registry/labels.h"
#include "registry/shared_array.h"
#include "registry/shared_value.h"

namespace clusterdns::registry {

namespace {

// Points the value `get` picks at the pool's equal one. Objects reused from an earlier
// parse often share it already and are then left alone (changing them would copy them).
template <class T, class Value, class Get>
void share(SharedList<T>& items, SharingPool<Value>& pool, Get get) {
  for (size_t i = 0; i < items.size(); ++i) {
    const Value* value = get(items[i]);
    if (value == nullptr || value->empty()) continue;
    const Value& canonical = pool.canonical(*value);
    if (!canonical.shares_with(*value)) *get(items.mutate(i)) = canonical;
  }
}

}  // namespace

void compact_objects(FileObjects& file) {
  // A file most often holds one namespace's objects: they share its name.
  SharingPool<CompactString> namespaces;
  share(file.services, namespaces, [](auto& service) { return &service.namespace_name; });
  share(file.pods, namespaces, [](auto& pod) { return &pod.namespace_name; });
  share(file.endpoint_objects, namespaces, [](auto& object) { return &object.namespace_name; });
  SharingPool<Labels> labels;
  share(file.pods, labels, [](auto& pod) { return &pod.labels; });
  share(file.services, labels, [](auto& service) { return &service.labels; });
  // A Service's selector is most often its own labels.
  share(file.services, labels,
        [](auto& service) { return service.selector ? &*service.selector : nullptr; });
  share(file.workloads, labels, [](auto& workload) { return &workload.template_labels; });
  SharingPool<SharedArray<ServicePort>> service_ports;
  share(file.services, service_ports, [](auto& service) { return &service.ports; });
  SharingPool<SharedArray<ContainerPort>> container_ports;
  for (size_t i = 0; i < file.pods.size(); ++i) {
    const SharedArray<ContainerPort>& ports = file.pods[i].details->ports;
    if (ports.empty()) continue;
    const SharedArray<ContainerPort>& canonical = container_ports.canonical(ports);
    if (!canonical.shares_with(ports)) file.pods.mutate(i).details.mutate().ports = canonical;
  }
  share(file.workloads, container_ports, [](auto& workload) { return &workload.template_ports; });
  // A workload's pods have the same details (ports, container counts): one copy.
  SharingPool<SharedValue<PodDetails>> pod_details;
  share(file.pods, pod_details, [](auto& pod) { return &pod.details; });
  SharingPool<CompactString> nodes;
  share(file.pods, nodes, [](auto& pod) { return &pod.node_name; });
  file.namespaces.shrink_to_fit();
  file.services.shrink_to_fit();
  file.pods.shrink_to_fit();
  file.endpoint_objects.shrink_to_fit();
  file.endpoint_slices.shrink_to_fit();
  file.workloads.shrink_to_fit();
  file.documents.shrink_to_fit();
}

}  // namespace clusterdns::registry
