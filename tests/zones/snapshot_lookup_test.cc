// Snapshot::lookup directly: the kinds of result the responder builds on, the
// dashed-address parser of `--pods insecure`, and name_to_wire, which every name goes through.

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "tests/zones/responder_test_util.h"
#include "zones/answer_encoder.h"
#include "zones/answer_pod_address.h"

namespace clusterdns::zones::testing {
namespace {

LookupKind kind_of(const Snapshot& snapshot, const char* name, uint16_t type) {
  return snapshot.lookup(name_to_wire(name), type).kind;
}

std::optional<registry::IpAddress> dashed(const std::string& label) {
  return parse_dashed_address(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(label.data()), label.size()));
}

std::vector<uint8_t> wire(std::initializer_list<std::string> labels) {
  std::vector<uint8_t> out;
  for (const std::string& label : labels) {
    out.push_back(static_cast<uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
  }
  out.push_back(0);
  return out;
}

TEST(NameToWire, LowerCasesWithOrWithoutTheFinalDot) {
  EXPECT_EQ(name_to_wire("Web.Default.SVC.cluster.local."),
            wire({"web", "default", "svc", "cluster", "local"}));
  EXPECT_EQ(name_to_wire("web.default"), wire({"web", "default"}));
  EXPECT_EQ(name_to_wire("."), wire({}));
  EXPECT_EQ(name_to_wire(""), wire({}));
}

TEST(NameToWire, DropsEmptyLabelsAndCutsLongOnes) {
  EXPECT_EQ(name_to_wire(".a..b."), wire({"a", "b"}));
  const std::string longest(63, 'x');
  EXPECT_EQ(name_to_wire(longest + ".Y"), wire({longest, "y"}));
  EXPECT_EQ(name_to_wire(std::string(64, 'x') + ".y"), wire({longest, "y"}));
  // Five labels of 63: three fit in 255 octets, the rest are left out.
  std::string five = longest;
  for (int i = 0; i < 4; ++i) five += "." + longest;
  EXPECT_EQ(name_to_wire(five), wire({longest, longest, longest}));
  // 253 octets of text is the longest name: 255 wire octets, all kept.
  std::string full;
  for (int i = 0; i < 126; ++i) full += "a.";
  full += "b";
  EXPECT_EQ(name_to_wire(full).size(), 255U);
}

// Names are converted eight octets at a time: every octet value, and dots and
// upper-case letters at every position of a word, give what one octet at a time would.
TEST(NameToWire, FoldsEveryOctetWhereverItFalls) {
  for (size_t length = 1; length <= 17; ++length) {
    for (int value = 1; value < 256; ++value) {
      if (value == '.') continue;
      const std::string odd(length, static_cast<char>(value));
      std::string folded = odd;
      if (value >= 'A' && value <= 'Z') folded.assign(length, static_cast<char>(value + 32));
      const std::string shifted = std::string("Q").append(length % 8, 'z');
      const std::string expected_shift = std::string("q").append(length % 8, 'z');
      EXPECT_EQ(name_to_wire(odd + "." + shifted + ".Cluster"),
                wire({folded, expected_shift, "cluster"}))
          << length << " " << value;
      EXPECT_EQ(name_to_wire(shifted + "." + odd + "."), wire({expected_shift, folded}))
          << length << " " << value;
    }
  }
  // An empty label or one above 63 octets inside a word still takes the careful path.
  EXPECT_EQ(name_to_wire("abcdefg..h"), wire({"abcdefg", "h"}));
  EXPECT_EQ(name_to_wire(std::string("a.").append(64, 'B').append(".c")),
            wire({"a", std::string(63, 'b'), "c"}));
}

TEST(SnapshotLookup, ClassifiesNamesByZoneAndExistence) {
  std::vector<Record> records = apex_records();
  records.push_back(address("web.default.svc.cluster.local.", "10.96.1.1"));
  const auto snapshot = build_snapshot(records, RecordOptions{});
  EXPECT_EQ(kind_of(*snapshot, "web.default.svc.cluster.local.", 1), LookupKind::kAddress);  // held inline
  EXPECT_EQ(kind_of(*snapshot, "web.default.svc.cluster.local.", 28), LookupKind::kNoData);
  EXPECT_EQ(kind_of(*snapshot, "web.default.svc.cluster.local.", 255), LookupKind::kAnyExists);
  EXPECT_EQ(kind_of(*snapshot, "default.svc.cluster.local.", 1), LookupKind::kNoData);
  EXPECT_EQ(kind_of(*snapshot, "nope.default.svc.cluster.local.", 1), LookupKind::kNXDomain);
  EXPECT_EQ(kind_of(*snapshot, "1.2.3.4.in-addr.arpa.", 12), LookupKind::kNXDomain);
  // The seam for forwarding: names outside the served zones.
  EXPECT_EQ(kind_of(*snapshot, "example.com.", 1), LookupKind::kOutOfZone);
  EXPECT_EQ(kind_of(*snapshot, "local.", 1), LookupKind::kOutOfZone);
  EXPECT_EQ(kind_of(*snapshot, "arpa.", 1), LookupKind::kOutOfZone);
  EXPECT_EQ(kind_of(*snapshot, ".", 1), LookupKind::kOutOfZone);
  EXPECT_EQ(kind_of(*snapshot, "xcluster.local.", 1), LookupKind::kOutOfZone);
}

TEST(SnapshotLookup, NegativeResultsNameTheirZone) {
  const auto snapshot = build_snapshot(apex_records(), RecordOptions{});
  const auto zones = snapshot->zones();
  ASSERT_EQ(zones.size(), 3u);
  EXPECT_EQ(snapshot->lookup(name_to_wire("x.cluster.local."), 1).zone, &zones[0]);
  EXPECT_EQ(snapshot->lookup(name_to_wire("1.in-addr.arpa."), 1).zone, &zones[1]);
  EXPECT_EQ(snapshot->lookup(name_to_wire("1.ip6.arpa."), 1).zone, &zones[2]);
}

TEST(SnapshotLookup, RecordsOutsideServedZonesAreIgnored) {
  std::vector<Record> records = {address("web.example.com.", "10.0.0.1")};
  const auto snapshot = build_snapshot(records, RecordOptions{});
  EXPECT_EQ(kind_of(*snapshot, "web.example.com.", 1), LookupKind::kOutOfZone);
}

TEST(SnapshotLookup, CustomClusterDomainIsServed) {
  RecordOptions options;
  options.domain = "corp.example";
  std::vector<Record> records = {address("web.default.svc.corp.example.", "10.0.0.1")};
  const auto snapshot = build_snapshot(records, options);
  EXPECT_EQ(kind_of(*snapshot, "web.default.svc.corp.example.", 1), LookupKind::kAddress);
  EXPECT_EQ(kind_of(*snapshot, "web.default.svc.cluster.local.", 1), LookupKind::kOutOfZone);
}

TEST(SnapshotLookup, ThousandServicesAreAllFound) {
  std::vector<Record> records = apex_records();
  for (int i = 0; i < 1000; ++i) {
    records.push_back(address(numbered_service(i), "10.96.0.1"));
  }
  const auto snapshot = build_snapshot(records, RecordOptions{});
  for (int i = 0; i < 1000; ++i) {
    const std::string name = numbered_service(i);
    ASSERT_EQ(kind_of(*snapshot, name.c_str(), 1), LookupKind::kAddress) << name;
  }
  EXPECT_EQ(kind_of(*snapshot, "s1000.default.svc.cluster.local.", 1), LookupKind::kNXDomain);
}

TEST(DashedAddress, ReadsIpv4WithFourDecimalOctets) {
  ASSERT_TRUE(dashed("10-244-1-7"));
  EXPECT_EQ(dashed("10-244-1-7")->to_string(), "10.244.1.7");
  EXPECT_EQ(dashed("0-0-0-0")->to_string(), "0.0.0.0");
  EXPECT_EQ(dashed("255-255-255-255")->to_string(), "255.255.255.255");
  for (const char* bad : {"256-1-1-1", "1-1-1", "1-1-1-1-1", "1-1-1-x", "01-1-1-1", "a-b-c-d",
                          "1-1-1-1-", "", "1234-1-1-1"}) {
    EXPECT_FALSE(dashed(bad)) << bad;
  }
}

TEST(DashedAddress, ReadsIpv6FromItsDashedTextForm) {
  ASSERT_TRUE(dashed("fd00--1"));
  EXPECT_EQ(dashed("fd00--1")->to_string(), "fd00::1");
  EXPECT_EQ(dashed("FD00--AB")->to_string(), "fd00::ab");
  EXPECT_TRUE(dashed("2001-db8-0-0-0-0-0-1"));
  for (const char* bad : {"fd00---1", "fd00--1--2", "g--1", "-"}) EXPECT_FALSE(dashed(bad)) << bad;
}

}  // namespace
}  // namespace clusterdns::zones::testing
