// The catalogue of bad manifests (tests/registry/bad/): `clusterdns check` on each
// must exit 1 and print the expected `FILE:LINE:COL: error: message` line. The
// expectation is the file's first line (`# expect: LINE:COL: error: message`) or, for
// JSON, which has no comments, a side file NAME.expect.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/registry/manifest_dir.h"
#include "tests/support/process.h"

namespace clusterdns {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> catalogue() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(CLUSTERDNS_BAD_MANIFESTS_DIR)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".expect") names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string expectation(const std::string& name) {
  const fs::path dir = CLUSTERDNS_BAD_MANIFESTS_DIR;
  std::string line;
  if (fs::exists(dir / (name + ".expect"))) {
    std::ifstream side(dir / (name + ".expect"));
    std::getline(side, line);
    return line;
  }
  std::ifstream stream(dir / name);
  std::getline(stream, line);
  const std::string prefix = "# expect: ";
  return line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : "";
}

class BadManifest : public ::testing::TestWithParam<std::string> {};

TEST_P(BadManifest, CheckExitsOneAndPointsAtTheOffendingNode) {
  const std::string name = GetParam();
  const std::string expected = expectation(name);
  ASSERT_FALSE(expected.empty()) << name << " has no expectation";
  testing::ManifestDir dir;
  fs::copy_file(fs::path(CLUSTERDNS_BAD_MANIFESTS_DIR) / name, dir.path() / name);
  auto result = testing::run_process(
      {testing::clusterdns_binary(), "check", "--manifests", dir.path().string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  // Messages that point at a second place name it by path; drop the temp dir.
  std::string err = result.err;
  const std::string temp = dir.path().string() + "/";
  for (size_t at = err.find(temp); at != std::string::npos; at = err.find(temp, at)) {
    err.erase(at, temp.size());
  }
  EXPECT_NE(err.find(name + ":" + expected + "\n"), std::string::npos)
      << "expected: " << name << ":" << expected << "\ngot:\n"
      << err;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BadManifest, ::testing::ValuesIn(catalogue()), test_name);

TEST(BadManifestCatalogue, HoldsAtLeastThirtyCases) {
  EXPECT_GE(catalogue().size(), 30u);
}

}  // namespace
}  // namespace clusterdns
