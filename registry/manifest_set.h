#pragma once
// A manifests directory kept up to date across changes: re-list, re-read what changed
// (FileCache), re-assemble the cluster state, and refuse a change that clashes with
// another file (DESIGN.md §2 "Errors": an error involving two files — a duplicate
// ClusterIP or a duplicate object — rejects the change of the file that changed last).
// The state is never emptied because of an error: a directory that cannot be listed
// keeps the current state.
// Not thread-safe: the watcher thread owns it.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "registry/file_cache.h"
#include "registry/loader.h"
#include "registry/options.h"

namespace clusterdns::registry {

// What one reload did, for one log line (describe()) plus the problems found.
struct ChangeSummary {
  std::vector<std::string> added;
  std::vector<std::string> changed;
  std::vector<std::string> removed;
  std::vector<std::string> rejected;    // new content refused: previous objects kept
  std::vector<Diagnostic> diagnostics;  // problems not reported before: log each once
  bool state_changed = false;           // false: the state is the previous one
  size_t objects = 0;                   // in the resulting state
  std::chrono::microseconds took{0};

  // "reloaded: 1 file changed, 0 rejected, 1234 objects, 3.2 ms"
  std::string describe() const;
};

// Objects in a state (namespaces, services, pods, endpoints, slices, workloads).
size_t object_count(const ClusterState& state);

// The loader functions, replaceable in tests. Empty members mean the real ones
// (list_manifest_files, parse_manifest_text, assemble_cluster).
struct ManifestSource {
  std::function<std::vector<std::filesystem::path>(const std::filesystem::path&)> list;
  ManifestParser parse;
  // `previous`: the current state, which the real one reuses what it can from.
  std::function<LoadResult(std::span<const FileObjects* const>, const ClusterOptions&,
                           const ClusterState* previous)>
      assemble;
};

class ManifestSet {
 public:
  // `dir` may also be a single manifest file.
  ManifestSet(std::filesystem::path dir, ClusterOptions options, ManifestSource source = {});

  // Reads every file; bad objects are skipped, the rest kept (there is no previous
  // version yet). The diagnostics of the result include every problem found.
  const LoadResult& load_initial();

  // Brings the state up to date. `deferred` names files being written right now (left
  // as they are). result() holds the new state when summary.state_changed.
  ChangeSummary rescan(RefreshMode mode,
                       const std::function<bool(const std::string&)>& deferred = {});

  const LoadResult& result() const { return result_; }
  // Frees the state that the last rescan replaced. rescan keeps it so that freeing 50k
  // objects happens after the new state is handed out, not before (issue 6); the
  // watcher calls this after its callback. The next rescan frees it anyway.
  void release_replaced() { replaced_ = LoadResult(); }
  // A file failed to parse once: rescan again after one quiet period to tell a
  // half-written file from a broken one.
  bool awaiting_stable() const { return awaiting_stable_; }

 private:
  std::optional<std::vector<std::filesystem::path>> list_files(std::vector<Diagnostic>& problems);
  LoadResult assemble_refusing_clashes(FileChanges& changes);
  // The fast path (state_patch.h): patches result_ in place; false when the change
  // needs the full assemble (result_ untouched then).
  bool patch_result(const FileChanges& changes, std::vector<Diagnostic>& fresh_diagnostics);

  std::filesystem::path dir_;
  ClusterOptions options_;
  bool real_assemble_ = false;  // source_.assemble is assemble_cluster itself
  ManifestSource source_;
  FileCache cache_;
  LoadResult result_;
  LoadResult replaced_;                    // the previous result_, until release_replaced()
  std::map<std::string, size_t> clashes_;  // cross-file errors per file in result_
  bool awaiting_stable_ = false;
  bool listing_failed_ = false;  // reported once until the directory is back
  bool unpublished_ = false;     // the cache changed but assembling it failed (threw)
  // result_ is exactly what the real assemble_cluster gave (or a patch of it): not the
  // first load with listing problems appended, not a fake's. Required by the fast path.
  bool assembled_ = false;
  bool half_patched_ = false;  // a patch threw midway: result_ is only good for serving
};

}  // namespace clusterdns::registry
