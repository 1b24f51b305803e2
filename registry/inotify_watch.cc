#include "registry/inotify_watch.h"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <system_error>

namespace clusterdns::registry {

namespace {

// IN_CLOSE_WRITE rather than IN_MODIFY marks a finished write; IN_MODIFY only tells
// that a writer is busy. IN_EXCL_UNLINK: no events for files already deleted.
constexpr uint32_t kDirectoryEvents = IN_CREATE | IN_CLOSE_WRITE | IN_MODIFY | IN_DELETE |
                                      IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                                      IN_ATTRIB | IN_ONLYDIR | IN_EXCL_UNLINK;

// Deeper trees than this are a symlink loop or a mistake; list_manifest_files stops too.
constexpr size_t kMaxDepth = 64;

Error watch_error(const std::string& what, int error) {
  if (error == ENOSPC) {
    return Error{what + ": inotify watch limit reached (fs.inotify.max_user_watches)"};
  }
  return Error{what + ": " + std::strerror(error)};
}

bool is_directory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

// A regular file just created and not (yet) hard-linked elsewhere: its creator holds
// it open for writing, and IN_CLOSE_WRITE will follow.
bool is_fresh_regular_file(const std::string& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && info.st_nlink == 1;
}

}  // namespace

InotifyWatch::~InotifyWatch() {
  close_fd();
}

void InotifyWatch::close_fd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  paths_.clear();
}

Status InotifyWatch::start(const std::filesystem::path& root) {
  close_fd();
  std::error_code error;
  single_file_ = std::filesystem::is_regular_file(root, error);
  root_ = single_file_ ? root.parent_path() : root;
  if (root_.empty()) root_ = ".";
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return watch_error("inotify_init1", errno);
  return rewatch();
}

Status InotifyWatch::rewatch() {
  std::map<int, std::string> watched;
  std::vector<std::pair<std::string, size_t>> pending{{root_.string(), 0}};
  std::vector<std::filesystem::path> link_targets;
  while (!pending.empty()) {
    auto [dir, depth] = std::move(pending.back());
    pending.pop_back();
    const int wd = ::inotify_add_watch(fd_, dir.c_str(), kDirectoryEvents);
    if (wd < 0) {
      if (errno == ENOSPC || errno == ENOMEM) return watch_error(dir, errno);
      if (dir == root_.string()) return watch_error(dir, errno);
      continue;  // vanished, replaced by a file, or unreadable: nothing to watch there
    }
    // The same directory reached twice (`..data` → `..2024_…`): one watch, one walk.
    if (!watched.emplace(wd, dir).second) continue;
    if (single_file_ || depth >= kMaxDepth) continue;
    std::error_code error;
    for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
         it.increment(error)) {
      std::error_code kind_error;
      if (it->is_directory(kind_error)) {
        pending.emplace_back(it->path().string(), depth + 1);
      } else if (it->is_symlink(kind_error)) {
        link_targets.push_back(it->path());
      }
    }
  }
  // `pods.yaml -> /srv/k8s/pods.yaml`: an in-place write there must be seen too, so the
  // target's directory is watched (after the tree, whose walk must see each of its
  // directories first).
  for (const auto& link : link_targets) {
    std::error_code error;
    const auto target = std::filesystem::canonical(link, error);
    if (error || !std::filesystem::is_regular_file(target, error)) continue;
    const auto dir = target.parent_path().string();
    const int wd = ::inotify_add_watch(fd_, dir.c_str(), kDirectoryEvents);
    if (wd < 0 && (errno == ENOSPC || errno == ENOMEM)) return watch_error(dir, errno);
    if (wd >= 0) watched.emplace(wd, dir);
  }
  for (const auto& [wd, dir] : paths_) {
    if (watched.count(wd) == 0) ::inotify_rm_watch(fd_, wd);
  }
  paths_ = std::move(watched);
  return Status::success();
}

void InotifyWatch::note(uint32_t mask, const std::string& path, Activity& activity,
                        bool& rewalk) const {
  if ((mask & IN_MODIFY) != 0) activity.writers.emplace_back(path, true);
  if ((mask & IN_CLOSE_WRITE) != 0) {
    activity.writers.emplace_back(path, false);
    activity.finished.emplace_back(path, true);
    activity.changed = true;
  }
  if ((mask & IN_CREATE) != 0) {
    if ((mask & IN_ISDIR) == 0 && is_fresh_regular_file(path)) {
      activity.writers.emplace_back(path, true);  // judged when its writer closes it
    } else {
      activity.changed = true;
      if ((mask & IN_ISDIR) != 0 || is_directory(path)) {
        rewalk = true;
        activity.other = true;
      } else {
        // A symlink or hard link: its content is there already. (Or a file gone by now,
        // such as the temp file of a rename into place.)
        activity.finished.emplace_back(path, true);
      }
    }
  }
  if ((mask & (IN_DELETE | IN_MOVED_FROM)) != 0) {
    activity.writers.emplace_back(path, false);
    activity.changed = true;
    if ((mask & IN_ISDIR) != 0) rewalk = true;
    // A file moved away may be the temp file of a rename into place: the watcher judges.
    if ((mask & IN_MOVED_FROM) != 0 && (mask & IN_ISDIR) == 0) {
      activity.finished.emplace_back(path, false);
    } else {
      activity.other = true;
    }
  }
  if ((mask & IN_MOVED_TO) != 0) {
    activity.changed = true;
    // A symlink renamed into place may point at a directory (`..data_tmp` → `..data`).
    if ((mask & IN_ISDIR) != 0 || is_directory(path)) {
      rewalk = true;
      activity.other = true;
    } else {
      activity.finished.emplace_back(path, true);
    }
  }
  if ((mask & IN_ATTRIB) != 0) {  // chmod: readable again, or not
    activity.changed = true;
    activity.other = true;
  }
  if ((mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) {
    activity.changed = true;
    activity.other = true;
    rewalk = true;
  }
}

Status InotifyWatch::read(Activity& activity) {
  if (fd_ < 0) return Error{"inotify is not running"};
  alignas(struct inotify_event) char buffer[16 * 1024];
  bool rewalk = false;
  for (;;) {
    const ssize_t got = ::read(fd_, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      return watch_error("inotify read", errno);
    }
    if (got == 0) break;
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const struct inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(struct inotify_event) + event->len);
      if ((event->mask & IN_Q_OVERFLOW) != 0) {  // events were lost: assume anything
        activity.changed = true;
        activity.other = true;
        rewalk = true;
        continue;
      }
      const auto dir = paths_.find(event->wd);
      if (dir == paths_.end()) continue;  // a watch we already dropped
      std::string path = dir->second;
      if (event->len > 0) {
        path += '/';
        path += event->name;
      }
      note(event->mask, path, activity, rewalk);
    }
  }
  if (!rewalk) return Status::success();
  Status status = rewatch();
  if (!status.ok()) return status;
  if (paths_.empty()) {
    std::string message = root_.string();
    message += ": no longer watchable";  // appended: `+` trips a g++ 12 -Wrestrict false positive
    return Error{std::move(message)};
  }
  return Status::success();
}

}  // namespace clusterdns::registry
