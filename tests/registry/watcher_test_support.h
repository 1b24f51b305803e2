#pragma once
// Helpers for the watcher tests: a temp manifests tree written the ways real tools
// write (in place, temp-then-rename, slowly, ConfigMap `..data` swaps), and a
// recorder that waits, with a bound, for the watcher's callback.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "registry/watcher.h"

namespace clusterdns::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class WatchedTree {
 public:
  WatchedTree() {
    std::string pattern = (fs::temp_directory_path() / "clusterdns-watch-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~WatchedTree() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  WatchedTree(const WatchedTree&) = delete;
  WatchedTree& operator=(const WatchedTree&) = delete;

  const fs::path& path() const { return path_; }
  std::string file(const std::string& relative) const { return (path_ / relative).string(); }

  // In place: open with truncation, write, close (what `>` in a shell does).
  void write(const std::string& relative, const std::string& text) const {
    const auto file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + file.string());
  }

  // What editors and `kubectl ... > tmp && mv tmp file` do: the new content appears at once.
  void write_via_rename(const std::string& relative, const std::string& text) const {
    write(".tmp-" + fs::path(relative).filename().string(), text);
    fs::rename(path_ / (".tmp-" + fs::path(relative).filename().string()), path_ / relative);
  }

  // A slow writer: truncates, then writes `text` in `chunks` pieces with pauses, keeping
  // the file open all along.
  void write_slowly(const std::string& relative, const std::string& text, int chunks,
                    std::chrono::milliseconds pause) const {
    const auto file = path_ / relative;
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot open " + file.string());
    const size_t piece =
        (text.size() + static_cast<size_t>(chunks) - 1) / static_cast<size_t>(chunks);
    for (size_t at = 0; at < text.size(); at += piece) {
      if (at != 0) std::this_thread::sleep_for(pause);
      const size_t size = std::min(piece, text.size() - at);
      if (::write(fd, text.data() + at, size) != static_cast<ssize_t>(size)) {
        ::close(fd);
        throw std::runtime_error("short write");
      }
    }
    ::close(fd);
  }

  void remove(const std::string& relative) const { fs::remove_all(path_ / relative); }

 private:
  fs::path path_;
};

// A ConfigMap volume as the kubelet lays it out: `..<timestamp>/` holds the files,
// `..data -> ..<timestamp>`, and `NAME -> ..data/NAME` for each key.
class ConfigMapVolume {
 public:
  // `mount`: a directory under the tree, or "" for the tree itself.
  ConfigMapVolume(const WatchedTree& tree, std::string mount)
      : tree_(tree), mount_(std::move(mount)) {}

  // The kubelet's atomic update: new timestamped dir, `..data_tmp` symlink renamed over
  // `..data`, top-level symlinks for new keys, old dir removed.
  void publish(const std::vector<std::pair<std::string, std::string>>& files) {
    const fs::path root = mount_.empty() ? tree_.path() : tree_.path() / mount_;
    const std::string prefix = mount_.empty() ? "" : mount_ + "/";
    fs::create_directories(root);
    const std::string version = "..2024_01_01_00_00_0" + std::to_string(++generation_) + ".123";
    for (const auto& [name, text] : files) tree_.write(prefix + version + "/" + name, text);
    fs::create_directory_symlink(version, root / "..data_tmp");
    fs::rename(root / "..data_tmp", root / "..data");
    for (const auto& [name, text] : files) {
      std::error_code exists;
      fs::create_symlink(fs::path("..data") / name, root / name, exists);
    }
    if (!previous_.empty()) fs::remove_all(root / previous_);
    previous_ = version;
  }

 private:
  const WatchedTree& tree_;
  std::string mount_;
  std::string previous_;
  int generation_ = 0;
};

// Records every callback; waits for one that satisfies a condition, at most `timeout`.
class Reloads {
 public:
  registry::Watcher::Callback callback() {
    return [this](const registry::LoadResult& result, const registry::ChangeSummary& summary) {
      std::lock_guard lock(mutex_);
      results_.push_back(result);
      summaries_.push_back(summary);
      changed_.notify_all();
    };
  }

