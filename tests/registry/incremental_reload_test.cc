// Reloads reuse what did not change (issue 6): unchanged documents of a changed file are
// not parsed again, and unchanged namespaces keep their endpoints. Reuse must never
// show: after any sequence of edits the state equals a fresh load of the same files.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "registry/loader.h"
#include "registry/manifest_set.h"
#include "tests/registry/manifest_dir.h"

namespace clusterdns::registry {
namespace {

using testing::ManifestDir;

constexpr int kRounds = 80;

// prefix + n (appended piece by piece: `"x" + std::to_string()` trips a g++ 12 -Wrestrict
// false positive).
std::string numbered(const char* prefix, size_t n, const char* suffix = "") {
  std::string text = prefix;
  text += std::to_string(n);
  text += suffix;
  return text;
}

std::string namespace_doc(const std::string& ns) {
  return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n";
}

std::string service_doc(const std::string& ns, const std::string& name, const std::string& app,
                        bool headless) {
  return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\nspec:\n" + (headless ? "  clusterIP: None\n" : "") + "  selector:\n    app: " + app +
         "\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n";
}

std::string pod_doc(const std::string& ns, const std::string& name, const std::string& app, int ip,
                    bool ready) {
  const std::string address = numbered("10.244.0.", static_cast<size_t>(ip));
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\n  labels:\n    app: " + app +
         "\nspec:\n  containers:\n  - name: app\n    ports:\n    - name: http\n"
         "      containerPort: 8080\nstatus:\n  phase: Running\n  podIP: " +
         address + "\n  conditions:\n  - type: Ready\n    status: \"" + (ready ? "True" : "False") +
         "\"\n";
}

// Documents that decode with errors, or do not parse at all.
std::string broken_doc(int which) {
  switch (which % 3) {
    case 0:
      return "apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports:\n"
             "  - port: eighty\n";
    case 1:
      return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"unclosed\n";
    default:
      return "kind: Service\nmetadata:\n  name: no-api-version\n";
  }
}

std::string join(const std::vector<std::string>& documents) {
  std::string text;
  for (const auto& document : documents) {
    if (!text.empty()) text += "---\n";
    text += document;
  }
  return text;
}

// One file's documents, edited at random.
class RandomFile {
 public:
  // duplicates: edits may define an object twice (which a reload refuses, keeping the
  // file's previous objects, while a fresh load keeps the first copy).
  RandomFile(std::string ns, std::mt19937& random, bool duplicates)
      : ns_(std::move(ns)), random_(random), duplicates_(duplicates) {
    documents_.push_back(namespace_doc(ns_));
    for (int i = 0; i < 4; ++i)
      documents_.push_back(service_doc(ns_, numbered("svc-", static_cast<size_t>(i)),
                                       app(static_cast<size_t>(i)), i % 2 == 1));
    for (int i = 0; i < 12; ++i) documents_.push_back(new_pod());
  }

  // One edit a user might make; with_errors adds documents that do not decode.
  void edit(bool with_errors) {
    const size_t at = 1 + pick(documents_.size());
    switch (pick(with_errors ? 8 : 7)) {
      case 0:  // a pod's readiness or address changes in place
      case 1:
        documents_[std::min(at, documents_.size() - 1)] = new_pod();
        break;
      case 2:  // a document goes away: everything after it moves up
        if (documents_.size() > 2)
          documents_.erase(documents_.begin() +
                           static_cast<long>(std::min(at, documents_.size() - 1)));
        break;
      case 3:  // a new pod in the middle: everything after it moves down
        documents_.insert(documents_.begin() + static_cast<long>(std::min(at, documents_.size())),
                          new_pod());
        break;
      case 4:  // a Service selects another app
        if (duplicates_) {
          documents_.push_back(
              service_doc(ns_, numbered("svc-", pick(6)), app(pick(4)), pick(2) == 1));
        } else {
          documents_.push_back(
              service_doc(ns_, numbered("svc-", next_name_++), app(pick(4)), pick(2) == 1));
        }
        break;
      case 5:  // a comment at the top moves every document
        documents_.front() = "# edited\n" + documents_.front();
        break;
      case 6:  // the same document twice (a duplicate object)
        if (duplicates_) documents_.push_back(documents_[std::min(at, documents_.size() - 1)]);
        break;
      default:
        documents_.insert(documents_.begin() + static_cast<long>(std::min(at, documents_.size())),
                          broken_doc(static_cast<int>(pick(3))));
        break;
    }
  }

  std::string text() const { return join(documents_); }

 private:
  static std::string app(size_t i) { return numbered("app-", i); }
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random_); }
  std::string new_pod() {
    // Without duplicates, names never repeat (a duplicate is refused by a reload).
    const size_t name = duplicates_ ? pick(20) : next_name_++;
    return pod_doc(ns_, numbered("pod-", name), app(pick(4)), static_cast<int>(1 + pick(250)),
                   pick(3) != 0);
  }

