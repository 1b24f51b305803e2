#include "registry/compact_objects.h"

#include "registry/labels.h"
#include "registry/shared_array.h"

namespace clusterdns::registry {

namespace {

// Points the array `get` picks at the pool's equal one. Objects reused from an earlier
// parse often share it already and are then left alone (changing them would copy them).
template <class T, class Array, class Get>
void share(SharedList<T>& items, SharedArrayPool<Array>& pool, Get get) {
  for (size_t i = 0; i < items.size(); ++i) {
    const Array* array = get(items[i]);
    if (array == nullptr || array->empty()) continue;
    const Array& canonical = pool.canonical(*array);
    if (!canonical.shares_with(*array)) *get(items.mutate(i)) = canonical;
  }
}

}  // namespace

void compact_objects(FileObjects& file) {
  SharedArrayPool<Labels> labels;
  share(file.pods, labels, [](auto& pod) { return &pod.labels; });
  share(file.services, labels, [](auto& service) { return &service.labels; });
  // A Service's selector is most often its own labels.
  share(file.services, labels,
        [](auto& service) { return service.selector ? &*service.selector : nullptr; });
  share(file.workloads, labels, [](auto& workload) { return &workload.template_labels; });
  SharedArrayPool<SharedArray<ServicePort>> service_ports;
  share(file.services, service_ports, [](auto& service) { return &service.ports; });
  SharedArrayPool<SharedArray<ContainerPort>> container_ports;
  share(file.pods, container_ports, [](auto& pod) { return &pod.ports; });
  share(file.workloads, container_ports, [](auto& workload) { return &workload.template_ports; });
  file.namespaces.shrink_to_fit();
  file.services.shrink_to_fit();
  file.pods.shrink_to_fit();
  file.endpoint_objects.shrink_to_fit();
  file.endpoint_slices.shrink_to_fit();
  file.workloads.shrink_to_fit();
  file.documents.shrink_to_fit();
}

}  // namespace clusterdns::registry
