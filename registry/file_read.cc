#include "registry/file_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace clusterdns::registry {

namespace {

FileFingerprint fingerprint_from(const struct stat& info) {
  return FileFingerprint{
      static_cast<uint64_t>(info.st_dev), static_cast<uint64_t>(info.st_ino),
      static_cast<int64_t>(info.st_size),
      static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};
}

FileRead unreadable(std::string error) {
  FileRead read;
  read.outcome = FileRead::Outcome::kUnreadable;
  read.error = std::move(error);
  return read;
}

// ENOENT/ENOTDIR: the file (or a directory on its path) went away, which is a deletion,
// not an error.
bool means_missing(int error) {
  return error == ENOENT || error == ENOTDIR || error == ELOOP;
}

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::optional<FileFingerprint> fingerprint_of(const std::filesystem::path& file,
                                              std::string* error) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    if (error != nullptr && !means_missing(errno)) *error = std::strerror(errno);
    return std::nullopt;
  }
  return fingerprint_from(info);
}

FileRead read_manifest_bytes(const std::filesystem::path& file) {
  // O_NONBLOCK: a FIFO swapped in under a manifest's name must not hang the watcher.
  Descriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) {
    if (means_missing(errno)) return FileRead{};
    return unreadable(std::string("cannot read: ") + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return unreadable(std::strerror(errno));
  if (S_ISDIR(info.st_mode)) return unreadable("cannot read: is a directory");
  if (!S_ISREG(info.st_mode)) return unreadable("cannot read: not a regular file");
  if (info.st_size > kMaxManifestBytes) return unreadable("cannot read: file too large");

  FileRead read;
  read.outcome = FileRead::Outcome::kRead;
  read.fingerprint = fingerprint_from(info);
  // The size is a hint only: the file may grow or shrink while we read.
  read.text.resize(static_cast<size_t>(info.st_size) + 1);
  size_t used = 0;
  for (;;) {
    if (used == read.text.size()) {
      if (read.text.size() > static_cast<size_t>(kMaxManifestBytes)) {
        return unreadable("cannot read: file too large");
      }
      read.text.resize(read.text.size() * 2);
    }
    const ssize_t got = ::read(fd.get(), read.text.data() + used, read.text.size() - used);
    if (got < 0) {
      if (errno == EINTR) continue;
      return unreadable(std::string("cannot read: ") + std::strerror(errno));
    }
    if (got == 0) break;
    used += static_cast<size_t>(got);
  }
  read.text.resize(used);
  return read;
}

}  // namespace clusterdns::registry
