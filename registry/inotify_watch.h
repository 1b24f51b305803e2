#pragma once
// inotify(7) on a manifests directory and every directory under it, including ones
// created later, dot-directories (ConfigMap volumes keep their data in `..2024_…/`)
// and directories reached through symlinks. It only says *that* something changed;
// the watcher re-lists and compares fingerprints to find out *what*.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "dns/result.h"

namespace clusterdns::registry {

class InotifyWatch {
 public:
  InotifyWatch() = default;
  ~InotifyWatch();
  InotifyWatch(const InotifyWatch&) = delete;
  InotifyWatch& operator=(const InotifyWatch&) = delete;

  // Watches `root` (a directory, or a single manifest file: then its directory) and
  // everything under it. Fails when inotify is unavailable or the kernel's watch limit
  // (fs.inotify.max_user_watches) is reached: the caller polls instead.
  Status start(const std::filesystem::path& root);

  // Readable when events are queued (for poll(2)).
  int fd() const { return fd_; }

  // What the queued events amount to.
  struct Activity {
    bool changed = false;  // rescan: something was created, closed, deleted, renamed
    // Files opened for writing (true) and closed again (false), in event order: a file
    // still being written is left alone until it is closed, so a slow writer's
    // half-file is never read in between.
    std::vector<std::pair<std::string, bool>> writers;
    // Files finished (true: closed after writing, or a file renamed into place) and
    // files renamed away (false: a removal, or the temp file of a rename into place),
    // in event order; `other` tells that something else
    // happened too (a deletion, a directory, a chmod, lost events). A burst that is one
    // finished file can be read at once; anything else waits for the burst to end.
    std::vector<std::pair<std::string, bool>> finished;
    bool other = false;
  };

  // Reads every queued event without blocking, watching new directories as they
  // appear. An error means the watch can no longer be trusted (watch limit hit, root
  // gone): the caller should poll instead.
  Status read(Activity& activity);

  // Re-walks the tree so that every directory is watched and none is watched twice.
  Status rewatch();

 private:
  void close_fd();
  void note(uint32_t mask, const std::string& path, Activity& activity, bool& rewalk) const;

  int fd_ = -1;
  std::filesystem::path root_;
  bool single_file_ = false;
  std::map<int, std::string> paths_;  // watch descriptor → directory
};

}  // namespace clusterdns::registry
