// The reload fast path (registry/state_patch.h, issue 6) must never show: after any
// sequence of file changes, a ManifestSet that patches its state holds exactly what one
// that always re-assembles from scratch holds, errors and refusals included.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "registry/loader.h"
#include "registry/manifest_set.h"
#include "tests/registry/manifest_dir.h"

namespace clusterdns::registry {
namespace {

using testing::format_all;
using testing::ManifestDir;

std::string numbered(const char* prefix, size_t n, const char* suffix = "") {
  std::string text = prefix;
  text += std::to_string(n);
  text += suffix;
  return text;
}

std::string service_doc(const std::string& ns, const std::string& name, const std::string& app,
                        const std::string& cluster_ip) {
  return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\nspec:\n  clusterIP: " + cluster_ip + "\n  selector:\n    app: " + app +
         "\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n";
}

std::string pod_doc(const std::string& ns, const std::string& name, const std::string& app,
                    size_t ip, bool ready) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\n  labels:\n    app: " + app +
         "\nspec:\n  containers:\n  - name: app\n    ports:\n    - name: http\n"
         "      containerPort: 8080\nstatus:\n  phase: Running\n  podIP: " +
         numbered("10.244.0.", ip) + "\n  conditions:\n  - type: Ready\n    status: \"" +
         (ready ? "True" : "False") + "\"\n";
}

std::string slice_doc(const std::string& ns, const std::string& name, const std::string& service,
                      size_t ip) {
  return "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns + "\n  labels:\n    kubernetes.io/service-name: " + service +
         "\naddressType: IPv4\nendpoints:\n- addresses:\n  - " + numbered("10.245.0.", ip) +
         "\nports:\n- name: http\n  port: 80\n";
}

// Files a test writes: base files with Services and pods, and small files of pods,
// EndpointSlices and Namespaces, named to sort before, between and after the base files.
class Story {
 public:
  // clashes: small files may duplicate objects; base files may take another's ClusterIP.
  Story(unsigned seed, bool clashes) : random_(seed), clashes_(clashes) {}

  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random_); }
  std::string ns() { return numbered("team-", pick(3)); }
  std::string app() { return numbered("app-", pick(4)); }

  std::string base_file(const std::string& ns, size_t variant) {
    std::string text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n";
    for (size_t i = 0; i < 4; ++i) {
      // Variant 1 takes a ClusterIP another base file holds: a clash across files.
      const std::string ip = i == 3 ? "None"
                             : variant == 1 && i == 0
                                 ? "10.96.1.1"
                                 : "10.96." + ns.substr(5) + "." + std::to_string(10 + i);
      text += "---\n" + service_doc(ns, numbered("svc-", i), numbered("app-", i), ip);
    }
    if (ns == "team-1") text += "---\n" + service_doc(ns, "plain", "none", "10.96.1.1");
    // Without a selector: its endpoints come from EndpointSlices, else an Endpoints object.
    text += "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: external\n  namespace: " + ns +
            "\nspec:\n  ports:\n  - name: http\n    port: 80\n";
    for (size_t i = 0; i < 3; ++i) {
      text += "---\n" + pod_doc(ns, numbered("base-pod-", i + variant * 10), numbered("app-", i),
                                20 + i, true);
    }
    return text;
  }

  // A small file: mostly pods; sometimes a duplicate of a base pod, a slice, a
  // Namespace, or a document that does not decode.
  std::string small_file() {
    std::string text;
    const size_t documents = 1 + pick(3);
    for (size_t d = 0; d < documents; ++d) {
      if (!text.empty()) text += "---\n";
      const std::string space = ns();
      switch (pick(11)) {
        case 0:  // the same name as a base pod: a duplicate object
          if (clashes_)
            text += pod_doc(space, "base-pod-0", app(), 100 + pick(50), true);
          else
            text += pod_doc(space, numbered("other-pod-", pick(1000)), app(), 1 + pick(50), true);
          break;
        case 1:
          text += slice_doc(space, numbered("slice-", pick(3)), pick(2) ? "external" : "svc-3",
                            1 + pick(50));
          break;
        case 9:
          text += "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: external\n  namespace: " +
                  space +
                  "\nsubsets:\n- addresses:\n  - ip: " + numbered("10.246.0.", 1 + pick(50)) +
                  "\n  ports:\n  - name: http\n    port: 80\n";
          break;
        case 2:
          text +=
              "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + numbered("extra-", pick(3)) +
              "\n";
          break;
        case 3:
          text += "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"unclosed\n";
          break;
        case 4:
          text += "apiVersion: v1\nkind: Pod\nmetadata:\n  name: no-namespace-ip\n  namespace: " +
                  space + "\nstatus:\n  podIP: 999.1.1.1\n";
          break;
        default:
          text += pod_doc(space, numbered("pod-", pick(12)), app(), 100 + pick(50), pick(3) != 0);
          break;
      }
    }
    return text;
  }

 private:
  std::mt19937 random_;
  bool clashes_;
};

