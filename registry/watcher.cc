#include "registry/watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <system_error>

namespace clusterdns::registry {

namespace {

// inotify reports "DIR/name"; the listing builds paths with operator/. Compare both in
// one spelling.
std::string normal_path(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().string();
}

std::string seconds_text(std::chrono::milliseconds period) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(period.count()) / 1000.0);
  return text;
}

int poll_timeout(std::optional<std::chrono::steady_clock::time_point> due) {
  if (!due) return -1;
  const auto wait = *due - std::chrono::steady_clock::now();
  if (wait <= std::chrono::steady_clock::duration::zero()) return 0;
  // Round up: waking a little early would only spin through another poll.
  const auto millis = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return static_cast<int>(std::min<int64_t>(millis, 60'000));
}

// Whether the listing would read a file of this name: a temp file (".x.tmp",
// "x.yaml.swp") finished or moved away is no manifest change of its own.
bool manifest_name(const std::filesystem::path& path) {
  return is_manifest_file_name(path.filename().string());
}

}  // namespace

Watcher::Watcher(std::filesystem::path dir, ClusterOptions options, WatcherOptions watch,
                 Callback on_change)
    : dir_(std::move(dir)),
      watch_options_(std::move(watch)),
      on_change_(std::move(on_change)),
      manifests_(dir_, std::move(options), watch_options_.source) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  // Watch before the first load, so a change made during the load is not missed.
  if (watch_options_.poll_period) {
    polling_ = true;
    poll_period_ = *watch_options_.poll_period;
  } else if (Status started = inotify_.start(dir_); !started.ok()) {
    switch_to_polling(started.error().message);
  }
  initial_ = manifests_.load_initial();
  thread_ = std::thread([this] { run(); });
}

Watcher::~Watcher() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void Watcher::wake() const {
  const uint64_t one = 1;
  // A full counter (never in practice) already means "wake up": ignoring is fine.
  [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof one);
}

void Watcher::reload_now() {
  reload_requested_ = true;
  wake();
}

void Watcher::stop() {
  stop_requested_ = true;
  wake();
  if (thread_.joinable()) thread_.join();
}

void Watcher::notice(const std::string& line) const {
  if (watch_options_.on_notice) {
    watch_options_.on_notice(line);
  } else {
    std::fprintf(stderr, "clusterdns: %s\n", line.c_str());
  }
}

void Watcher::switch_to_polling(const std::string& reason) {
  poll_period_ = watch_options_.poll_period.value_or(watch_options_.fallback_poll_period);
  polling_ = true;
  notice("cannot watch " + dir_.string() + " with inotify (" + reason + "); polling every " +
         seconds_text(poll_period_));
}

void Watcher::rescan(bool every_file, std::optional<Clock::time_point> settled_at) {
  const auto deferred = [this](const std::string& path) {
    return !writers_.empty() && writers_.count(normal_path(path)) != 0;
  };
  try {
    const ChangeSummary summary =
        manifests_.rescan(every_file ? RefreshMode::kEveryFile : RefreshMode::kChanged, deferred);
    recheck_at_.reset();
    if (manifests_.awaiting_stable()) {
      const auto debounce = watch_options_.debounce;
      recheck_at_ = Clock::now() + debounce;
      // Read early, found half written: the second look waits as long as it would have
      // had the first look waited for the whole debounce.
      if (settled_at) recheck_at_ = std::max(*recheck_at_, *settled_at + 2 * debounce);
    }
    if (summary.state_changed || !summary.diagnostics.empty() || every_file) {
      on_change_(manifests_.result(), summary);
    }
    manifests_.release_replaced();
  } catch (const std::exception& e) {
    // The thread must survive anything a file (or the callback) can throw: the next
    // change gets another chance, and the served state stays what it was.
    notice(std::string("reload failed: ") + e.what());
  }
}