  std::string ns_;
  std::mt19937& random_;
  bool duplicates_;
  size_t next_name_ = 100;
  std::vector<std::string> documents_;
};

TEST(IncrementalReload, ReparsingWithThePreviousObjectsGivesWhatAFreshParseGives) {
  std::mt19937 random(6);
  RandomFile file("team-a", random, /*duplicates=*/true);
  FileObjects previous = parse_manifest_text("dir/team-a.yaml", file.text());
  for (int round = 0; round < kRounds; ++round) {
    file.edit(/*with_errors=*/true);
    const std::string text = file.text();
    FileObjects reused = parse_manifest_text("dir/team-a.yaml", text, &previous);
    const FileObjects fresh = parse_manifest_text("dir/team-a.yaml", text);
    ASSERT_TRUE(reused == fresh) << "round " << round << "\n" << text;
    previous = std::move(reused);
  }
}

// A kind: List document may append more objects than a document's record counts
// (ParsedDocument::kMaxDocumentCount): then the file is parsed whole, with the same result.
TEST(IncrementalReload, ADocumentWithManyObjectsStillReparsesToWhatAFreshParseGives) {
  for (const size_t items : {ParsedDocument::kMaxDocumentCount + size_t{0},
                             ParsedDocument::kMaxDocumentCount + size_t{1}}) {
    std::string list = "apiVersion: v1\nkind: List\nitems:\n";
    for (size_t i = 0; i < items; ++i) {
      list += numbered("- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s", i);
      list += "\n    namespace: team-a\n  spec:\n    clusterIP: None\n";
    }
    const std::string before = namespace_doc("team-a") + "---\n" + list + "---\n" +
                               pod_doc("team-a", "web-0", "web", 1, true);
    const std::string after = namespace_doc("team-a") + "---\n" + list + "---\n" +
                              pod_doc("team-a", "web-0", "web", 2, false);
    const FileObjects previous = parse_manifest_text("dir/team-a.yaml", before);
    ASSERT_EQ(previous.services.size(), items);
    const FileObjects reused = parse_manifest_text("dir/team-a.yaml", after, &previous);
    const FileObjects fresh = parse_manifest_text("dir/team-a.yaml", after);
    EXPECT_TRUE(reused == fresh) << items << " items";
    ASSERT_EQ(reused.pods.size(), 1u);
    EXPECT_FALSE(reused.pods[0].ready);
  }
}

TEST(IncrementalReload, ReassemblingWithThePreviousStateGivesWhatAFreshAssemblyGives) {
  std::mt19937 random(8);
  std::vector<RandomFile> files;
  for (const char* ns : {"team-a", "team-b", "team-c"}) files.emplace_back(ns, random, true);
  std::vector<FileObjects> parsed;
  for (size_t i = 0; i < files.size(); ++i) {
    parsed.push_back(parse_manifest_text(numbered("f", i, ".yaml"), files[i].text()));
  }
  LoadResult previous = assemble_cluster(parsed, {});
  for (int round = 0; round < kRounds; ++round) {
    const size_t changed = std::uniform_int_distribution<size_t>(0, files.size() - 1)(random);
    files[changed].edit(/*with_errors=*/round % 4 == 0);
    parsed[changed] = parse_manifest_text(parsed[changed].path, files[changed].text());
    std::vector<const FileObjects*> pointers;
    for (const auto& file : parsed) pointers.push_back(&file);
    LoadResult reused = assemble_cluster(pointers, {}, &previous.state);
    const LoadResult fresh = assemble_cluster(parsed, {});
    ASSERT_TRUE(reused == fresh) << "round " << round;
    previous = std::move(reused);
  }
}

TEST(IncrementalReload, EveryRescanEqualsAFreshLoadOfTheDirectory) {
  ManifestDir dir;
  std::mt19937 random(10);
  std::vector<RandomFile> files;
  for (const char* ns : {"team-a", "team-b"}) files.emplace_back(ns, random, false);
  const auto write = [&](size_t i) { dir.write(numbered("team-", i, ".yaml"), files[i].text()); };
  for (size_t i = 0; i < files.size(); ++i) write(i);
  ManifestSet set(dir.path(), {});
  ASSERT_TRUE(set.load_initial().state == load_manifests(dir.path(), {}).state);
  for (int round = 0; round < kRounds / 2; ++round) {
    const size_t changed = std::uniform_int_distribution<size_t>(0, files.size() - 1)(random);
    files[changed].edit(/*with_errors=*/false);
    write(changed);
    // Every file is read (not only those whose size or mtime changed): a rewrite within
    // the same timestamp must not be missed by the comparison.
    const ChangeSummary summary = set.rescan(RefreshMode::kEveryFile);
    ASSERT_TRUE(summary.rejected.empty()) << summary.describe();
    const LoadResult fresh = load_manifests(dir.path(), {});
    ASSERT_TRUE(set.result().state == fresh.state) << "round " << round;
  }
}

}  // namespace
}  // namespace clusterdns::registry
