// `clusterdns records` as a user runs it, and the record flags → RecordOptions.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tools/cli/record_options.h"

namespace clusterdns {
namespace {

using testing::clusterdns_binary;
using testing::run_process;

// The seed story: a NodePort Service with three named ports over three ready pods.
constexpr const char* kSeedService = R"(apiVersion: v1
kind: Service
metadata:
  name: dnsservices
  namespace: default
spec:
  selector:
    app: dns
  type: NodePort
  clusterIP: 10.1.146.200
  ports:
  - name: tcpdns
    port: 53
    targetPort: 53
    protocol: TCP
  - name: udpdns
    port: 53
    targetPort: 53
    protocol: UDP
  - name: web
    port: 5001
    targetPort: 5001
    protocol: TCP
)";

std::string seed_pod(const std::string& name, const std::string& ip, const std::string& node) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name +
         "\n  namespace: default\n  labels:\n    app: dns\nspec:\n  nodeName: " + node +
         "\n  containers:\n  - name: sampledns2\n    image: sample-dns\n    ports:\n"
         "    - {name: tcpdns, containerPort: 53, protocol: TCP}\n"
         "    - {name: udpdns, containerPort: 53, protocol: UDP}\n"
         "    - {name: web, containerPort: 5001, protocol: TCP}\n"
         "status:\n  phase: Running\n  podIP: " +
         ip + "\n  podIPs:\n  - ip: " + ip +
         "\n  conditions:\n  - type: Ready\n    status: \"True\"\n";
}

class RecordsCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("service.yaml", kSeedService);
    dir_.write("pods.yaml",
               seed_pod("sampledns-77c56c9fb9-6twzl", "10.244.2.205", "node2") + "---\n" +
                   seed_pod("sampledns-77c56c9fb9-g97jw", "10.244.1.195", "node1") + "---\n" +
                   seed_pod("sampledns-77c56c9fb9-l7j5x", "10.244.1.194", "node1"));
  }

  testing::ProcessOutput records(std::vector<std::string> flags = {}) {
    std::vector<std::string> argv = {clusterdns_binary(), "records", "--manifests", dir_.str()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return run_process(argv, 60);
  }

  static bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
  }

  testing::TempDir dir_;
};

TEST_F(RecordsCommand, PrintsTheSeedServiceItsPortsAndItsEndpoints) {
  const auto result = records();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string svc = "dnsservices.default.svc.cluster.local.";
  EXPECT_TRUE(has_line(result.out, svc + "\t5\tIN\tA\t10.1.146.200")) << result.out;
  EXPECT_TRUE(has_line(result.out, "_web._tcp." + svc + "\t5\tIN\tSRV\t0 100 5001 " + svc));
  EXPECT_TRUE(has_line(result.out, "_udpdns._udp." + svc + "\t5\tIN\tSRV\t0 100 53 " + svc));
  EXPECT_TRUE(has_line(result.out, "_tcpdns._tcp." + svc + "\t5\tIN\tSRV\t0 100 53 " + svc));
  EXPECT_TRUE(has_line(result.out, "10-244-1-194." + svc + "\t5\tIN\tA\t10.244.1.194"));
  EXPECT_TRUE(has_line(result.out, "200.146.1.10.in-addr.arpa.\t5\tIN\tPTR\t" + svc));
  EXPECT_TRUE(has_line(result.out, "205.2.244.10.in-addr.arpa.\t5\tIN\tPTR\t10-244-2-205." + svc));
  EXPECT_TRUE(
      has_line(result.out, "10-244-2-205.default.pod.cluster.local.\t5\tIN\tA\t10.244.2.205"));
  EXPECT_TRUE(has_line(result.out, "kubernetes.default.svc.cluster.local.\t5\tIN\tA\t10.96.0.1"));
  EXPECT_TRUE(has_line(result.out, "ns.dns.cluster.local.\t5\tIN\tA\t10.96.0.10"));
}

TEST_F(RecordsCommand, OutputIsTheSameOnEveryRun) {
  const auto first = records();
  const auto second = records();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, second.out);
}

TEST_F(RecordsCommand, TtlAndDomainFlagsShapeEveryRecord) {
  const auto result = records({"--ttl", "30", "--domain", "Example.TEST."});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(
      has_line(result.out, "dnsservices.default.svc.example.test.\t30\tIN\tA\t10.1.146.200"));
  EXPECT_TRUE(has_line(result.out,
                       "example.test.\t30\tIN\tSOA\tns.dns.example.test. "
                       "hostmaster.example.test. 1 7200 1800 86400 30"));
  EXPECT_EQ(result.out.find("cluster.local"), std::string::npos);
}

