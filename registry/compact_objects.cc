#include "registry/compact_objects.h"

#include "registry/labels.h"

namespace clusterdns::registry {

namespace {

// Points `labels` at the pool's equal set; objects reused from an earlier parse often
// share it already and are then left alone (changing them would copy them).
template <class T, class Get>
void share_labels(SharedList<T>& items, LabelsPool& pool, Get get) {
  for (size_t i = 0; i < items.size(); ++i) {
    const Labels* labels = get(items[i]);
    if (labels == nullptr) continue;
    const Labels& canonical = pool.canonical(*labels);
    if (!canonical.shares_with(*labels)) *get(items.mutate(i)) = canonical;
  }
}

}  // namespace

void compact_objects(FileObjects& file) {
  LabelsPool pool;
  share_labels(file.pods, pool, [](auto& pod) { return &pod.labels; });
  share_labels(file.services, pool, [](auto& service) { return &service.labels; });
  // A Service's selector is most often its own labels.
  share_labels(file.services, pool, [](auto& service) {
    return service.selector ? &*service.selector : nullptr;
  });
  share_labels(file.workloads, pool, [](auto& workload) { return &workload.template_labels; });
  file.namespaces.shrink_to_fit();
  file.services.shrink_to_fit();
  file.pods.shrink_to_fit();
  file.endpoint_objects.shrink_to_fit();
  file.endpoint_slices.shrink_to_fit();
  file.workloads.shrink_to_fit();
  file.documents.shrink_to_fit();
}

}  // namespace clusterdns::registry
