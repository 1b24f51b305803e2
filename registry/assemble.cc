// Cross-file rules (DESIGN.md §2): duplicates, the default/kubernetes Service,
// ClusterIP and nodePort allocation, simulated pods, endpoints derivation.
#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <span>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "registry/cluster_ip_allocator.h"
#include "registry/endpoints_controller.h"
#include "registry/file_cache.h"
#include "registry/file_numbering.h"
#include "registry/loader.h"
#include "registry/object_key.h"
#include "registry/simulated_pods.h"
#include "registry/source_diagnostic.h"

namespace clusterdns::registry {

namespace {


// (namespace, name), viewing into the input files, which outlive the assembly.
using Key = ObjectKey;

struct KeyHash {
  size_t operator()(const Key& key) const {
    const size_t a = std::hash<std::string_view>()(key.first);
    return a ^ (std::hash<std::string_view>()(key.second) + 0x9e3779b97f4a7c15ULL + (a << 6) +
                (a >> 2));
  }
};

using Seen = std::unordered_map<Key, SourceRef, KeyHash>;

// An object kept by the duplicate rule, not yet put into the state.
template <class T>
struct Kept {
  const SharedList<T>* list;
  size_t at;
  uint32_t file;
  const T& item() const { return (*list)[at]; }
};

// Keeps the first object of each (namespace, name); reports later ones at both places.
template <class T>
void keep_unique(const SharedList<T>& items, size_t at, size_t count, uint32_t file,
                 const char* kind, Seen& seen, const std::vector<std::string>& files,
                 std::vector<Kept<T>>& kept, std::vector<Diagnostic>& diagnostics) {
  for (size_t i = at; i < at + count; ++i) {
    const T& item = items[i];
    SourceRef where = item.where;
    where.file = file;
    const std::string_view ns = namespace_of(item);
    auto [it, inserted] = seen.try_emplace(Key{ns, item.name}, where);
    if (inserted) {
      kept.push_back({&items, i, file});
      continue;
    }
    const std::string_view item_name = item.name;
    const std::string name =
        ns.empty() ? std::string(item_name) : std::string(ns) + "/" + std::string(item_name);
    diagnostics.push_back(diagnostic_at(files, where, Diagnostic::Severity::kError,
                                        std::string("duplicate ") + kind + " " + name +
                                            " (first defined at " + source_text(files, it->second) +
                                            ")"));
    diagnostics.push_back(diagnostic_at(
        files, it->second, Diagnostic::Severity::kNote,
        std::string(kind) + " " + name + " first defined here; the later copy is ignored"));
  }
}

template <class T>
void keep_unique(const SharedList<T>& items, uint32_t file, const char* kind, Seen& seen,
                 const std::vector<std::string>& files, std::vector<Kept<T>>& kept,
                 std::vector<Diagnostic>& diagnostics) {
  keep_unique(items, 0, items.size(), file, kind, seen, files, kept, diagnostics);
}

// Sorts the kept objects by (namespace, name) (cheap to swap), then puts each into the
// state: the file's own object, shared, when it already carries its file's index (the
// watcher's cache numbers its files so; issue 8: one copy of each object), else a copy
// with the index set.
template <class T>
SharedList<T> share_sorted(std::vector<Kept<T>>& kept) {
  std::stable_sort(kept.begin(), kept.end(), [](const Kept<T>& a, const Kept<T>& b) {
    return key_of(a.item()) < key_of(b.item());
  });
  SharedList<T> out;
  out.reserve(kept.size());
  for (const auto& entry : kept) {
    if (has_file(entry.item(), entry.file)) {
      out.push_shared(entry.list->shared(entry.at));
      continue;
    }
    T item = entry.item();
    set_file(item, entry.file);
    out.push_back(std::move(item));
  }
  return out;
}

struct Merge {
  Seen namespaces, services, pods, endpoints, slices;
  std::map<WorkloadKind, Seen> workloads;
  std::vector<Kept<Namespace>> kept_namespaces;
  std::vector<Kept<Service>> kept_services;
  std::vector<Kept<Pod>> kept_pods;
  std::vector<Kept<Endpoints>> kept_endpoints;
  std::vector<Kept<EndpointSlice>> kept_slices;
  std::vector<Kept<Workload>> kept_workloads;
};

void merge_file(const FileObjects& file, uint32_t index, const std::vector<std::string>& files,
                Merge& merge, std::vector<Diagnostic>& diagnostics) {
  keep_unique(file.namespaces, index, "Namespace", merge.namespaces, files, merge.kept_namespaces,
              diagnostics);
  keep_unique(file.services, index, "Service", merge.services, files, merge.kept_services,
              diagnostics);
  keep_unique(file.pods, index, "Pod", merge.pods, files, merge.kept_pods, diagnostics);
  keep_unique(file.endpoint_objects, index, "Endpoints", merge.endpoints, files,
              merge.kept_endpoints, diagnostics);
  keep_unique(file.endpoint_slices, index, "EndpointSlice", merge.slices, files, merge.kept_slices,
              diagnostics);
  for (size_t i = 0; i < file.workloads.size(); ++i) {
    const WorkloadKind kind = file.workloads[i].kind;
    keep_unique(file.workloads, i, 1, index, workload_kind_name(kind), merge.workloads[kind],
                files, merge.kept_workloads, diagnostics);
  }
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
                   });
}

