#pragma once
// Manifests directory → ClusterState (DESIGN.md §2). Split in two steps so the
// watcher can re-parse only the files that changed:
//   parse_manifest_file: one file → its objects (cacheable by content hash);
//   assemble_cluster:    all files' objects → defaulted, validated state + endpoints.

#include <filesystem>
#include <string>
#include <vector>

#include "registry/diagnostic.h"
#include "registry/objects.h"
#include "registry/options.h"

namespace clusterdns::registry {

// The objects of one manifest file, before cross-file rules are applied.
struct FileObjects {
  std::string path;  // as printed in diagnostics
  std::vector<Namespace> namespaces;
  std::vector<Service> services;
  std::vector<Pod> pods;
  std::vector<Endpoints> endpoint_objects;
  std::vector<EndpointSlice> endpoint_slices;
  std::vector<Workload> workloads;
  std::vector<Diagnostic> diagnostics;  // this file's own problems
};

// Every manifest file under dir (recursively, *.yaml|*.yml|*.json, skipping names
// starting with '.', following symlinks), sorted by path.
std::vector<std::filesystem::path> list_manifest_files(const std::filesystem::path& dir);

// Parses one file's text. `path` is used for diagnostics only. SourceRef::file of
// the returned objects is 0; assemble_cluster renumbers.
FileObjects parse_manifest_text(std::string path, std::string_view text);
FileObjects parse_manifest_file(const std::filesystem::path& file);

struct LoadResult {
  ClusterState state;
  std::vector<Diagnostic> diagnostics;  // sorted by file, line, column
};

// Cross-file rules: duplicates, namespace defaults, ClusterIP allocation, the
// synthesized default/kubernetes Service, simulated pods, endpoints derivation.
LoadResult assemble_cluster(std::vector<FileObjects> files, const ClusterOptions& options);

// list + parse + assemble.
LoadResult load_manifests(const std::filesystem::path& dir, const ClusterOptions& options);

}  // namespace clusterdns::registry
