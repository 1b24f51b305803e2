#include "registry/file_cache.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <exception>
#include <set>
#include <thread>

#include "registry/file_numbering.h"
#include "registry/stable_hash.h"

namespace clusterdns::registry {

namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// Only whitespace, comments and document markers: what an editor or a truncating
// writer leaves, never what a user means as "no objects" (that is deleting the file).
bool is_blank_manifest(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = trim(text.substr(start, end - start));
    if (line.starts_with("---") || line.starts_with("...")) line = trim(line.substr(3));
    if (!line.empty() && line.front() != '#') return false;
    start = end + 1;
  }
  return true;
}

Diagnostic whole_file(const std::string& path, Diagnostic::Severity severity, std::string message) {
  return Diagnostic{severity, path, 0, 0, std::move(message)};
}

std::string objects_phrase(size_t count) {
  return std::to_string(count) + (count == 1 ? " previous object" : " previous objects");
}

// A path that left the listing but still names a regular file sits in a directory we
// can no longer list (permission denied): an error, not a deletion.
bool still_there(const std::filesystem::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) == 0) return S_ISREG(info.st_mode);
  return errno != ENOENT && errno != ENOTDIR;
}

void erase_path(std::vector<std::string>& paths, const std::string& path) {
  paths.erase(std::remove(paths.begin(), paths.end(), path), paths.end());
}

}  // namespace

size_t object_count(const FileObjects& file) {
  return file.namespaces.size() + file.services.size() + file.pods.size() +
         file.endpoint_objects.size() + file.endpoint_slices.size() + file.workloads.size();
}

FileCache::FileCache(ManifestParser parse) : parse_(std::move(parse)) {}

FileChanges FileCache::refresh(const std::vector<std::filesystem::path>& files, RefreshMode mode,
                               const std::function<bool(const std::string&)>& deferred) {
  FileChanges changes;
  for (auto& [path, entry] : entries_) {
    entry.before.reset();
    entry.changed_now = false;
  }
  std::set<std::string> listed;
  std::vector<ParseJob> jobs;
  for (const auto& file : files) {
    std::string path = file.string();
    if (!listed.insert(path).second) continue;  // listed twice: judged once
    if (deferred && deferred(path)) continue;
    auto [it, inserted] = entries_.try_emplace(path);
    Entry& entry = it->second;
    if (mode == RefreshMode::kChanged && entry.fingerprinted && !entry.unstable) {
      const auto now = fingerprint_of(file);
      if (now && *now == entry.fingerprint) continue;
    }
    FileRead read = read_manifest_bytes(file);
    if (read.outcome == FileRead::Outcome::kMissing) {
      // Deleted between listing and reading: a deletion like any other.
      if (entry.objects) changes.removed.push_back(path);
      entries_.erase(it);
      listed.erase(path);
      continue;
    }
    if (auto job = examine(it->first, entry, std::move(read), mode, changes)) {
      jobs.push_back(std::move(*job));
    }
  }
  std::vector<FileObjects> parsed = parse_all(jobs);
  for (size_t i = 0; i < jobs.size(); ++i) conclude(jobs[i], std::move(parsed[i]), mode, changes);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (listed.count(it->first) != 0 || (it->second.objects && still_there(it->first))) {
      ++it;
      continue;
    }
    if (it->second.objects) changes.removed.push_back(it->first);
    it = entries_.erase(it);
  }
  if (mode != RefreshMode::kInitial && changes.applied_anything()) offer_clashing_again(changes);
  return changes;
}

std::optional<FileCache::ParseJob> FileCache::examine(const std::string& path, Entry& entry,
                                                      FileRead read, RefreshMode mode,
                                                      FileChanges& changes) {
  if (read.outcome == FileRead::Outcome::kUnreadable) {
    entry.fingerprinted = false;  // look again on every refresh until it can be read
    const size_t count = entry.objects ? object_count(*entry.objects) : 0;
    keep_previous(path, entry, fnv1a64(read.error),
                  {whole_file(path, Diagnostic::Severity::kError,
                              read.error + "; keeping its " + objects_phrase(count))},
                  changes);
    return std::nullopt;
  }
  entry.fingerprint = read.fingerprint;
  entry.fingerprinted = true;
  const uint64_t hash = fnv1a64(read.text);
  const bool same_as_judged = entry.objects.has_value() || entry.reported.has_value();
  if (!entry.unstable && same_as_judged && entry.content_hash == hash) {
    return std::nullopt;  // touched only
  }
  const bool second_look = entry.unstable == hash;
  entry.unstable.reset();
  entry.clashing.reset();  // new content supersedes content refused for a clash
  entry.content_hash = hash;

  const bool initial = mode == RefreshMode::kInitial;
  if (is_blank_manifest(read.text)) {
    const size_t count = entry.objects ? object_count(*entry.objects) : 0;
    if (!initial && count > 0) {
      // A truncating writer (`>`) leaves the file empty for a moment: look again first.
      if (!second_look) {
        wait_for_second_look(entry, hash, changes);
        return std::nullopt;
      }
      keep_previous(path, entry, hash,
                    {whole_file(path, Diagnostic::Severity::kWarning,
                                "file is empty; keeping its " + objects_phrase(count) +
                                    "; delete the file to remove them")},
                    changes);
      return std::nullopt;
    }
    FileObjects nothing;
    nothing.path = path;
    accept(path, entry, std::move(nothing), changes);
    return std::nullopt;
  }
  const FileObjects* previous = entry.objects ? &*entry.objects : nullptr;
  return ParseJob{&path, &entry, previous, std::move(read.text), second_look};
}

