#pragma once
// A temporary manifests directory for tests: write files, load them, clean up.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "registry/loader.h"

namespace clusterdns::testing {

class ManifestDir {
 public:
  ManifestDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "clusterdns-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ManifestDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ManifestDir(const ManifestDir&) = delete;
  ManifestDir& operator=(const ManifestDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& relative, const std::string& text) const {
    const auto file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
  void remove(const std::string& relative) const { std::filesystem::remove(path_ / relative); }

  registry::LoadResult load(const registry::ClusterOptions& options = {}) const {
    return registry::load_manifests(path_, options);
  }

 private:
  std::filesystem::path path_;
};

// All diagnostics, one formatted per line, for failure messages.
inline std::string format_all(const std::vector<registry::Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& diagnostic : diagnostics) text += diagnostic.format() + "\n";
  return text;
}

}  // namespace clusterdns::testing
