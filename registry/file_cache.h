#pragma once
// The watcher's memory of every manifest file: what it looked like (fingerprint), the
// hash of its content, and the last good objects parsed from it. It applies the
// per-file rules of DESIGN.md §2 "Errors" when files change:
//   - only files whose fingerprint changed are read, and only new content is parsed,
//     so one changed pod among 50k objects re-parses one file;
//   - new content that fails to parse or validate keeps the file's previous objects,
//     but only once the content is stable: the first failure may be a half-written
//     file, so the caller looks again after one more quiet period (awaiting_stable);
//   - content that is empty (whitespace, comments, `---`) keeps the previous objects
//     with a warning (also after a second look); deleting the file removes objects;
//   - a file that cannot be read (permission denied, a FIFO) keeps its objects too.
// Problems are reported once per distinct content, not on every rescan.
// Not thread-safe: the watcher thread owns it.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/diagnostic.h"
#include "registry/file_read.h"
#include "registry/loader.h"

namespace clusterdns::registry {

// parse_manifest_text in production; tests inject fakes. Called from several threads
// at once when many files are parsed together (the first load): must be thread-safe.
// `previous`: the file's current objects (null for a new file), which the parser may
// reuse for unchanged documents.
using ManifestParser = std::function<FileObjects(const std::string& path, std::string_view text,
                                                 const FileObjects* previous)>;

enum class RefreshMode : uint8_t {
  // The first load: nothing to fall back to, so a file with errors contributes the
  // objects that did decode (what `clusterdns check` and a restart would do).
  kInitial,
  // Read files whose fingerprint changed, and those awaiting a second look.
  kChanged,
  // Read every file (reload on demand), in case a change kept size and mtime.
  kEveryFile,
};

// What one refresh did, by path (as listed).
struct FileChanges {
  std::vector<std::string> added;
  std::vector<std::string> changed;
  std::vector<std::string> removed;
  std::vector<std::string> kept;        // new content refused: previous objects kept
  std::vector<Diagnostic> diagnostics;  // problems not reported before, to log now
  bool awaiting_stable = false;         // refresh again after one quiet period

  bool applied_anything() const { return !added.empty() || !changed.empty() || !removed.empty(); }
};

// Objects in one FileObjects (namespaces, services, pods, endpoints, slices, workloads).
size_t object_count(const FileObjects& file);

// Below this much text to parse, one thread does it all.
constexpr size_t kParallelParseBytes = 256 * 1024;
constexpr size_t kMaxParseThreads = 8;

class FileCache {
 public:
  explicit FileCache(ManifestParser parse);

  // Brings the cache up to date with `files` (the current listing). Paths for which
  // `deferred` returns true are being written right now: they are left as they were.
  FileChanges refresh(const std::vector<std::filesystem::path>& files, RefreshMode mode,
                      const std::function<bool(const std::string&)>& deferred = {});

  // The current objects of every file, sorted by path, as assemble_cluster takes them.
  std::vector<FileObjects> objects() const;
  // The same without copying: pointers into the cache, valid until the next refresh or
  // reject_change. Each file's objects are numbered with its position first
  // (SourceRef::file, as assemble_cluster numbers them), so that the assembled state
  // shares the cache's objects instead of copying them (issue 8).
  std::vector<const FileObjects*> numbered_objects();

  // Undoes the last refresh's change of `path` (an added or changed file) because it
  // clashes with another file (a duplicate ClusterIP): the file goes back to its
  // previous objects (none, if it was added) and moves to changes.kept. `reasons` are
  // reported once for this content. The refused objects are offered again on a later
  // refresh that changes something else, since that change may resolve the clash.
  void reject_change(const std::string& path, const std::vector<Diagnostic>& reasons,
                     FileChanges& changes);

  // Modification time (ns) of the content last read for `path`; 0 when unknown.
  int64_t modified_at(const std::string& path) const;

 private:
  struct Entry {
    FileFingerprint fingerprint;
    bool fingerprinted = false;           // fingerprint is what `content_hash` was read from
    uint64_t content_hash = 0;            // of the content last judged
    std::optional<FileObjects> objects;   // what the file contributes now
    std::optional<FileObjects> before;    // objects before this refresh's change
    bool changed_now = false;             // objects replaced by this refresh
    std::optional<uint64_t> unstable;     // failed once with this content; look again
    std::optional<FileObjects> clashing;  // refused because of another file; retried later
    std::optional<uint64_t> reported;     // content (or error) whose problems were logged
  };

  // New content to parse (with the entry already updated to it).
  struct ParseJob {
    const std::string* path;
    Entry* entry;
    const FileObjects* previous;  // entry->objects before this refresh, if any
    std::string text;
    bool second_look;  // failed before with this very content
  };

  // Applies everything decided without parsing; returns the parse still needed.
  std::optional<ParseJob> examine(const std::string& path, Entry& entry, FileRead read,
                                  RefreshMode mode, FileChanges& changes);
  // Parses on several threads when there is much to parse.
  std::vector<FileObjects> parse_all(const std::vector<ParseJob>& jobs) const;
  void conclude(ParseJob& job, FileObjects parsed, RefreshMode mode, FileChanges& changes);
  FileObjects parse_guarded(const ParseJob& job) const;
  static void wait_for_second_look(Entry& entry, uint64_t hash, FileChanges& changes);
  void accept(const std::string& path, Entry& entry, FileObjects objects, FileChanges& changes);
  void keep_previous(const std::string& path, Entry& entry, uint64_t problem,
                     std::vector<Diagnostic> problems, FileChanges& changes);
  void offer_clashing_again(FileChanges& changes);

  ManifestParser parse_;
  std::map<std::string, Entry> entries_;
};

}  // namespace clusterdns::registry