  // The latest state once `ready(state)` holds for it.
  bool wait_for(const std::function<bool(const registry::LoadResult&)>& ready,
                std::chrono::milliseconds timeout = 5000ms) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout,
                             [&] { return !results_.empty() && ready(results_.back()); });
  }

  // Waits for at least `count` callbacks in all.
  bool wait_for_count(size_t count, std::chrono::milliseconds timeout = 5000ms) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return results_.size() >= count; });
  }

  size_t count() const {
    std::lock_guard lock(mutex_);
    return results_.size();
  }
  registry::LoadResult last() const {
    std::lock_guard lock(mutex_);
    return results_.back();
  }
  std::vector<registry::ChangeSummary> summaries() const {
    std::lock_guard lock(mutex_);
    return summaries_;
  }
  // Every diagnostic reported in any summary, formatted, one per line.
  std::string reported() const {
    std::lock_guard lock(mutex_);
    return reported_locked();
  }

  // Waits for a reload that reports a problem mentioning `text`.
  bool wait_for_report(const std::string& text, std::chrono::milliseconds timeout = 5000ms) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout,
                             [&] { return reported_locked().find(text) != std::string::npos; });
  }
  // Whether any state handed out so far satisfies `seen`.
  bool ever(const std::function<bool(const registry::LoadResult&)>& seen) const {
    std::lock_guard lock(mutex_);
    return std::any_of(results_.begin(), results_.end(), seen);
  }

 private:
  std::string reported_locked() const {
    std::string text;
    for (const auto& summary : summaries_) {
      for (const auto& diagnostic : summary.diagnostics) text += diagnostic.format() + "\n";
    }
    return text;
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<registry::LoadResult> results_;
  std::vector<registry::ChangeSummary> summaries_;
};

// --- the seed story (a Deployment's three pods behind a NodePort Service) ---

inline std::string seed_service() {
  return R"(apiVersion: v1
kind: Service
metadata:
  name: dnsservices
  namespace: default
spec:
  clusterIP: 10.1.146.200
  selector:
    app: dns
  type: NodePort
  ports:
  - name: tcpdns
    port: 53
    targetPort: 53
    protocol: TCP
  - name: udpdns
    port: 53
    targetPort: 53
    nodePort: 53
    protocol: UDP
  - name: web
    port: 5001
    targetPort: 5001
    nodePort: 5001
    protocol: TCP
)";
}

inline std::string seed_pod(const std::string& name, const std::string& ip,
                            const std::string& node) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name +
         "\n  namespace: default\n  labels:\n    app: dns\nspec:\n  nodeName: " + node +
         "\n  containers:\n  - name: sampledns2\n    image: docker.io/xxxxxxxx/sample-dns\n"
         "    ports:\n    - {name: tcpdns, containerPort: 53, protocol: TCP}\n"
         "    - {name: udpdns, containerPort: 53, protocol: UDP}\n"
         "    - {name: web, containerPort: 5001, protocol: TCP}\n"
         "status:\n  phase: Running\n  podIP: " +
         ip + "\n  podIPs:\n  - ip: " + ip +
         "\n  conditions:\n  - type: Ready\n    status: \"True\"\n";
}

inline std::string seed_pods(bool replaced) {
  return seed_pod(replaced ? "sampledns-77c56c9fb9-gcqcd" : "sampledns-77c56c9fb9-6twzl",
                  replaced ? "10.244.2.206" : "10.244.2.205", "node2") +
         "---\n" + seed_pod("sampledns-77c56c9fb9-g97jw", "10.244.1.195", "node1") + "---\n" +
         seed_pod("sampledns-77c56c9fb9-l7j5x", "10.244.1.194", "node1");
}

inline const registry::Pod* find_pod(const registry::LoadResult& result, const std::string& name) {
  for (const auto& pod : result.state.pods) {
    if (pod.name == name) return &pod;
  }
  return nullptr;
}

inline bool has_pod(const registry::LoadResult& result, const std::string& name) {
  return find_pod(result, name) != nullptr;
}

inline bool has_service(const registry::LoadResult& result, const std::string& ns,
                        const std::string& name) {
  return result.state.find_service(ns, name) != nullptr;
}

// Ready endpoint addresses of default/NAME, sorted.
inline std::vector<std::string> ready_addresses(const registry::LoadResult& result,
                                                const std::string& name) {
  std::vector<std::string> addresses;
  if (const auto endpoints = result.state.find_endpoints("default", name)) {
    for (const auto& subset : endpoints->subsets) {
      for (const auto& address : subset.addresses) addresses.push_back(address.ip.to_string());
    }
  }
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

inline std::string formatted_diagnostics(const std::vector<registry::Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& diagnostic : diagnostics) text += diagnostic.format() + "\n";
  return text;
}

// Fast timings for tests: changes show within tens of milliseconds.
inline registry::WatcherOptions quick_options() {
  registry::WatcherOptions options;
  options.debounce = 20ms;
  options.max_delay = 200ms;
  options.on_notice = [](const std::string&) {};
  return options;
}

}  // namespace clusterdns::testing
