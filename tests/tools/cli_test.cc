// The clusterdns command line: --help, --version, usage errors, argument parsing.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "tests/support/process.h"
#include "tools/cli/arguments.h"

namespace clusterdns {
namespace {

using testing::clusterdns_binary;
using testing::run_process;

TEST(Cli, VersionPrintsTheVersionAndExitsZero) {
  auto result = run_process({clusterdns_binary(), "--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.rfind("clusterdns ", 0), 0u) << result.out;
}

TEST(Cli, HelpListsUsageAndExitsZero) {
  auto result = run_process({clusterdns_binary(), "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("usage: clusterdns COMMAND"), std::string::npos) << result.out;
}

TEST(Cli, UnknownFlagIsAOneLineUsageErrorWithExitTwo) {
  auto result = run_process({clusterdns_binary(), "--frobnicate"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "clusterdns: unknown flag '--frobnicate' (see clusterdns --help)\n");
}

TEST(Cli, NoArgumentsIsAUsageError) {
  auto result = run_process({clusterdns_binary()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("usage:"), std::string::npos);
}

const std::vector<cli::FlagSpec> kSpecs = {
    {"manifests"}, {"listen", 0, true, true}, {"namespace", 'n'}, {"all-namespaces", 'A', false}};

TEST(Arguments, TakesSpaceAndEqualsFormsAndRepeatableFlags) {
  auto parsed = cli::parse_arguments(
      {"get", "--manifests", "dir", "--listen=127.0.0.1:0", "--listen", "[::1]:0", "-n", "kube"},
      kSpecs);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->positional, std::vector<std::string>{"get"});
  EXPECT_EQ(parsed->get("manifests"), "dir");
  EXPECT_EQ(parsed->all("listen"), (std::vector<std::string>{"127.0.0.1:0", "[::1]:0"}));
  EXPECT_EQ(parsed->get("namespace"), "kube");
}

TEST(Arguments, RejectsUnknownFlagsAndMissingValuesByName) {
  auto unknown = cli::parse_arguments({"--nope"}, kSpecs);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("--nope"), std::string::npos);
  auto missing = cli::parse_arguments({"--manifests"}, kSpecs);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("needs a value"), std::string::npos);
}

TEST(Arguments, SwitchesTakeNoValue) {
  auto parsed = cli::parse_arguments({"-A", "pods"}, kSpecs);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->has("all-namespaces"));
  EXPECT_EQ(parsed->positional, std::vector<std::string>{"pods"});
}

TEST(ClusterOptions, DefaultDnsIpIsTheTenthServiceAddress) {
  auto parsed = cli::parse_arguments({}, cli::record_flag_specs());
  ASSERT_TRUE(parsed.ok());
  auto options = cli::cluster_options(*parsed);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->effective_dns_ip().to_string(), "10.96.0.10");
}

TEST(ClusterOptions, RejectsMalformedCidrWithTheFlagName) {
  auto parsed = cli::parse_arguments({"--service-cidr", "10.96.0.1/12"}, cli::record_flag_specs());
  ASSERT_TRUE(parsed.ok());
  auto options = cli::cluster_options(*parsed);
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.error().message.find("--service-cidr"), std::string::npos);
}

}  // namespace
}  // namespace clusterdns

namespace clusterdns {
namespace {

const std::vector<cli::FlagSpec> kConfigSpecs = {
    {"manifests"}, {"listen", 0, true, true}, {"threads"}, {"config"}};

std::string write_config(const std::string& text) {
  char path[] = "/tmp/clusterdns-config-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  return path;
}

TEST(ConfigFile, SuppliesFlagsTheCommandLineDidNotGive) {
  const std::string path = write_config("threads: 4\nlisten: [127.0.0.1:0, '[::1]:0']\n");
  auto parsed = cli::parse_arguments({"--config", path, "--threads", "2"}, kConfigSpecs);
  std::remove(path.c_str());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->get("threads"), "2") << "the command line wins";
  EXPECT_EQ(parsed->all("listen"), (std::vector<std::string>{"127.0.0.1:0", "[::1]:0"}));
}

TEST(ConfigFile, ErrorsNameTheFileAndLine) {
  const std::string unknown = write_config("threads: 1\nbogus: 1\n");
  auto parsed = cli::parse_arguments({"--config", unknown}, kConfigSpecs);
  std::remove(unknown.c_str());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, unknown + ":2:1: error: unknown setting 'bogus'");

  const std::string odd_key = write_config("? [a, b]\n: 1\n");
  parsed = cli::parse_arguments({"--config", odd_key}, kConfigSpecs);
  std::remove(odd_key.c_str());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("setting names must be plain words"), std::string::npos);
}

}  // namespace
}  // namespace clusterdns