TEST_F(RecordsCommand, InsecurePodsListNoPodRecordsAndSayWhy) {
  const auto result = records({"--pods", "insecure"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.find(".default.pod.cluster.local.\t"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("; --pods insecure"), std::string::npos) << result.out;
}

TEST_F(RecordsCommand, BadFlagValuesAreOneLineUsageErrorsWithExitTwo) {
  const std::vector<std::vector<std::string>> bad = {
      {"--ttl", "-1"},       {"--ttl", "2147483648"}, {"--ttl", "5s"},
      {"--pods", "all"},     {"--domain", "a..b"},    {"--domain", "bad_name.local"},
      {"--dns-ip", "10.96"}, {"--frobnicate"},        {"extra"},
  };
  for (const auto& flags : bad) {
    const auto result = records(flags);
    EXPECT_EQ(result.exit_code, 2) << flags[0];
    EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
    EXPECT_EQ(result.err.rfind("clusterdns records: ", 0), 0u) << result.err;
    EXPECT_TRUE(result.out.empty());
  }
}

TEST_F(RecordsCommand, NamesTheBadFlagInTheMessage) {
  EXPECT_NE(records({"--ttl", "abc"}).err.find("--ttl 'abc'"), std::string::npos);
  EXPECT_NE(records({"--pods", "all"}).err.find("--pods 'all'"), std::string::npos);
}

TEST(RecordsCommandUsage, MissingManifestsIsAUsageError) {
  const auto result = run_process({clusterdns_binary(), "records"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--manifests"), std::string::npos) << result.err;
}

TEST(RecordsCommandUsage, HelpDescribesTheListingAndExitsZero) {
  const auto result = run_process({clusterdns_binary(), "records", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("usage: clusterdns records --manifests DIR"), std::string::npos);
  EXPECT_NE(result.out.find("serial is always 1"), std::string::npos);
}

TEST(RecordsCommandInput, ManifestErrorsPrintDiagnosticsAndExitOne) {
  testing::TempDir dir;
  dir.write("broken.yaml", "apiVersion: v1\nkind: Service\nmetadata: [unclosed\n");
  const auto result = run_process({clusterdns_binary(), "records", "--manifests", dir.str()});
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.err.find("broken.yaml:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(": error: "), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST(RecordsCommandExamples, ListsTheExampleManifests) {
  const auto examples = std::filesystem::path(testing::source_dir()) / "examples";
  ASSERT_TRUE(std::filesystem::is_directory(examples)) << examples;
  const auto result =
      run_process({clusterdns_binary(), "records", "--manifests", examples.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::string svc = "dnsservices.default.svc.cluster.local.";
  for (const std::string& line : {
           svc + "\t5\tIN\tA\t10.1.146.200",
           "_web._tcp." + svc + "\t5\tIN\tSRV\t0 100 5001 " + svc,
           std::string("dns-version.cluster.local.\t5\tIN\tTXT\t\"1.1.0\""),
       }) {
    EXPECT_NE(result.out.find("\n" + line + "\n"), std::string::npos) << line << "\n" << result.out;
  }
}

cli::Arguments flags(std::vector<std::string> words) {
  auto parsed = cli::parse_arguments(words, cli::record_flag_specs());
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? *parsed : cli::Arguments{};
}

TEST(RecordFlags, DefaultsMatchTheDesign) {
  const auto options = cli::record_options(flags({}), registry::ClusterOptions{});
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->domain, "cluster.local");
  EXPECT_EQ(options->ttl, 5u);
  EXPECT_EQ(options->pods, zones::PodRecords::kVerified);
  EXPECT_EQ(options->dns_ip.to_string(), "10.96.0.10");
  EXPECT_EQ(options->serial, 1u);
}

TEST(RecordFlags, TakeDomainTtlPodsAndTheDnsAddress) {
  registry::ClusterOptions cluster;
  cluster.dns_ip = registry::IpAddress::parse("fd00::a");
  const auto options = cli::record_options(
      flags({"--domain", "K8S.Example.", "--ttl", "2147483647", "--pods", "disabled"}), cluster);
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->domain, "k8s.example");
  EXPECT_EQ(options->ttl, 2147483647u);
  EXPECT_EQ(options->pods, zones::PodRecords::kDisabled);
  EXPECT_EQ(options->dns_ip.to_string(), "fd00::a");
  EXPECT_TRUE(cli::record_options(flags({"--ttl", "0"}), cluster).ok());
}

TEST(RecordFlags, DomainMustBeADnsName) {
  for (const char* bad : {"", ".", "a..b", "-a.local", "a-.local", "a b", "under_score.local"}) {
    EXPECT_FALSE(cli::parse_domain(bad).ok()) << bad;
  }
  EXPECT_FALSE(cli::parse_domain(std::string(64, 'a') + ".local").ok());
  EXPECT_TRUE(cli::parse_domain(std::string(63, 'a') + ".local").ok());
  EXPECT_EQ(*cli::parse_domain("cluster.local"), "cluster.local");
}

}  // namespace
}  // namespace clusterdns