std::vector<FileObjects> FileCache::parse_all(const std::vector<ParseJob>& jobs) const {
  std::vector<FileObjects> parsed(jobs.size());
  size_t bytes = 0;
  for (const auto& job : jobs) bytes += job.text.size();
  // Threads pay off for a whole directory (the first load, a ConfigMap swap), not for
  // the one small file of a typical change.
  const size_t threads =
      bytes < kParallelParseBytes
          ? 1
          : std::min<size_t>(
                {jobs.size(), std::max(1u, std::thread::hardware_concurrency()), kMaxParseThreads});
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) {
      parsed[i] = parse_guarded(jobs[i]);
    }
  };
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < threads; ++i) helpers.emplace_back(work);
  work();
  for (auto& helper : helpers) helper.join();
  return parsed;
}

void FileCache::conclude(ParseJob& job, FileObjects parsed, RefreshMode mode,
                         FileChanges& changes) {
  const std::string& path = *job.path;
  Entry& entry = *job.entry;
  const uint64_t hash = entry.content_hash;
  const bool second_look = job.second_look;
  const bool initial = mode == RefreshMode::kInitial;
  if (initial || !has_errors(parsed.diagnostics)) {
    accept(path, entry, std::move(parsed), changes);
    return;
  }
  if (!second_look) {  // maybe a writer is not done yet
    wait_for_second_look(entry, hash, changes);
    return;
  }
  if (!entry.objects) {
    // A new file has nothing to fall back to: it contributes the objects that decoded,
    // as it would after a restart; its diagnostics come with the assembled result.
    accept(path, entry, std::move(parsed), changes);
    return;
  }
  std::vector<Diagnostic> problems = std::move(parsed.diagnostics);
  problems.push_back(whole_file(path, Diagnostic::Severity::kNote,
                                "keeping the " + objects_phrase(object_count(*entry.objects)) +
                                    " of this file until it is fixed"));
  keep_previous(path, entry, hash, std::move(problems), changes);
}

FileObjects FileCache::parse_guarded(const ParseJob& job) const {
  const std::string& path = *job.path;
  // The loader reports problems as diagnostics; anything thrown anyway (out of memory,
  // a parser bug) must not leave this cache half updated.
  try {
    return parse_(path, job.text, job.previous);
  } catch (const std::exception& e) {
    FileObjects failed;
    failed.path = path;
    failed.diagnostics.push_back(
        whole_file(path, Diagnostic::Severity::kError, std::string("cannot parse: ") + e.what()));
    return failed;
  }
}

// Judges the content once it has been quiet for a while: the caller refreshes again
// after one more quiet period.
void FileCache::wait_for_second_look(Entry& entry, uint64_t hash, FileChanges& changes) {
  entry.unstable = hash;
  changes.awaiting_stable = true;
}

void FileCache::accept(const std::string& path, Entry& entry, FileObjects objects,
                       FileChanges& changes) {
  (entry.objects ? changes.changed : changes.added).push_back(path);
  if (!entry.changed_now) {
    entry.before = std::move(entry.objects);
    entry.changed_now = true;
  }
  entry.objects = std::move(objects);
  entry.reported.reset();  // a later return to refused content is news again
}

void FileCache::keep_previous(const std::string& path, Entry& entry, uint64_t problem,
                              std::vector<Diagnostic> problems, FileChanges& changes) {
  changes.kept.push_back(path);
  if (entry.reported == problem) return;
  entry.reported = problem;
  changes.diagnostics.insert(changes.diagnostics.end(), std::make_move_iterator(problems.begin()),
                             std::make_move_iterator(problems.end()));
}

void FileCache::offer_clashing_again(FileChanges& changes) {
  for (auto& [path, entry] : entries_) {
    if (!entry.clashing || entry.changed_now) continue;
    FileObjects refused = std::move(*entry.clashing);
    entry.clashing.reset();
    const auto reported = entry.reported;  // the clash was logged already
    accept(path, entry, std::move(refused), changes);
    entry.reported = reported;
  }
}

void FileCache::reject_change(const std::string& path, const std::vector<Diagnostic>& reasons,
                              FileChanges& changes) {
  const auto it = entries_.find(path);
  if (it == entries_.end() || !it->second.changed_now) return;
  Entry& entry = it->second;
  entry.clashing = std::move(entry.objects);
  entry.objects = std::move(entry.before);
  entry.before.reset();
  entry.changed_now = false;
  erase_path(changes.added, path);
  erase_path(changes.changed, path);
  std::vector<Diagnostic> problems = reasons;
  const size_t count = entry.objects ? object_count(*entry.objects) : 0;
  problems.push_back(whole_file(path, Diagnostic::Severity::kNote,
                                "this change clashes with another file; keeping the " +
                                    objects_phrase(count) + " of this file"));
  keep_previous(path, entry, entry.content_hash, std::move(problems), changes);
}

std::vector<FileObjects> FileCache::objects() const {
  std::vector<FileObjects> all;
  all.reserve(entries_.size());
  for (const auto& [path, entry] : entries_) {
    if (entry.objects) all.push_back(*entry.objects);
  }
  return all;
}

std::vector<const FileObjects*> FileCache::numbered_objects() {
  std::vector<const FileObjects*> all;
  all.reserve(entries_.size());
  for (auto& [path, entry] : entries_) {
    if (!entry.objects) continue;
    number_objects(*entry.objects, static_cast<uint32_t>(all.size()));
    all.push_back(&*entry.objects);
  }
  return all;
}

int64_t FileCache::modified_at(const std::string& path) const {
  const auto it = entries_.find(path);
  return it == entries_.end() ? 0 : it->second.fingerprint.mtime_ns;
}

}  // namespace clusterdns::registry
