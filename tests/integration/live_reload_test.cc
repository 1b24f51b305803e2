// The seed story over DNS with live files: a pod is deleted and recreated with a new
// IP, and the answers follow without a restart, whichever way the file is replaced.
// Bad files never take answers away (DESIGN.md §2).

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/support/dns_client.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace clusterdns::testing {
namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

const Lines kBefore = {"10.244.1.194", "10.244.1.195", "10.244.2.205"};
const Lines kAfter = {"10.244.1.194", "10.244.1.195", "10.244.2.206"};
const std::string kHeadless = "dnsservices-headless.default.svc.cluster.local";
const std::string kOldPod = "sampledns-77c56c9fb9-6twzl";
const std::string kNewPod = "sampledns-77c56c9fb9-gcqcd";

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The replacement pod, as the seed shows it: same node, new name and IP.
std::string recreated_pod_yaml() {
  std::string text = read_file(source_dir() + "/examples/pods/" + kOldPod + ".yaml");
  text = std::regex_replace(text, std::regex(kOldPod), kNewPod);
  return std::regex_replace(text, std::regex("10\\.244\\.2\\.205"), "10.244.2.206");
}

Lines headless_addresses(uint16_t port) {
  AresOptions options;
  options.port = port;
  return ares_addresses(ares_lookup(kHeadless, 1, options), 1);
}

// Polls (bounded) until the headless RRset equals `expected`; returns the last answer.
Lines wait_for_addresses(uint16_t port, const Lines& expected) {
  Lines seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    seen = headless_addresses(port);
    if (seen == expected) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return seen;
}

int rcode_of(uint16_t port, const std::string& name) {
  auto reply = udp_exchange(port, make_query(name, 1));
  return reply ? parse_header(*reply).rcode : -1;
}

class LiveReload : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(source_dir() + "/examples", dir_.path() / "manifests", fs::copy_options::recursive);
  }
  fs::path manifests() const { return dir_.path() / "manifests"; }
  fs::path old_pod_file() const { return manifests() / "pods" / (kOldPod + ".yaml"); }
  fs::path new_pod_file() const { return manifests() / "pods" / (kNewPod + ".yaml"); }

  TempDir dir_;
};