// Parses on several threads when there is much to parse, like the watcher's first load
// (`check` and `records` read 50k objects too).
std::vector<FileObjects> parse_files(const std::vector<std::filesystem::path>& paths) {
  std::vector<FileObjects> files(paths.size());
  uintmax_t bytes = 0;
  for (const auto& path : paths) {
    std::error_code error;
    const uintmax_t size = std::filesystem::file_size(path, error);
    if (!error) bytes += size;
  }
  const size_t threads =
      bytes < kParallelParseBytes
          ? 1
          : std::min<size_t>({paths.size(), std::max(1u, std::thread::hardware_concurrency()),
                              kMaxParseThreads});
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t i = next++; i < paths.size(); i = next++) files[i] = parse_manifest_file(paths[i]);
  };
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < threads; ++i) helpers.emplace_back(work);
  work();
  for (auto& helper : helpers) helper.join();
  return files;
}

LoadResult assemble(std::span<const FileObjects* const> input, const ClusterOptions& options,
                    const ClusterState* previous) {
  LoadResult result;
  ClusterState& state = result.state;
  auto& diagnostics = result.diagnostics;
  std::vector<const FileObjects*> files(input.begin(), input.end());
  std::stable_sort(files.begin(), files.end(),
                   [](const FileObjects* a, const FileObjects* b) { return a->path < b->path; });
  state.files.reserve(files.size());
  for (const FileObjects* file : files) state.files.push_back(file->path);
  Merge merge;
  size_t services = 0, pods = 0;
  for (const FileObjects* file : files) {
    services += file->services.size();
    pods += file->pods.size();
  }
  merge.services.reserve(services);
  merge.kept_services.reserve(services);
  merge.pods.reserve(pods);
  merge.kept_pods.reserve(pods);
  for (uint32_t index = 0; index < files.size(); ++index) {
    const FileObjects& file = *files[index];
    diagnostics.insert(diagnostics.end(), file.diagnostics.begin(), file.diagnostics.end());
    merge_file(file, index, state.files, merge, diagnostics);
  }
  state.namespaces = share_sorted(merge.kept_namespaces);
  state.services = share_sorted(merge.kept_services);
  state.pods = share_sorted(merge.kept_pods);
  state.endpoint_objects = share_sorted(merge.kept_endpoints);
  state.endpoint_slices = share_sorted(merge.kept_slices);
  state.workloads = share_sorted(merge.kept_workloads);
  add_kubernetes_service(state.services, options);
  allocate_cluster_ips(state.services, options, state.files, diagnostics);
  allocate_node_ports(state.services);
  if (options.simulate_pods) {
    auto simulated = simulate_pods(state.workloads, state.pods, *options.simulate_pods, state.files,
                                   diagnostics);
    if (!simulated.empty()) {
      for (Pod& pod : simulated) state.pods.push_back(std::move(pod));
      state.pods.stable_sort([](const Pod& a, const Pod& b) {
        return std::tie(a.namespace_name, a.name) < std::tie(b.namespace_name, b.name);
      });
    }
  }
  state.endpoints =
      previous != nullptr ? derive_all_endpoints(state, *previous) : derive_all_endpoints(state);
  sort_diagnostics(diagnostics);
  return result;
}

}  // namespace

LoadResult assemble_cluster(std::span<const FileObjects* const> files,
                            const ClusterOptions& options, const ClusterState* previous) {
  return assemble(files, options, previous);
}

LoadResult assemble_cluster(const std::vector<FileObjects>& files, const ClusterOptions& options) {
  std::vector<const FileObjects*> pointers;
  pointers.reserve(files.size());
  for (const auto& file : files) pointers.push_back(&file);
  return assemble(pointers, options, nullptr);
}

LoadResult assemble_cluster(std::vector<FileObjects>&& files, const ClusterOptions& options) {
  // Numbered in place first, so that the state shares every object instead of copying
  // it, and holds the only copy once `files` is gone.
  std::stable_sort(files.begin(), files.end(),
                   [](const FileObjects& a, const FileObjects& b) { return a.path < b.path; });
  std::vector<const FileObjects*> pointers;
  pointers.reserve(files.size());
  for (auto& file : files) {
    number_objects(file, static_cast<uint32_t>(pointers.size()));
    pointers.push_back(&file);
  }
  return assemble(pointers, options, nullptr);
}

LoadResult load_manifests(const std::filesystem::path& dir, const ClusterOptions& options) {
  std::error_code error;
  std::vector<std::filesystem::path> paths;
  if (std::filesystem::is_regular_file(dir, error)) {
    paths.push_back(dir);  // a single manifest file works too
  } else if (std::filesystem::is_directory(dir, error)) {
    paths = list_manifest_files(dir);
  } else {
    LoadResult result = assemble_cluster(std::vector<FileObjects>{}, options);
    result.diagnostics.insert(
        result.diagnostics.begin(),
        Diagnostic{Diagnostic::Severity::kError, dir.string(), 0, 0,
                   "cannot read manifests directory: " +
                       (error ? error.message() : std::string("no such file or directory"))});
    return result;
  }
  return assemble_cluster(parse_files(paths), options);
}

}  // namespace clusterdns::registry
