#pragma once
// Keeps the cluster state in step with the manifests directory (DESIGN.md §2, §3).
//
// The first load happens in the constructor, so `serve` can start answering with it;
// after that a thread of its own watches the directory with inotify (recursively,
// including directories created later and ConfigMap-style `..data` symlink swaps),
// waits for a burst of changes to go quiet (debounce), re-reads only the files whose
// fingerprint changed, re-assembles the state and hands it to the callback. Without
// inotify (unavailable, or the kernel's watch limit hit) it polls instead, with the
// same re-list and compare. Bad new content never replaces good old content: see
// FileCache and ManifestSet for the rules.
//
//   Watcher watcher(dir, cluster_options, {}, [&](const LoadResult& result,
//                                                 const ChangeSummary& summary) {
//     for (const auto& d : summary.diagnostics) log(d.format());
//     if (summary.state_changed) publish(build_snapshot(result.state));
//     log(summary.describe());
//   });
//   serve(watcher.initial());   // ... SIGHUP: watcher.reload_now();

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "registry/inotify_watch.h"
#include "registry/loader.h"
#include "registry/manifest_set.h"
#include "registry/options.h"

namespace clusterdns::registry {

struct WatcherOptions {
  // A rescan waits for this much quiet after the last event of a burst...
  std::chrono::milliseconds debounce{20};
  // ...but never longer than this after the burst's first event.
  std::chrono::milliseconds max_delay{200};
  // A burst that so far is one finished file (closed after writing, or renamed into
  // place: a write-temp-then-rename) with no file open for writing waits only this much
  // quiet (issue 6: the debounce is paid on every change). A second finished file, a
  // second write of the same file or any other event makes it a burst again, which
  // waits for the debounce. A file read this early that turns out half written gets its
  // second look no sooner than today's (two debounces after its last event).
  std::chrono::milliseconds settle{3};
  // Set (`--poll SECONDS`): poll at this period instead of using inotify.
  std::optional<std::chrono::milliseconds> poll_period;
  // The polling period when inotify cannot be used and poll_period is not set.
  std::chrono::milliseconds fallback_poll_period{2000};
  // A file left open for writing longer than this is read anyway (a writer that never
  // closes must not hide its file forever).
  std::chrono::milliseconds writer_grace{2000};
  // One line about the watcher itself ("inotify unavailable: polling every 2 s").
  // Default: `clusterdns: LINE` on stderr.
  std::function<void(const std::string& line)> on_notice;
  // The loader functions; tests replace them.
  ManifestSource source;
};

class Watcher {
 public:
  // Called on the watcher thread after each rescan that changed the state
  // (summary.state_changed), found new problems (summary.diagnostics), or was asked
  // for by reload_now(). `result` stays valid until the callback returns. When
  // summary.state_changed is false, `result` is the state already handed out.
  using Callback = std::function<void(const LoadResult& result, const ChangeSummary& summary)>;

  // Loads `dir` synchronously (see initial()), then starts watching it. Throws
  // std::system_error only when the process is out of file descriptors (eventfd).
  Watcher(std::filesystem::path dir, ClusterOptions options, WatcherOptions watch,
          Callback on_change);
  ~Watcher();  // stop()
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // The first load: bad objects skipped, the rest kept; diagnostics hold every problem.
  const LoadResult& initial() const { return initial_; }
  // The same, moved out (initial() is empty afterwards): the first state need not stay
  // in memory for the life of the process.
  LoadResult take_initial() { return std::move(initial_); }

  // Re-reads every file now (SIGHUP). Only stores a flag and writes to an eventfd, so it
  // may be called from any thread, even a signal handler.
  void reload_now();

  // Stops the thread and waits for it (and for a callback in progress). Idempotent;
  // call from one thread only, never from the callback.
  void stop();

  // Whether changes are found by polling (forced, or inotify unavailable).
  bool polling() const { return polling_.load(); }

 private:
  using Clock = std::chrono::steady_clock;

  void run();
  std::optional<Clock::time_point> next_deadline() const;  // nullopt: wait for events
  void take_inotify_events(Clock::time_point now);
  bool rescan_due(Clock::time_point now);
  // Whether the burst so far is a single finished file (WatcherOptions::settle).
  bool finished_file_burst() const;
  std::chrono::milliseconds quiet_period() const;
  // `settled_at`: the last event of a burst read after only `settle`.
  void rescan(bool every_file, std::optional<Clock::time_point> settled_at);
  void switch_to_polling(const std::string& reason);
  void notice(const std::string& line) const;
  void wake() const;

  std::filesystem::path dir_;
  WatcherOptions watch_options_;
  Callback on_change_;
  ManifestSet manifests_;
  LoadResult initial_;
  InotifyWatch inotify_;
  int wake_fd_ = -1;
  std::atomic<bool> polling_{false};
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> reload_requested_{false};
  std::chrono::milliseconds poll_period_{0};
  // Owned by the watcher thread:
  std::map<std::string, Clock::time_point> writers_;  // files open for writing, since
  std::optional<Clock::time_point> burst_start_;      // first event not yet rescanned
  std::optional<Clock::time_point> last_event_;       // latest event of that burst
  std::map<std::string, int> finished_;               // finished in that burst: how often
  bool burst_other_ = false;                          // that burst had other events too
  std::optional<Clock::time_point> recheck_at_;       // look again at unstable files
  Clock::time_point next_poll_;
  std::thread thread_;
};

}  // namespace clusterdns::registry
