#include "registry/manifest_set.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <system_error>
#include <tuple>
#include <utility>

#include "registry/state_patch.h"

namespace clusterdns::registry {

namespace {

struct FilesIndex {
  std::vector<std::string> paths;
  std::set<std::string> own;  // the files' own diagnostics, formatted
};

ManifestSource with_defaults(ManifestSource source) {
  if (!source.list) source.list = list_manifest_files;
  if (!source.parse) {
    source.parse = [](const std::string& path, std::string_view text, const FileObjects* previous) {
      return parse_manifest_text(path, text, previous);
    };
  }
  if (!source.assemble) {
    source.assemble = [](std::span<const FileObjects* const> files, const ClusterOptions& options,
                         const ClusterState* previous) {
      return assemble_cluster(files, options, previous);
    };
  }
  return source;
}

// Whether a diagnostic is about `path`: it is located there, or its message points
// there ("... already used by Service x (DIR/a.yaml:3:14)").
bool names_file(const Diagnostic& diagnostic, const std::string& path) {
  if (diagnostic.file == path) return true;
  for (size_t at = diagnostic.message.find(path); at != std::string::npos;
       at = diagnostic.message.find(path, at + 1)) {
    const size_t after = at + path.size();
    if (after == diagnostic.message.size()) return true;
    const char next = diagnostic.message[after];
    if (next == ':' || next == ')' || next == ' ' || next == ',') return true;
  }
  return false;
}

std::set<std::string> formatted(const std::vector<Diagnostic>& diagnostics) {
  std::set<std::string> texts;
  for (const auto& diagnostic : diagnostics) texts.insert(diagnostic.format());
  return texts;
}

void sort_by_place(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
                   });
}

FilesIndex index_files(const std::vector<const FileObjects*>& files) {
  FilesIndex index;
  for (const FileObjects* file : files) {
    index.paths.push_back(file->path);
    for (const auto& diagnostic : file->diagnostics) index.own.insert(diagnostic.format());
  }
  return index;
}

// An error of the assembled state that is not some file's own parse error: it comes
// from the cross-file rules (duplicates, ClusterIP clashes).
bool is_clash(const Diagnostic& diagnostic, const FilesIndex& index) {
  return diagnostic.severity == Diagnostic::Severity::kError &&
         index.own.count(diagnostic.format()) == 0;
}

// Clash errors per file they name. A count that grows with a change means the change
// made a clash.
std::map<std::string, size_t> clash_counts(const LoadResult& result, const FilesIndex& index) {
  std::map<std::string, size_t> counts;
  for (const auto& diagnostic : result.diagnostics) {
    if (!is_clash(diagnostic, index)) continue;
    for (const auto& path : index.paths) {
      if (names_file(diagnostic, path)) ++counts[path];
    }
  }
  return counts;
}

std::string plural(size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

}  // namespace

size_t object_count(const ClusterState& state) {
  return state.namespaces.size() + state.services.size() + state.pods.size() +
         state.endpoint_objects.size() + state.endpoint_slices.size() + state.workloads.size();
}

std::string ChangeSummary::describe() const {
  const size_t files = added.size() + changed.size() + removed.size();
  char millis[32];
  std::snprintf(millis, sizeof millis, "%.1f ms", static_cast<double>(took.count()) / 1000.0);
  return "reloaded: " + plural(files, "file changed", "files changed") + ", " +
         std::to_string(rejected.size()) + " rejected, " + plural(objects, "object", "objects") +
         ", " + millis;
}

ManifestSet::ManifestSet(std::filesystem::path dir, ClusterOptions options, ManifestSource source)
    : dir_(std::move(dir)),
      options_(std::move(options)),
      real_assemble_(!source.assemble),
      source_(with_defaults(std::move(source))),
      cache_(source_.parse) {}

std::optional<std::vector<std::filesystem::path>> ManifestSet::list_files(
    std::vector<Diagnostic>& problems) {
  std::error_code error;
  const auto status = std::filesystem::status(dir_, error);
  if (std::filesystem::is_regular_file(status)) {
    listing_failed_ = false;
    return std::vector<std::filesystem::path>{dir_};  // a single manifest file works too
  }
  std::string reason = error ? error.message() : "not a directory";
  if (std::filesystem::is_directory(status)) {
    try {
      auto files = source_.list(dir_);
      listing_failed_ = false;
      return files;
    } catch (const std::exception& e) {
      reason = e.what();
    }
  }
  if (!listing_failed_) {
    problems.push_back(
        Diagnostic{Diagnostic::Severity::kError, dir_.string(), 0, 0,
                   "cannot read manifests directory: " + reason + "; keeping the current objects"});
  }
  listing_failed_ = true;
  return std::nullopt;
}