// What a rescan reported, in comparable form.
std::string summary_text(const ChangeSummary& summary) {
  std::string text = summary.state_changed ? "changed\n" : "unchanged\n";
  for (const auto& path : summary.rejected) text += "rejected " + path + "\n";
  return text + format_all(summary.diagnostics);
}

void write_by_rename(const ManifestDir& dir, const std::string& name, const std::string& text) {
  // A hidden name: the listing skips it, as it skips an editor's temp file.
  dir.write(".incoming.tmp", text);
  std::filesystem::create_directories((dir.path() / name).parent_path());
  std::filesystem::rename(dir.path() / ".incoming.tmp", dir.path() / name);
}

void run_story(unsigned seed, int rounds, const ClusterOptions& options, bool clashes) {
  ManifestDir dir;
  Story story(seed, clashes);
  const std::vector<std::string> small = {"a-pods.yaml", "m-pods.yaml", "team-0-pods.yaml",
                                          "z-pods.yaml", "zz/pods.yaml"};
  for (size_t i = 0; i < 3; ++i) {
    dir.write(numbered("team-", i, ".yaml"), story.base_file(numbered("team-", i), 0));
  }
  dir.write("m-pods.yaml", story.small_file());
  ManifestSet patched(dir.path(), options);
  // The real assemble passed in explicitly: this one never takes the fast path.
  ManifestSource full;
  full.assemble = [](std::span<const FileObjects* const> files, const ClusterOptions& opts,
                     const ClusterState* previous) {
    return assemble_cluster(files, opts, previous);
  };
  ManifestSet reference(dir.path(), options, full);
  ASSERT_TRUE(patched.load_initial() == reference.load_initial());
  for (int round = 0; round < rounds; ++round) {
    const size_t what = story.pick(clashes ? 10 : 9);
    if (what < 5) {
      write_by_rename(dir, small[story.pick(small.size())], story.small_file());
    } else if (what < 7) {
      dir.remove(small[story.pick(small.size())]);
    } else if (what < 8) {
      const size_t base = story.pick(3);
      write_by_rename(dir, numbered("team-", base, ".yaml"),
                      story.base_file(numbered("team-", base), story.pick(clashes ? 3 : 1) * 2));
    } else {
      dir.write(small[story.pick(small.size())], story.small_file());  // in place
    }
    // A file that failed once is looked at again, like the watcher does.
    for (int look = 0; look < 2; ++look) {
      const RefreshMode mode = round % 7 == 0 ? RefreshMode::kEveryFile : RefreshMode::kChanged;
      const std::string got = summary_text(patched.rescan(mode));
      const std::string want = summary_text(reference.rescan(mode));
      ASSERT_EQ(got, want) << "round " << round;
      ASSERT_TRUE(patched.result() == reference.result())
          << "round " << round << "\n"
          << format_all(patched.result().diagnostics) << "---\n"
          << format_all(reference.result().diagnostics);
      patched.release_replaced();
      reference.release_replaced();
    }
  }
}

TEST(StatePatch, RescansEqualAFullReassemblyThroughAddsChangesRemovesAndErrors) {
  for (unsigned seed = 1; seed <= 6; ++seed) run_story(seed, 60, {}, /*clashes=*/true);
}

// Without clashes most rescans take the fast path, renumbering files included.
TEST(StatePatch, RescansEqualAFullReassemblyWhenNothingClashes) {
  for (unsigned seed = 11; seed <= 14; ++seed) run_story(seed, 60, {}, /*clashes=*/false);
}

TEST(StatePatch, SimulatedPodsTakeTheFullPathAndStillAgree) {
  ClusterOptions options;
  options.simulate_pods = *IpPrefix::parse("10.200.0.0/16");
  run_story(42, 30, options, /*clashes=*/true);
}

TEST(StatePatch, APodFileRenamedInEqualsAFreshLoadOfTheDirectory) {
  ManifestDir dir;
  Story story(7, /*clashes=*/false);
  for (size_t i = 0; i < 3; ++i) {
    dir.write(numbered("team-", i, ".yaml"), story.base_file(numbered("team-", i), 0));
  }
  ManifestSet set(dir.path(), {});
  set.load_initial();
  for (size_t ip = 1; ip <= 4; ++ip) {
    // Named to sort first: every other file's index moves.
    write_by_rename(dir, "a.yaml", pod_doc("team-1", "extra", "app-0", ip, ip % 2 == 0));
    ASSERT_TRUE(set.rescan(RefreshMode::kChanged).state_changed);
    const LoadResult fresh = load_manifests(dir.path(), {});
    ASSERT_TRUE(set.result() == fresh) << format_all(fresh.diagnostics);
    const std::optional<Endpoints> endpoints = set.result().state.find_endpoints("team-1", "svc-0");
    ASSERT_TRUE(endpoints);
  }
  dir.remove("a.yaml");
  ASSERT_TRUE(set.rescan(RefreshMode::kChanged).state_changed);
  EXPECT_TRUE(set.result() == load_manifests(dir.path(), {}));
}

}  // namespace
}  // namespace clusterdns::registry
