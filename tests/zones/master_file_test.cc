// Master-file lines (RFC 1035 §5) of `clusterdns records`, and that a zone's lines load
// into NSD as they are.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/zones/records_test_support.h"

namespace clusterdns::zones::test {
namespace {

Record record(std::string owner, uint16_t type, RecordData data) {
  return Record{std::move(owner), type, 5, std::move(data)};
}

TEST(MasterFileLine, AddressRecordsAreTabSeparatedColumns) {
  EXPECT_EQ(to_master_file_line(record("web.default.svc.cluster.local.", 1, ip("10.96.0.1"))),
            "web.default.svc.cluster.local.\t5\tIN\tA\t10.96.0.1");
  EXPECT_EQ(to_master_file_line(record("v6.default.svc.cluster.local.", 28, ip("fd00:0::1"))),
            "v6.default.svc.cluster.local.\t5\tIN\tAAAA\tfd00::1");
}

TEST(MasterFileLine, NameRecordsPrintTheAbsoluteTarget) {
  EXPECT_EQ(to_master_file_line(record("cluster.local.", 2, std::string("ns.dns.cluster.local."))),
            "cluster.local.\t5\tIN\tNS\tns.dns.cluster.local.");
  EXPECT_EQ(to_master_file_line(
                record("db.default.svc.cluster.local.", 5, std::string("db.example.com."))),
            "db.default.svc.cluster.local.\t5\tIN\tCNAME\tdb.example.com.");
  EXPECT_EQ(to_master_file_line(record("1.0.96.10.in-addr.arpa.", 12,
                                       std::string("web.default.svc.cluster.local."))),
            "1.0.96.10.in-addr.arpa.\t5\tIN\tPTR\tweb.default.svc.cluster.local.");
}

TEST(MasterFileLine, SoaIsOneLine) {
  SoaData soa{"ns.dns.cluster.local.", "hostmaster.cluster.local.", 42, 7200, 1800, 86400, 5};
  EXPECT_EQ(to_master_file_line(record("cluster.local.", 6, soa)),
            "cluster.local.\t5\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. 42 7200 "
            "1800 86400 5");
}

TEST(MasterFileLine, SrvIsPriorityWeightPortTarget) {
  EXPECT_EQ(to_master_file_line(record("_http._tcp.web.default.svc.cluster.local.", 33,
                                       SrvData{0, 100, 80, "web.default.svc.cluster.local."})),
            "_http._tcp.web.default.svc.cluster.local.\t5\tIN\tSRV\t0 100 80 "
            "web.default.svc.cluster.local.");
}

TEST(MasterFileLine, TxtStringsAreQuotedWithEscapes) {
  EXPECT_EQ(to_master_file_line(
                record("dns-version.cluster.local.", 16, std::vector<std::string>{"1.1.0"})),
            "dns-version.cluster.local.\t5\tIN\tTXT\t\"1.1.0\"");
  EXPECT_EQ(
      to_master_file_line(record("t.cluster.local.", 16,
                                 std::vector<std::string>{"say \"hi\"", "a\\b", "tab\there"})),
      "t.cluster.local.\t5\tIN\tTXT\t\"say \\\"hi\\\"\" \"a\\\\b\" \"tab\\009here\"");
}

TEST(MasterFileLine, UnknownTypesUseTheRfc3597Mnemonic) {
  EXPECT_EQ(to_master_file_line(record("x.cluster.local.", 65280, std::string("x.")))
                .find("\tIN\tTYPE65280\t"),
            std::string("x.cluster.local.\t5").size());
}

TEST(MasterFile, WritesOneSortedLinePerRecord) {
  const std::vector<Record> records = {
      record("b.cluster.local.", 1, ip("10.0.0.2")),
      record("a.cluster.local.", 1, ip("10.0.0.1")),
      record("a.cluster.local.", 1, ip("10.0.0.1")),
  };
  std::ostringstream out;
  write_master_file(out, records);
  EXPECT_EQ(out.str(),
            "a.cluster.local.\t5\tIN\tA\t10.0.0.1\n"
            "b.cluster.local.\t5\tIN\tA\t10.0.0.2\n");
}

// Every zone's lines, cut from one listing, pass NSD's zone checker.
TEST(MasterFile, EachZoneLoadsIntoNsd) {
  const std::string checker = "/usr/sbin/nsd-checkzone";
  ASSERT_TRUE(std::ifstream(checker)) << "nsd-checkzone missing: run scripts/setup.sh";
  registry::ClusterState state;
  state.services.push_back(
      cluster_ip_service("default", "web", {"10.96.0.20", "fd00::14"}, {port("http", 80)}));
  state.services.push_back(headless_service("default", "db", {port("sql", 5432)}));
  state.endpoints.push_back(endpoints(
      "default", "db",
      {{{address("10.244.1.2", "db-0"), address("fd00::1")}, {}, {endpoint_port("sql", 5432)}}}));
  registry::Service external;
  external.namespace_name = "default";
  external.name = "ext";
  external.type = registry::ServiceType::kExternalName;
  external.external.mutate().name = "example.com";
  state.services.push_back(external);
  state.pods.push_back(pod("default", "web-1", {"10.244.0.5"}));
  const auto records = build_records(state, default_options());

  testing::TempDir dir;
  for (const std::string zone : {"cluster.local.", "in-addr.arpa.", "ip6.arpa."}) {
    std::ostringstream text;
    for (const auto& r : records) {
      if (r.owner == zone ||
          (r.owner.size() > zone.size() &&
           r.owner.compare(r.owner.size() - zone.size() - 1, std::string::npos, "." + zone) == 0)) {
        text << to_master_file_line(r) << '\n';
      }
    }
    const auto file = dir.write(zone + "zone", text.str());
    const auto result = testing::run_process({checker, zone, file.string()}, 30);
    EXPECT_EQ(result.exit_code, 0) << zone << "\n" << result.out << result.err << text.str();
  }
}

}  // namespace
}  // namespace clusterdns::zones::test