std::optional<Watcher::Clock::time_point> Watcher::next_deadline() const {
  std::optional<Clock::time_point> due;
  const auto earliest = [&due](Clock::time_point at) {
    if (!due || at < *due) due = at;
  };
  const auto& options = watch_options_;
  if (burst_start_) {
    earliest(std::min(*last_event_ + quiet_period(), *burst_start_ + options.max_delay));
  }
  if (recheck_at_) earliest(*recheck_at_);
  if (polling_) earliest(next_poll_);
  for (const auto& [path, since] : writers_) earliest(since + options.writer_grace);
  return due;
}

void Watcher::take_inotify_events(Clock::time_point now) {
  InotifyWatch::Activity activity;
  const Status read = inotify_.read(activity);
  for (const auto& [path, open] : activity.writers) {
    if (open) {
      writers_.try_emplace(normal_path(path), now);
    } else {
      writers_.erase(normal_path(path));
    }
  }
  if (!read.ok()) {
    switch_to_polling(read.error().message);
    activity.changed = true;  // whatever happened meanwhile, look once now
    next_poll_ = now + poll_period_;
    writers_.clear();
  }
  for (const auto& [path, finished] : activity.finished) {
    const std::string normal = normal_path(path);
    if (!manifest_name(normal) && normal != normal_path(dir_.string())) continue;
    if (finished) {
      ++finished_[normal];
    } else {
      burst_other_ = true;  // a manifest renamed away: a removal
    }
  }
  if (activity.other || !read.ok()) burst_other_ = true;
  if (activity.changed) {
    if (!burst_start_) burst_start_ = now;
    last_event_ = now;
  }
}

bool Watcher::finished_file_burst() const {
  return !burst_other_ && writers_.empty() && finished_.size() == 1 &&
         finished_.begin()->second == 1;
}

std::chrono::milliseconds Watcher::quiet_period() const {
  const auto& options = watch_options_;
  return finished_file_burst() ? std::min(options.settle, options.debounce) : options.debounce;
}

bool Watcher::rescan_due(Clock::time_point now) {
  const auto& options = watch_options_;
  bool due = false;
  if (burst_start_ &&
      (now >= *last_event_ + quiet_period() || now >= *burst_start_ + options.max_delay)) {
    due = true;
  }
  if (recheck_at_ && now >= *recheck_at_) due = true;
  if (polling_ && now >= next_poll_) {
    due = true;
    next_poll_ = now + poll_period_;
  }
  // A writer that kept its file open past the grace period: read the file anyway.
  for (auto it = writers_.begin(); it != writers_.end();) {
    if (now < it->second + options.writer_grace) {
      ++it;
      continue;
    }
    it = writers_.erase(it);
    due = true;
  }
  return due;
}

void Watcher::run() {
  next_poll_ = Clock::now() + poll_period_;
  while (!stop_requested_) {
    struct pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {polling_ ? -1 : inotify_.fd(), POLLIN, 0}};
    if (::poll(fds, 2, poll_timeout(next_deadline())) < 0 && errno != EINTR) {
      notice(std::string("poll failed: ") + std::strerror(errno));
      return;
    }
    if ((fds[0].revents & POLLIN) != 0) {
      uint64_t count = 0;
      [[maybe_unused]] const ssize_t got = ::read(wake_fd_, &count, sizeof count);
    }
    if (stop_requested_) break;
    const bool every_file = reload_requested_.exchange(false);
    const auto now = Clock::now();
    if (!polling_ && (fds[1].revents & POLLIN) != 0) take_inotify_events(now);
    if (!rescan_due(now) && !every_file) continue;
    std::optional<Clock::time_point> settled_at;
    if (burst_start_ && finished_file_burst() && watch_options_.settle < watch_options_.debounce) {
      settled_at = last_event_;
    }
    burst_start_.reset();
    last_event_.reset();
    finished_.clear();
    burst_other_ = false;
    if (every_file && !polling_) {
      if (Status status = inotify_.rewatch(); !status.ok()) {
        switch_to_polling(status.error().message);
      }
    }
    rescan(every_file, settled_at);
  }
}

}  // namespace clusterdns::registry
