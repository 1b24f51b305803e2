#include "registry/compact_objects.h"

#include <concepts>
#include <type_traits>

#include "registry/compact_string.h"
#include "registry/labels.h"
#include "registry/shared_value.h"

namespace clusterdns::registry {

namespace {

// Points the value `get` picks, of items [from, end), at the pool's equal one. Objects
// reused from an earlier parse often share it already and are then left alone
// (changing them would copy them).
template <class T, class Value, class Get>
void share(SharedList<T>& items, size_t from, SharingPool<Value>& pool, Get get) {
  for (size_t i = from; i < items.size(); ++i) {
    const Value* value = get(items[i]);
    if (value == nullptr || value->empty()) continue;
    const Value& canonical = pool.canonical(*value);
    if (!canonical.shares_with(*value)) *get(items.mutate(i)) = canonical;
  }
}

// The names and label sets of an object (const or not), for the file's string blocks.
template <class Service, class F>
  requires std::same_as<std::remove_const_t<Service>, registry::Service>
void each_string(Service& service, F each) {
  each(service.namespace_name);
  each(service.name);
  each(service.labels.text_storage());
  if (service.selector) each(service.selector->text_storage());
}
template <class Pod, class F>
  requires std::same_as<std::remove_const_t<Pod>, registry::Pod>
void each_string(Pod& pod, F each) {
  each(pod.namespace_name);
  each(pod.name);
  each(pod.labels.text_storage());
  each(pod.node_name);
}
template <class Endpoints, class F>
  requires std::same_as<std::remove_const_t<Endpoints>, registry::Endpoints>
void each_string(Endpoints& endpoints, F each) {
  each(endpoints.namespace_name);
  each(endpoints.name);
}
template <class Workload, class F>
  requires std::same_as<std::remove_const_t<Workload>, registry::Workload>
void each_string(Workload& workload, F each) {
  each(workload.template_labels.text_storage());
}

// Hands the strings of items [from, end) to `arena`. Objects reused from an earlier
// parse have theirs in a block already: they are left alone, and new equal texts share
// theirs.
template <class T>
void add_strings(SharedList<T>& items, size_t from, StringArena& arena) {
  for (size_t i = from; i < items.size(); ++i) {
    bool fresh = false;
    each_string(items[i], [&](const CompactString& text) {
      fresh = fresh || (!text.empty() && !text.in_arena());
    });
    if (fresh) {
      each_string(items.mutate(i), [&](CompactString& text) { arena.add(text); });
    } else {
      each_string(items[i], [&](const CompactString& text) { arena.reuse(text); });
    }
  }
}

template <class T>
void take_objects(SharedList<T>& items, size_t from, ObjectArena<T>& arena) {
  for (size_t i = from; i < items.size(); ++i) arena.take(items.handle(i));
}

}  // namespace

void ObjectCompactor::compact_new(FileObjects& file) {
  // Names and label sets: a file's namespace, a Deployment's pods' labels, a Service's
  // labels and selector, node names are each stored once.
  add_strings(file.services, services_done_, strings_);
  add_strings(file.pods, pods_done_, strings_);
  add_strings(file.endpoint_objects, endpoint_objects_done_, strings_);
  add_strings(file.workloads, workloads_done_, strings_);
  strings_.store();
  share(file.services, services_done_, service_ports_,
        [](auto& service) { return &service.ports; });
  for (size_t i = pods_done_; i < file.pods.size(); ++i) {
    const SharedArray<ContainerPort>& ports = file.pods[i].details->ports;
    if (ports.empty()) continue;
    const SharedArray<ContainerPort>& canonical = container_ports_.canonical(ports);
    if (!canonical.shares_with(ports)) file.pods.mutate(i).details.mutate().ports = canonical;
  }
  share(file.workloads, workloads_done_, container_ports_,
        [](auto& workload) { return &workload.template_ports; });
  // A workload's pods have the same details (ports, container counts): one copy.
  share(file.pods, pods_done_, pod_details_, [](auto& pod) { return &pod.details; });
  // Last, once the changes above are made: each object moves once.
  take_objects(file.services, services_done_, services_);
  take_objects(file.pods, pods_done_, pods_);
  services_done_ = file.services.size();
  pods_done_ = file.pods.size();
  endpoint_objects_done_ = file.endpoint_objects.size();
  workloads_done_ = file.workloads.size();
}

void ObjectCompactor::finish(FileObjects& file) {
  file.namespaces.shrink_to_fit();
  file.services.shrink_to_fit();
  file.pods.shrink_to_fit();
  file.endpoint_objects.shrink_to_fit();
  file.endpoint_slices.shrink_to_fit();
  file.workloads.shrink_to_fit();
  file.documents.shrink_to_fit();
}

void compact_objects(FileObjects& file) {
  ObjectCompactor compactor;
  compactor.compact_new(file);
  ObjectCompactor::finish(file);
}

}  // namespace clusterdns::registry