const LoadResult& ManifestSet::load_initial() {
  std::vector<Diagnostic> problems;
  const auto files = list_files(problems);
  FileChanges changes =
      cache_.refresh(files.value_or(std::vector<std::filesystem::path>{}), RefreshMode::kInitial);
  const std::vector<const FileObjects*> objects = cache_.numbered_objects();
  const FilesIndex index = index_files(objects);
  result_ = source_.assemble(objects, options_, nullptr);
  clashes_ = clash_counts(result_, index);
  auto& diagnostics = result_.diagnostics;
  diagnostics.insert(diagnostics.end(), problems.begin(), problems.end());
  diagnostics.insert(diagnostics.end(), changes.diagnostics.begin(), changes.diagnostics.end());
  sort_by_place(diagnostics);
  awaiting_stable_ = false;
  assembled_ = real_assemble_ && problems.empty() && changes.diagnostics.empty();
  return result_;
}

ChangeSummary ManifestSet::rescan(RefreshMode mode,
                                  const std::function<bool(const std::string&)>& deferred) {
  release_replaced();
  const auto start = std::chrono::steady_clock::now();
  ChangeSummary summary;
  const auto files = list_files(summary.diagnostics);
  if (files) {
    FileChanges changes = cache_.refresh(*files, mode, deferred);
    awaiting_stable_ = changes.awaiting_stable;
    const bool retrying = unpublished_;
    if (changes.applied_anything() || retrying) {
      unpublished_ = true;  // until assembled: a throw below must not lose these changes
      if (!retrying && patch_result(changes, changes.diagnostics)) {
        unpublished_ = false;
        summary.state_changed = true;
      } else {
        LoadResult next = assemble_refusing_clashes(changes);
        unpublished_ = false;
        half_patched_ = false;
        // Rejections may have undone every change: then the state stays as it was.
        if (changes.applied_anything() || retrying) {
          const auto known = formatted(result_.diagnostics);
          for (const auto& diagnostic : next.diagnostics) {
            if (known.count(diagnostic.format()) == 0) changes.diagnostics.push_back(diagnostic);
          }
          replaced_ = std::exchange(result_, std::move(next));
          assembled_ = real_assemble_;
          summary.state_changed = true;
        }
      }
    }
    summary.added = std::move(changes.added);
    summary.changed = std::move(changes.changed);
    summary.removed = std::move(changes.removed);
    summary.rejected = std::move(changes.kept);
    summary.diagnostics.insert(summary.diagnostics.end(), changes.diagnostics.begin(),
                               changes.diagnostics.end());
    sort_by_place(summary.diagnostics);
  }
  summary.objects = object_count(result_.state);
  summary.took = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  return summary;
}

bool ManifestSet::patch_result(const FileChanges& changes,
                               std::vector<Diagnostic>& fresh_diagnostics) {
  const bool clean = std::all_of(clashes_.begin(), clashes_.end(),
                                 [](const auto& entry) { return entry.second == 0; });
  if (!assembled_ || !clean || options_.simulate_pods) return false;
  std::vector<std::string> touched = changes.added;
  touched.insert(touched.end(), changes.changed.begin(), changes.changed.end());
  touched.insert(touched.end(), changes.removed.begin(), changes.removed.end());
  const std::vector<const FileObjects*> objects = cache_.numbered_objects();
  std::set<std::string> known;
  for (const auto& diagnostic : result_.diagnostics) {
    if (std::find(touched.begin(), touched.end(), diagnostic.file) != touched.end()) {
      known.insert(diagnostic.format());
    }
  }
  half_patched_ = true;  // until patched whole: a throw may leave it half done
  if (patch_state(result_, objects, touched) == PatchOutcome::kNotPatched) {
    half_patched_ = false;
    return false;
  }
  half_patched_ = false;
  // Problems not reported before, as the full path finds them: only the touched files'
  // own diagnostics can be new (a diagnostic's text starts with its file).
  for (const auto& diagnostic : result_.diagnostics) {
    if (std::find(touched.begin(), touched.end(), diagnostic.file) != touched.end() &&
        known.count(diagnostic.format()) == 0) {
      fresh_diagnostics.push_back(diagnostic);
    }
  }
  return true;
}

LoadResult ManifestSet::assemble_refusing_clashes(FileChanges& changes) {
  // Each round refuses one changed file, so this ends after at most that many rounds.
  for (;;) {
    const std::vector<const FileObjects*> objects = cache_.numbered_objects();
    const FilesIndex index = index_files(objects);
    // A state left half patched by a throw must not be reused from.
    LoadResult next = source_.assemble(objects, options_, half_patched_ ? nullptr : &result_.state);
    auto counts = clash_counts(next, index);

    std::vector<std::string> candidates = changes.added;
    candidates.insert(candidates.end(), changes.changed.begin(), changes.changed.end());
    std::optional<std::string> blamed;
    for (const auto& path : candidates) {
      if (counts[path] <= clashes_[path]) continue;
      if (!blamed || std::make_pair(cache_.modified_at(path), path) >
                         std::make_pair(cache_.modified_at(*blamed), *blamed)) {
        blamed = path;
      }
    }
    if (!blamed) {
      clashes_ = std::move(counts);
      return next;
    }
    std::vector<Diagnostic> reasons;
    for (const auto& diagnostic : next.diagnostics) {
      if (is_clash(diagnostic, index) && names_file(diagnostic, *blamed)) {
        reasons.push_back(diagnostic);
      }
    }
    cache_.reject_change(*blamed, reasons, changes);
  }
}

}  // namespace clusterdns::registry
