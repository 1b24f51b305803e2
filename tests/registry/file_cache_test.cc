// FileCache with a fake parser: each line "pod NAME" is a Pod, a line "error" is a
// parse error at that line. Real files in a temp dir.
#include "registry/file_cache.h"

#include <gtest/gtest.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

#include "tests/registry/watcher_test_support.h"

namespace clusterdns::registry {
namespace {

using testing::WatchedTree;

class FileCacheTest : public ::testing::Test {
 protected:
  FileCache cache_{[this](const std::string& path, std::string_view text, const FileObjects*) {
    ++parses_;
    FileObjects objects;
    objects.path = path;
    uint32_t line = 0;
    size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      const auto row = text.substr(start, end - start);
      ++line;
      if (row.starts_with("pod ")) {
        Pod pod;
        pod.name = std::string(row.substr(4));
        objects.pods.push_back(pod);
      } else if (row == "error") {
        objects.diagnostics.push_back(
            Diagnostic{Diagnostic::Severity::kError, path, line, 1, "bad line"});
      }
      start = end + 1;
    }
    return objects;
  }};

  FileChanges refresh(RefreshMode mode = RefreshMode::kChanged) {
    return cache_.refresh(list_manifest_files_here(), mode);
  }

  std::vector<std::filesystem::path> list_manifest_files_here() const {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(tree_.path())) {
      if (entry.path().filename().string().front() != '.') files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  std::vector<std::string> pod_names() const {
    std::vector<std::string> names;
    for (const auto& file : cache_.objects()) {
      for (const auto& pod : file.pods) names.push_back(pod.name.str());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  WatchedTree tree_;
  std::atomic<int> parses_{0};
};

using Names = std::vector<std::string>;

TEST_F(FileCacheTest, ParsesOnlyFilesWhoseContentChanged) {
  tree_.write("a.yaml", "pod a\n");
  tree_.write("b.yaml", "pod b\n");
  tree_.write("c.yaml", "pod c\n");
  refresh(RefreshMode::kInitial);
  EXPECT_EQ(parses_, 3);

  tree_.write("b.yaml", "pod b2\n");
  const auto changes = refresh();
  EXPECT_EQ(parses_, 4);
  EXPECT_EQ(changes.changed, Names{tree_.file("b.yaml")});
  EXPECT_EQ(pod_names(), (Names{"a", "b2", "c"}));

  // Rewritten with the same bytes: read again (the mtime moved) but not parsed again.
  tree_.write("c.yaml", "pod c\n");
  EXPECT_FALSE(refresh(RefreshMode::kEveryFile).applied_anything());
  EXPECT_EQ(parses_, 4);
}

TEST_F(FileCacheTest, ParsesAWholeDirectoryOnSeveralThreadsWithTheSameResult) {
  size_t expected = 0;
  for (int file = 0; file < 16; ++file) {
    std::string text;
    for (int pod = 0; pod < 2000; ++pod) {
      // Appended piece by piece: `+` chains trip a g++ 12 -Wrestrict false positive.
      text += "pod f";
      text += std::to_string(file);
      text += '-';
      text += std::to_string(pod);
      text += '\n';
      ++expected;
    }
    tree_.write(std::string("f").append(std::to_string(file)).append(".yaml"), text);
  }
  const auto changes = refresh(RefreshMode::kInitial);
  EXPECT_EQ(changes.added.size(), 16u);
  EXPECT_EQ(parses_, 16);
  EXPECT_EQ(pod_names().size(), expected);
  const auto objects = cache_.objects();
  ASSERT_EQ(objects.size(), 16u);
  EXPECT_EQ(objects[3].path, tree_.file("f11.yaml")) << "sorted by path";
  EXPECT_EQ(objects[3].pods.front().name, "f11-0");
}

TEST_F(FileCacheTest, KeepsPreviousObjectsWhenNewContentStillFailsOnASecondLook) {
  tree_.write("a.yaml", "pod a\n");
  refresh(RefreshMode::kInitial);

  tree_.write("a.yaml", "pod a2\nerror\n");
  auto first = refresh();
  EXPECT_TRUE(first.awaiting_stable) << "a failure may be a half-written file";
  EXPECT_TRUE(first.diagnostics.empty()) << "not reported before the second look";
  EXPECT_FALSE(first.applied_anything());

  auto second = refresh();
  EXPECT_FALSE(second.awaiting_stable);
  EXPECT_EQ(second.kept, Names{tree_.file("a.yaml")});
  ASSERT_FALSE(second.diagnostics.empty());
  EXPECT_EQ(second.diagnostics.front().format(), tree_.file("a.yaml") + ":2:1: error: bad line");
  EXPECT_EQ(pod_names(), Names{"a"});

  // Reported once per content, not on every rescan.
  EXPECT_TRUE(refresh(RefreshMode::kEveryFile).diagnostics.empty());

  tree_.write("a.yaml", "pod a3\n");
  EXPECT_EQ(refresh().changed, Names{tree_.file("a.yaml")});
  EXPECT_EQ(pod_names(), Names{"a3"});
}

TEST_F(FileCacheTest, AppliesAHalfWrittenFileOnlyOnceItIsComplete) {
  tree_.write("a.yaml", "pod a\n");
  refresh(RefreshMode::kInitial);
  tree_.write("a.yaml", "pod b\nerror");  // the writer is not done
  EXPECT_TRUE(refresh().awaiting_stable);
  tree_.write("a.yaml", "pod b\npod c\n");
  const auto changes = refresh();
  EXPECT_TRUE(changes.diagnostics.empty());
  EXPECT_EQ(pod_names(), (Names{"b", "c"}));
}

TEST_F(FileCacheTest, KeepsObjectsOfAFileThatBecomesEmptyWithAWarning) {
  tree_.write("a.yaml", "pod a\npod b\n");
  refresh(RefreshMode::kInitial);
  tree_.write("a.yaml", "# nothing here\n---\n  \n");
  const auto first = refresh();
  EXPECT_TRUE(first.awaiting_stable) << "a truncating writer empties the file first";
  EXPECT_TRUE(first.diagnostics.empty());
  const auto changes = refresh();
  ASSERT_EQ(changes.diagnostics.size(), 1u);
  EXPECT_EQ(changes.diagnostics[0].format(),
            tree_.file("a.yaml") +
                ": warning: file is empty; keeping its 2 previous objects; delete the file to "
                "remove them");
  EXPECT_EQ(pod_names(), (Names{"a", "b"}));

  tree_.write("a.yaml", "");
  refresh();
  EXPECT_EQ(refresh().diagnostics.size(), 1u) << "another empty content, reported again";
  EXPECT_EQ(pod_names(), (Names{"a", "b"}));
}

TEST_F(FileCacheTest, RemovesTheObjectsOfADeletedFile) {
  tree_.write("a.yaml", "pod a\n");
  tree_.write("b.yaml", "pod b\n");
  refresh(RefreshMode::kInitial);
  tree_.remove("a.yaml");
  EXPECT_EQ(refresh().removed, Names{tree_.file("a.yaml")});
  EXPECT_EQ(pod_names(), Names{"b"});
}

TEST_F(FileCacheTest, InitialLoadKeepsTheGoodObjectsOfABadFile) {
  tree_.write("a.yaml", "pod a\nerror\npod b\n");
  const auto changes = refresh(RefreshMode::kInitial);
  EXPECT_FALSE(changes.awaiting_stable);
  EXPECT_EQ(pod_names(), (Names{"a", "b"}));
}

TEST_F(FileCacheTest, NewBadFileContributesItsGoodObjectsOnceStable) {
  refresh(RefreshMode::kInitial);
  tree_.write("a.yaml", "pod a\nerror\n");
  EXPECT_TRUE(refresh().awaiting_stable);
  EXPECT_TRUE(pod_names().empty());
  EXPECT_EQ(refresh().added, Names{tree_.file("a.yaml")});
  EXPECT_EQ(pod_names(), Names{"a"});
}

// Reads as an unprivileged user for its lifetime (this thread only): root would read
// files whatever their mode. A no-op when not root.
class AsNobody {
 public:
  AsNobody() : root_(::geteuid() == 0) {
    if (root_) ::setfsuid(65534);
  }
  ~AsNobody() {
    if (root_) ::setfsuid(0);
  }
  AsNobody(const AsNobody&) = delete;
  AsNobody& operator=(const AsNobody&) = delete;

 private:
  bool root_;
};

TEST_F(FileCacheTest, KeepsObjectsOfAFileThatCannotBeRead) {
  ::chmod(tree_.path().c_str(), 0755);
  tree_.write("a.yaml", "pod a\n");
  tree_.write("b.yaml", "pod b\n");
  ::chmod(tree_.file("a.yaml").c_str(), 0644);
  ::chmod(tree_.file("b.yaml").c_str(), 0644);
  refresh(RefreshMode::kInitial);
  tree_.write("a.yaml", "pod a2\n");
  ::chmod(tree_.file("a.yaml").c_str(), 0);
  const auto changes = [&] {
    AsNobody nobody;
    return refresh();
  }();
  ASSERT_EQ(changes.diagnostics.size(), 1u);
  EXPECT_NE(changes.diagnostics[0].message.find("keeping its 1 previous object"),
            std::string::npos);
  EXPECT_EQ(changes.diagnostics[0].format(),
            tree_.file("a.yaml") +
                ": error: cannot read: Permission denied; keeping its 1 previous object");
  EXPECT_EQ(pod_names(), (Names{"a", "b"}));
  {
    AsNobody nobody;
    EXPECT_TRUE(refresh().diagnostics.empty()) << "reported once";
  }
  ::chmod(tree_.file("a.yaml").c_str(), 0644);
  refresh();
  EXPECT_EQ(pod_names(), (Names{"a2", "b"}));
}

TEST_F(FileCacheTest, RejectedChangeGoesBackToThePreviousObjectsAndIsOfferedAgainLater) {
  tree_.write("a.yaml", "pod a\n");
  tree_.write("b.yaml", "pod b\n");
  refresh(RefreshMode::kInitial);

  tree_.write("a.yaml", "pod a2\n");
  auto changes = refresh();
  cache_.reject_change(
      tree_.file("a.yaml"),
      {Diagnostic{Diagnostic::Severity::kError, tree_.file("a.yaml"), 1, 1, "clashes with b"}},
      changes);
  EXPECT_FALSE(changes.applied_anything());
  EXPECT_EQ(changes.kept, Names{tree_.file("a.yaml")});
  EXPECT_EQ(changes.diagnostics.size(), 2u);  // the reason and what happens to the file
  EXPECT_EQ(pod_names(), (Names{"a", "b"}));

  // Another file changes: the refused content gets another chance.
  tree_.write("b.yaml", "pod b2\n");
  changes = refresh();
  std::sort(changes.changed.begin(), changes.changed.end());
  EXPECT_EQ(changes.changed, (Names{tree_.file("a.yaml"), tree_.file("b.yaml")}));
  EXPECT_EQ(pod_names(), (Names{"a2", "b2"}));
}

TEST_F(FileCacheTest, LeavesFilesBeingWrittenAlone) {
  tree_.write("a.yaml", "pod a\n");
  refresh(RefreshMode::kInitial);
  tree_.write("a.yaml", "pod a2\n");
  const auto writing = [&](const std::string& path) { return path == tree_.file("a.yaml"); };
  auto changes = cache_.refresh(list_manifest_files_here(), RefreshMode::kChanged, writing);
  EXPECT_FALSE(changes.applied_anything());
  EXPECT_TRUE(changes.removed.empty());
  EXPECT_EQ(pod_names(), Names{"a"});
  EXPECT_EQ(refresh().changed, Names{tree_.file("a.yaml")});
}

}  // namespace
}  // namespace clusterdns::registry
