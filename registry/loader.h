#pragma once
// Manifests directory → ClusterState (DESIGN.md §2). Split in two steps so the
// watcher can re-parse only the files that changed:
//   parse_manifest_file: one file → its objects (cacheable by content hash);
//   assemble_cluster:    all files' objects → defaulted, validated state + endpoints.

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "registry/diagnostic.h"
#include "registry/objects.h"
#include "registry/options.h"

namespace clusterdns::registry {

// One "---" document of a manifest file as last parsed: what it added to its
// FileObjects, so an unchanged document need not be parsed again (issue 6: the
// generator, like many repositories, keeps a whole namespace in one file).
// One is kept per document (24 octets; most documents are one object, issue 8), so the
// counts are small: a file with a document that appended more than kMaxDocumentCount of
// one kind records none and is parsed whole on a change.
struct ParsedDocument {
  static constexpr uint32_t kMaxDocumentCount = 511;  // what nine bits hold

  uint64_t hash = 0;        // of the document's text
  uint32_t size = 0;        // of the document's text
  uint32_t first_line = 0;  // lines before it in the file
  // How many of each it appended, in FileObjects order.
  uint64_t namespaces : 9 = 0, services : 9 = 0, pods : 9 = 0, endpoint_objects : 9 = 0,
                        endpoint_slices : 9 = 0, workloads : 9 = 0, diagnostics : 9 = 0;
  friend bool operator==(const ParsedDocument&, const ParsedDocument&) = default;
};

// The objects of one manifest file, before cross-file rules are applied.
struct FileObjects {
  std::string path;  // as printed in diagnostics
  SharedList<Namespace> namespaces;
  SharedList<Service> services;
  SharedList<Pod> pods;
  SharedList<Endpoints> endpoint_objects;
  SharedList<EndpointSlice> endpoint_slices;
  SharedList<Workload> workloads;
  std::vector<Diagnostic> diagnostics;    // this file's own problems
  std::vector<ParsedDocument> documents;  // in file order; empty for JSON
  friend bool operator==(const FileObjects&, const FileObjects&) = default;
};

// Every manifest file under dir (recursively, *.yaml|*.yml|*.json, skipping names
// starting with '.', following symlinks), sorted by path.
std::vector<std::filesystem::path> list_manifest_files(const std::filesystem::path& dir);
// Whether list_manifest_files reads a file of this name (not its directories).
bool is_manifest_file_name(std::string_view name);

// Parses one file's text. `path` is used for diagnostics only. SourceRef::file of
// the returned objects is 0; assemble_cluster renumbers.
// `previous`: this file's objects from an earlier parse (same path): documents whose text
// is unchanged are copied from it instead of parsed. The result is the same either way.
FileObjects parse_manifest_text(std::string path, std::string_view text,
                                const FileObjects* previous = nullptr);
FileObjects parse_manifest_file(const std::filesystem::path& file);

struct LoadResult {
  ClusterState state;
  std::vector<Diagnostic> diagnostics;  // sorted by file, line, column
  friend bool operator==(const LoadResult&, const LoadResult&) = default;
};

// Cross-file rules: duplicates, namespace defaults, ClusterIP allocation, the
// synthesized default/kubernetes Service, simulated pods, endpoints derivation.
// `files` in any order (they are taken by path); they are only read, never copied
// whole: the watcher re-assembles its cached files on every change (issue 6).
// `previous`, when given, is a state assembled before (with the same options): the
// endpoints of namespaces whose objects did not change are taken from it. The result is
// the same as without it.
LoadResult assemble_cluster(std::span<const FileObjects* const> files,
                            const ClusterOptions& options, const ClusterState* previous = nullptr);
LoadResult assemble_cluster(const std::vector<FileObjects>& files, const ClusterOptions& options);
// The same, moving the objects out of `files` instead of copying them.
LoadResult assemble_cluster(std::vector<FileObjects>&& files, const ClusterOptions& options);

// list + parse + assemble.
LoadResult load_manifests(const std::filesystem::path& dir, const ClusterOptions& options);

}  // namespace clusterdns::registry
