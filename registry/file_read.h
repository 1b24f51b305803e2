#pragma once
// Reading one manifest file while other programs may be rewriting, renaming or deleting
// it. Symlinks are followed (ConfigMap volumes: `pods.yaml -> ..data/pods.yaml`), and
// the identity of what was read (device, inode, size, mtime of the target) comes from
// the same open file descriptor as the bytes, so the two always agree.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace clusterdns::registry {

// What a file looked like when we read or stat'ed it. A changed fingerprint means the
// content may have changed; an unchanged one means it almost surely did not.
struct FileFingerprint {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileFingerprint&) const = default;
};

// stat() of the symlink-resolved target; nullopt when it does not exist (any more).
// Other failures (permission denied on a parent) also give nullopt with `error` set.
std::optional<FileFingerprint> fingerprint_of(const std::filesystem::path& file,
                                              std::string* error = nullptr);

struct FileRead {
  enum class Outcome : uint8_t {
    kRead,        // text holds the whole file
    kMissing,     // deleted (or renamed away) before or while we read it
    kUnreadable,  // permission denied, a directory, a FIFO, too large, I/O error
  };
  Outcome outcome = Outcome::kMissing;
  FileFingerprint fingerprint;
  std::string text;
  std::string error;  // for kUnreadable: a sentence for the log
};

// Manifests larger than this are refused rather than read into memory.
constexpr int64_t kMaxManifestBytes = int64_t{1} << 30;

FileRead read_manifest_bytes(const std::filesystem::path& file);

}  // namespace clusterdns::registry