TEST_F(LiveReload, ReplacedPodFileShowsInAnswersAfterRename) {
  ServerProcess server(manifests().string());
  ASSERT_TRUE(server.started()) << server.log();
  ASSERT_EQ(headless_addresses(server.port()), kBefore);

  // kubectl delete pod + the Deployment's replacement: the old file goes, a new one is
  // written beside and renamed into place.
  fs::remove(old_pod_file());
  dir_.write("new-pod.tmp", recreated_pod_yaml());
  fs::rename(dir_.path() / "new-pod.tmp", new_pod_file());

  EXPECT_EQ(wait_for_addresses(server.port(), kAfter), kAfter) << server.log();
  EXPECT_EQ(rcode_of(server.port(), "10-244-2-206.default.pod.cluster.local"), 0);
  EXPECT_EQ(rcode_of(server.port(), "10-244-2-205.default.pod.cluster.local"), 3);
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(LiveReload, InPlaceRewriteBySlowWriterIsAppliedOnlyWhenWhole) {
  ServerProcess server(manifests().string());
  ASSERT_TRUE(server.started()) << server.log();
  ASSERT_EQ(headless_addresses(server.port()), kBefore);

  // `cat > pods/6twzl.yaml` by a slow writer, three chunks: the half-written file must
  // never be served (nor reported as an error).
  const std::string text = recreated_pod_yaml();
  {
    std::ofstream out(old_pod_file(), std::ios::trunc);
    const size_t third = text.size() / 3;
    for (size_t start = 0; start < text.size(); start += third) {
      out << text.substr(start, third) << std::flush;
      const Lines during = headless_addresses(server.port());
      EXPECT_TRUE(during == kBefore || during == kAfter) << "half-written file served";
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
  }
  EXPECT_EQ(wait_for_addresses(server.port(), kAfter), kAfter) << server.log();
  EXPECT_EQ(server.log().find("error"), std::string::npos) << server.log();
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(LiveReload, ConfigMapStyleDataSymlinkSwapIsFollowed) {
  // A ConfigMap volume: ..<timestamp>/ holds the files, ..data points at it, and the
  // visible names are symlinks through ..data. An update swaps ..data atomically.
  const fs::path volume = dir_.path() / "volume";
  fs::create_directories(volume / "..2026_11_25_10_00_00.1");
  for (const auto& entry : fs::recursive_directory_iterator(manifests())) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      fs::copy_file(entry.path(), volume / "..2026_11_25_10_00_00.1" / entry.path().filename());
    }
  }
  fs::create_directory_symlink("..2026_11_25_10_00_00.1", volume / "..data");
  for (const auto& entry : fs::directory_iterator(volume / "..2026_11_25_10_00_00.1")) {
    fs::create_symlink(fs::path("..data") / entry.path().filename(), volume / entry.path().filename());
  }
  ServerProcess server(volume.string());
  ASSERT_TRUE(server.started()) << server.log();
  ASSERT_EQ(headless_addresses(server.port()), kBefore);

  const fs::path next = volume / "..2026_11_25_10_05_00.2";
  fs::copy(volume / "..2026_11_25_10_00_00.1", next);
  fs::remove(next / (kOldPod + ".yaml"));
  std::ofstream(next / (kOldPod + ".yaml")) << recreated_pod_yaml();  // same key, new content
  fs::create_directory_symlink("..2026_11_25_10_05_00.2", volume / "..data_tmp");
  fs::rename(volume / "..data_tmp", volume / "..data");
  fs::remove_all(volume / "..2026_11_25_10_00_00.1");

  EXPECT_EQ(wait_for_addresses(server.port(), kAfter), kAfter) << server.log();
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(LiveReload, BadFilesKeepThePreviousAnswers) {
  ServerProcess server(manifests().string());
  ASSERT_TRUE(server.started()) << server.log();
  const uint16_t port = server.port();
  const Lines service = dig_short(port, {"dnsservices.default.svc.cluster.local"});
  ASSERT_EQ(service, Lines{"10.1.146.200"});
  const fs::path service_file = manifests() / "service.yaml";
  const std::string good = read_file(service_file);

  // A syntax error, then port 0, then binary garbage, then an empty file: each time the
  // service keeps answering, and the error is logged with its file and line.
  const std::vector<std::string> bad_contents = {
      good + "\n  - name: [unclosed\n",
      std::regex_replace(good, std::regex("port: 5001"), "port: 0"),
      std::string("\x7f" "ELF\x01\x02\x00\xff\xfe garbage", 18),
      "",
  };
  for (const auto& bad : bad_contents) {
    std::ofstream(service_file, std::ios::trunc) << bad;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(dig_short(port, {"dnsservices.default.svc.cluster.local"}), service) << bad;
    EXPECT_EQ(headless_addresses(port), kBefore);
  }
  EXPECT_NE(server.log().find("service.yaml:"), std::string::npos) << server.log();

  // Fixed: a changed ClusterIP is applied.
  std::ofstream(service_file, std::ios::trunc)
      << std::regex_replace(good, std::regex("10\\.1\\.146\\.200"), "10.1.146.201");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (dig_short(port, {"dnsservices.default.svc.cluster.local"}) != Lines{"10.1.146.201"} &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(dig_short(port, {"dnsservices.default.svc.cluster.local"}), Lines{"10.1.146.201"});

  // Deleted: its objects go.
  fs::remove(service_file);
  const auto gone_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (rcode_of(port, "dnsservices.default.svc.cluster.local") != 3 &&
         std::chrono::steady_clock::now() < gone_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(rcode_of(port, "dnsservices.default.svc.cluster.local"), 3);
  EXPECT_EQ(headless_addresses(port), kBefore) << "the headless twin lives in another file";
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(LiveReload, DuplicateClusterIpInAnotherFileIsRejected) {
  ServerProcess server(manifests().string());
  ASSERT_TRUE(server.started()) << server.log();
  dir_.write("manifests/clash.yaml",
             "apiVersion: v1\nkind: Service\nmetadata: {name: clash, namespace: default}\n"
             "spec: {clusterIP: 10.1.146.200, ports: [{name: http, port: 80}]}\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(dig_short(server.port(), {"dnsservices.default.svc.cluster.local"}),
            Lines{"10.1.146.200"});
  EXPECT_EQ(rcode_of(server.port(), "clash.default.svc.cluster.local"), 3);
  EXPECT_NE(server.log().find("clash.yaml:4:"), std::string::npos) << server.log();
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(LiveReload, PollingModeReloads) {
  ServerProcess server(manifests().string(), {"--poll", "1"});
  ASSERT_TRUE(server.started()) << server.log();
  fs::remove(old_pod_file());
  dir_.write("manifests/pods/" + kNewPod + ".yaml", recreated_pod_yaml());
  EXPECT_EQ(wait_for_addresses(server.port(), kAfter), kAfter) << server.log();
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(LiveReload, SighupReloadsAtOnce) {
  // Polling once an hour: only SIGHUP can make the change visible within the test.
  ServerProcess server(manifests().string(), {"--poll", "3600"});
  ASSERT_TRUE(server.started()) << server.log();
  fs::remove(old_pod_file());
  dir_.write("manifests/pods/" + kNewPod + ".yaml", recreated_pod_yaml());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(headless_addresses(server.port()), kBefore) << "nothing reloads before SIGHUP";
  server.send_signal(SIGHUP);
  EXPECT_EQ(wait_for_addresses(server.port(), kAfter), kAfter) << server.log();
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace clusterdns::testing
