// Cross-file rules (DESIGN.md §2): duplicates, the default/kubernetes Service,
// ClusterIP and nodePort allocation, simulated pods, endpoints derivation.
#include <algorithm>
#include <map>
#include <tuple>

#include "registry/cluster_ip_allocator.h"
#include "registry/endpoints_controller.h"
#include "registry/loader.h"
#include "registry/simulated_pods.h"
#include "registry/source_diagnostic.h"

namespace clusterdns::registry {

namespace {

template <class T>
void set_file(std::vector<T>& items, uint32_t file) {
  for (auto& item : items) item.where.file = file;
}

void set_file(std::vector<Service>& services, uint32_t file) {
  for (auto& service : services) {
    service.where.file = file;
    service.cluster_ip_where.file = file;
    for (auto& port : service.ports) port.where.file = file;
  }
}

template <class T>
std::string_view namespace_of(const T& item) {
  return item.namespace_name;
}
std::string_view namespace_of(const Namespace&) {
  return "";
}

// Keeps the first object of each (namespace, name); reports later ones at both places.
template <class T>
void append_unique(std::vector<T>& into, std::vector<T>&& items, const char* kind,
                   std::map<std::tuple<std::string, std::string>, SourceRef>& seen,
                   const std::vector<std::string>& files, std::vector<Diagnostic>& diagnostics) {
  for (auto& item : items) {
    const std::string ns(namespace_of(item));
    auto [it, inserted] = seen.try_emplace({ns, item.name}, item.where);
    const std::string name = ns.empty() ? item.name : ns + "/" + item.name;
    if (!inserted) {
      diagnostics.push_back(diagnostic_at(files, item.where, Diagnostic::Severity::kError,
                                          std::string("duplicate ") + kind + " " + name +
                                              " (first defined at " +
                                              source_text(files, it->second) + ")"));
      diagnostics.push_back(diagnostic_at(
          files, it->second, Diagnostic::Severity::kNote,
          std::string(kind) + " " + name + " first defined here; the later copy is ignored"));
      continue;
    }
    into.push_back(std::move(item));
  }
}

template <class T>
void sort_by_name(std::vector<T>& items) {
  std::sort(items.begin(), items.end(), [](const T& a, const T& b) {
    return std::tie(a.namespace_name, a.name) < std::tie(b.namespace_name, b.name);
  });
}

using Seen = std::map<std::tuple<std::string, std::string>, SourceRef>;

struct SeenByKind {
  Seen namespaces, services, pods, endpoints, slices;
  std::map<WorkloadKind, Seen> workloads;
};

void merge_file(FileObjects& file, uint32_t index, ClusterState& state, SeenByKind& seen,
                std::vector<Diagnostic>& diagnostics) {
  set_file(file.namespaces, index);
  set_file(file.services, index);
  set_file(file.pods, index);
  set_file(file.endpoint_objects, index);
  set_file(file.endpoint_slices, index);
  set_file(file.workloads, index);
  const auto& files = state.files;
  append_unique(state.namespaces, std::move(file.namespaces), "Namespace", seen.namespaces, files,
                diagnostics);
  append_unique(state.services, std::move(file.services), "Service", seen.services, files,
                diagnostics);
  append_unique(state.pods, std::move(file.pods), "Pod", seen.pods, files, diagnostics);
  append_unique(state.endpoint_objects, std::move(file.endpoint_objects), "Endpoints",
                seen.endpoints, files, diagnostics);
  append_unique(state.endpoint_slices, std::move(file.endpoint_slices), "EndpointSlice",
                seen.slices, files, diagnostics);
  for (auto& workload : file.workloads) {
    std::vector<Workload> one;
    one.push_back(std::move(workload));
    append_unique(state.workloads, std::move(one), workload_kind_name(one.front().kind),
                  seen.workloads[one.front().kind], files, diagnostics);
  }
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
                   });
}

}  // namespace

LoadResult assemble_cluster(std::vector<FileObjects> files, const ClusterOptions& options) {
  LoadResult result;
  ClusterState& state = result.state;
  auto& diagnostics = result.diagnostics;
  std::sort(files.begin(), files.end(),
            [](const FileObjects& a, const FileObjects& b) { return a.path < b.path; });
  SeenByKind seen;
  for (auto& file : files) {
    const auto index = static_cast<uint32_t>(state.files.size());
    state.files.push_back(file.path);
    diagnostics.insert(diagnostics.end(), file.diagnostics.begin(), file.diagnostics.end());
    merge_file(file, index, state, seen, diagnostics);
  }
  sort_by_name(state.services);
  std::sort(state.namespaces.begin(), state.namespaces.end(),
            [](const Namespace& a, const Namespace& b) { return a.name < b.name; });
  sort_by_name(state.endpoint_objects);
  sort_by_name(state.endpoint_slices);
  sort_by_name(state.workloads);
  add_kubernetes_service(state.services, options);
  allocate_cluster_ips(state.services, options, state.files, diagnostics);
  allocate_node_ports(state.services);
  if (options.simulate_pods) {
    auto simulated = simulate_pods(state.workloads, state.pods, *options.simulate_pods, state.files,
                                   diagnostics);
    state.pods.insert(state.pods.end(), std::make_move_iterator(simulated.begin()),
                      std::make_move_iterator(simulated.end()));
  }
  sort_by_name(state.pods);
  state.endpoints = derive_all_endpoints(state);
  sort_diagnostics(diagnostics);
  return result;
}

LoadResult load_manifests(const std::filesystem::path& dir, const ClusterOptions& options) {
  std::error_code error;
  std::vector<std::filesystem::path> paths;
  if (std::filesystem::is_regular_file(dir, error)) {
    paths.push_back(dir);  // a single manifest file works too
  } else if (std::filesystem::is_directory(dir, error)) {
    paths = list_manifest_files(dir);
  } else {
    LoadResult result = assemble_cluster({}, options);
    result.diagnostics.insert(
        result.diagnostics.begin(),
        Diagnostic{Diagnostic::Severity::kError, dir.string(), 0, 0,
                   "cannot read manifests directory: " +
                       (error ? error.message() : std::string("no such file or directory"))});
    return result;
  }
  std::vector<FileObjects> files;
  files.reserve(paths.size());
  for (const auto& path : paths) files.push_back(parse_manifest_file(path));
  return assemble_cluster(std::move(files), options);
}

}  // namespace clusterdns::registry
