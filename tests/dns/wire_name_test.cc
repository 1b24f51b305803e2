#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dns/wire/name.h"
#include "tests/dns/wire_test_util.h"

namespace clusterdns::dns {
namespace {

using testing::name;
using testing::PacketWriter;

// A message whose first name starts right after a 12-octet header.
PacketWriter with_header() {
  PacketWriter packet;
  packet.header(1, 0, 1, 0, 0, 0);
  return packet;
}

Name read_at(const std::vector<uint8_t>& message, size_t offset, WireError expected_error,
             size_t* end = nullptr) {
  WireReader reader(message, offset);
  Name out;
  read_name(reader, out);
  EXPECT_EQ(reader.error(), expected_error) << wire_error_name(reader.error());
  if (end) *end = reader.offset();
  return out;
}

TEST(NameText, ParsesAndPrintsWithEscapes) {
  Name parsed = name("Foo.Example.");
  EXPECT_EQ(parsed.to_text(), "Foo.Example.");
  EXPECT_EQ(parsed.size(), 13u);
  EXPECT_EQ(parsed.label_count(), 2u);
  EXPECT_EQ(name("foo.example").to_text(), "foo.example.") << "relative text is absolute";
  EXPECT_EQ(name("a\\.b.c").label_count(), 2u);
  EXPECT_EQ(name("a\\.b.c").to_text(), "a\\.b.c.");
  EXPECT_EQ(name("a\\000b.c").to_text(), "a\\000b.c.");
  EXPECT_EQ(name("sp\\032ace.").label(0).size(), 6u);
  EXPECT_EQ(name("sp\\032ace.").to_text(), "sp\\032ace.");
  EXPECT_TRUE(name(".").is_root());
  EXPECT_EQ(Name().to_text(), ".");
}

TEST(NameText, RejectsMalformedText) {
  EXPECT_FALSE(Name::from_text("").ok());
  EXPECT_FALSE(Name::from_text("a..b").ok());
  EXPECT_FALSE(Name::from_text(".a").ok());
  EXPECT_FALSE(Name::from_text("a\\").ok());
  EXPECT_FALSE(Name::from_text("a\\256.b").ok());
  EXPECT_FALSE(Name::from_text(std::string(64, 'x') + ".com").ok());
  EXPECT_TRUE(Name::from_text(std::string(63, 'x') + ".com").ok());
}

TEST(NameText, AcceptsExactly255OctetsAndNoMore) {
  // 4 labels of 63 = 256 octets with the root: one too many; 3 of 63 + one of 61 = 255.
  std::string label63(63, 'a');
  std::string longest = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  auto ok = Name::from_text(longest);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), 255u);
  EXPECT_FALSE(Name::from_text(longest + "b").ok());
}

TEST(NameCompare, IgnoresAsciiCaseOnly) {
  EXPECT_EQ(name("KUBERNETES.default.SVC.cluster.local"),
            name("kubernetes.Default.svc.Cluster.Local"));
  EXPECT_FALSE(name("Foo.").exact_equal(name("foo.")));
  EXPECT_NE(name("foo."), name("foo.bar."));
  EXPECT_NE(name("a\\200."), name("a\\232.")) << "only A-Z fold; octets above 127 compare exactly";
  EXPECT_EQ(name("FOO.example").hash(), name("foo.EXAMPLE").hash());
  EXPECT_EQ(name("MiXeD.Case.").lowered().to_text(), "mixed.case.");
}

// The fold goes eight octets at a time: every octet value, at every position of a
// word and in the tail, must fold exactly as fold_ascii() folds it alone.
TEST(NameCompare, FoldsEveryOctetValueAnywhereInTheName) {
  for (size_t size = 0; size <= 40; ++size) {
    for (unsigned first = 0; first < 256; ++first) {
      std::vector<uint8_t> from(size);
      for (size_t i = 0; i < size; ++i) from[i] = static_cast<uint8_t>(first + 37 * i);
      std::vector<uint8_t> to(size, 0xAA);
      fold_ascii_octets(from.data(), to.data(), size);
      for (size_t i = 0; i < size; ++i) {
        ASSERT_EQ(to[i], fold_ascii(from[i])) << "octet " << int{from[i]} << " at " << i;
      }
      fold_ascii_octets(from.data(), from.data(), size);  // in place
      EXPECT_EQ(from, to);
    }
  }
  EXPECT_EQ(fold_ascii('@'), '@');    // just below 'A'
  EXPECT_EQ(fold_ascii('['), '[');    // just above 'Z'
  EXPECT_EQ(fold_ascii(0xC1), 0xC1);  // 'A' | 0x80 is not ASCII
}

TEST(NameCompare, KnowsSubdomains) {
  EXPECT_TRUE(name("a.b.cluster.local").is_subdomain_of(name("Cluster.Local")));
  EXPECT_TRUE(name("cluster.local").is_subdomain_of(name("cluster.local")));
  EXPECT_TRUE(name("x.y").is_subdomain_of(Name()));
  EXPECT_FALSE(name("xcluster.local").is_subdomain_of(name("cluster.local")))
      << "suffix match must fall on a label boundary";
  EXPECT_FALSE(name("local").is_subdomain_of(name("cluster.local")));
}

TEST(NameLabels, IteratesPrependsAndStrips) {
  Name n = name("svc.cluster.local");
  EXPECT_EQ(std::string(n.label(1).begin(), n.label(1).end()), "cluster");
  EXPECT_TRUE(n.prepend_label(std::string_view("default")));
  EXPECT_EQ(n.to_text(), "default.svc.cluster.local.");
  EXPECT_EQ(n.parent().to_text(), "svc.cluster.local.");
  EXPECT_EQ(n.parent(4).to_text(), ".");
  EXPECT_EQ(n.parent(9).to_text(), ".");
  EXPECT_FALSE(n.prepend_label(std::string_view(std::string(64, 'x'))));
  EXPECT_FALSE(n.prepend_label(std::string_view("")));
}

TEST(NameWire, FromWireRequiresExactlyOneName) {
  const std::vector<uint8_t> good = {3, 'f', 'o', 'o', 0};
  ASSERT_TRUE(Name::from_wire(good).has_value());
  EXPECT_EQ(Name::from_wire(good)->to_text(), "foo.");
  const std::vector<uint8_t> trailing = {3, 'f', 'o', 'o', 0, 0};
  EXPECT_FALSE(Name::from_wire(trailing).has_value());
  const std::vector<uint8_t> pointer = {0xC0, 12};
  EXPECT_FALSE(Name::from_wire(pointer).has_value());
  const std::vector<uint8_t> unterminated = {3, 'f', 'o', 'o'};
  EXPECT_FALSE(Name::from_wire(unterminated).has_value());
}

TEST(NameRead, ReadsAnUncompressedName) {
  auto packet = with_header().name("www.Example.com").octets();
  size_t end = 0;
  Name n = read_at(packet, 12, WireError::kNone, &end);
  EXPECT_EQ(n.to_text(), "www.Example.com.");
  EXPECT_EQ(end, packet.size());
}

TEST(NameRead, FollowsBackwardPointersAndResumesAfterTheFirst) {
  PacketWriter packet = with_header().name("example.com");  // at 12
  size_t second = packet.size();
  packet.label("www").pointer(12);  // www.example.com
  size_t third = packet.size();
  packet.label("a").pointer(static_cast<uint16_t>(second));  // a.www.example.com
  packet.u16(0xABCD);
  size_t end = 0;
  EXPECT_EQ(read_at(packet.octets(), second, WireError::kNone, &end).to_text(), "www.example.com.");
  EXPECT_EQ(end, third);
  EXPECT_EQ(read_at(packet.octets(), third, WireError::kNone, &end).to_text(),
            "a.www.example.com.");
  EXPECT_EQ(end, packet.size() - 2) << "the reader continues after the first pointer";
}

TEST(NameRead, AcceptsAPointerToTheMiddleOfAnEarlierName) {
  PacketWriter packet = with_header().name("www.example.com");
  size_t second = packet.size();
  packet.label("mail").pointer(16);  // 12 + "\3www" = example.com
  EXPECT_EQ(read_at(packet.octets(), second, WireError::kNone).to_text(), "mail.example.com.");
}

TEST(NameRead, RejectsAPointerToItself) {
  PacketWriter packet = with_header().name("example.com");
  size_t second = packet.size();
  packet.pointer(static_cast<uint16_t>(second));
  EXPECT_TRUE(read_at(packet.octets(), second, WireError::kPointerLoop).is_root());
}

TEST(NameRead, RejectsAPointerLoop) {
  // at 12: "a" + pointer to 17; at 17: "b" + pointer to 12. Reading from 17 goes back
  // to 12 (fine) and then returns to 17, which it has read already.
  PacketWriter packet = with_header();
  packet.label("a").pointer(17);
  ASSERT_EQ(packet.size(), 16u);
  packet.u8(0);  // padding so the second name starts at 17
  packet.label("b").pointer(12);
  read_at(packet.octets(), 17, WireError::kPointerLoop);
}

TEST(NameRead, RejectsAForwardPointer) {
  PacketWriter packet = with_header();
  packet.label("a").pointer(20);
  packet.u16(0).u16(0);
  packet.name("later");  // at 20
  read_at(packet.octets(), 12, WireError::kForwardPointer);
}

TEST(NameRead, RejectsAPointerIntoItsOwnName) {
  // "a" "b" then a pointer back to "b": backwards in the packet, but inside the name
  // being read, which would loop.
  PacketWriter packet = with_header();
  packet.label("a").label("b").pointer(14);
  read_at(packet.octets(), 12, WireError::kPointerLoop);
}

TEST(NameRead, RejectsAPointerPastTheEnd) {
  PacketWriter packet = with_header();
  packet.pointer(0x3FFF);
  read_at(packet.octets(), 12, WireError::kForwardPointer);
}

TEST(NameRead, RejectsAPointerIntoTheHeader) {
  PacketWriter packet = with_header().name("x");
  size_t second = packet.size();
  packet.pointer(4);
  read_at(packet.octets(), second, WireError::kPointerIntoHeader);
}

TEST(NameRead, RejectsAPointerCutInHalf) {
  PacketWriter packet = with_header().name("x");
  size_t second = packet.size();
  packet.u8(0xC0);
  read_at(packet.octets(), second, WireError::kTruncated);
}

TEST(NameRead, RejectsReservedLabelTypesAndOverlongLabels) {
  for (uint8_t length_octet :
       {uint8_t{0x40}, uint8_t{0x41}, uint8_t{0x7F}, uint8_t{0x80}, uint8_t{0xBF}}) {
    PacketWriter packet = with_header();
    packet.u8(length_octet);
    for (int i = 0; i < 0x7F; ++i) packet.u8('x');
    packet.u8(0);
    read_at(packet.octets(), 12, WireError::kBadLabelType);
  }
}

TEST(NameRead, AcceptsA63OctetLabel) {
  PacketWriter packet = with_header();
  packet.label(std::string(63, 'x')).u8(0);
  EXPECT_EQ(read_at(packet.octets(), 12, WireError::kNone).size(), 65u);
}

TEST(NameRead, AcceptsExactly255OctetsWithoutPointers) {
  PacketWriter packet = with_header();
  for (int i = 0; i < 3; ++i) packet.label(std::string(63, 'a'));
  packet.label(std::string(61, 'b')).u8(0);  // 3 * 64 + 62 + 1 = 255 octets
  size_t end = 0;
  EXPECT_EQ(read_at(packet.octets(), 12, WireError::kNone, &end).size(), 255u);
  EXPECT_EQ(end, 12u + 255u);
}

TEST(NameRead, AShorterNameReadIntoAUsedNameLeavesNothingOfTheLongerOne) {
  auto first =
      with_header().name("a-rather-long-service.some-namespace.svc.cluster.local").octets();
  auto second = with_header().name("Svc.NS").octets();
  Name out;
  WireReader long_reader(first, 12);
  read_name(long_reader, out);
  WireReader short_reader(second, 12);
  read_name(short_reader, out);
  ASSERT_TRUE(short_reader.ok());
  EXPECT_TRUE(out.exact_equal(name("Svc.NS.")));
  EXPECT_EQ(out.to_text(), "Svc.NS.");
  EXPECT_EQ(out.hash(), name("svc.ns.").hash());
}

TEST(NameRead, RejectsNamesLongerThan255Octets) {
  PacketWriter packet = with_header();
  for (int i = 0; i < 4; ++i) packet.label(std::string(63, 'a'));
  packet.u8(0);  // 4 * 64 + 1 = 257 octets
  read_at(packet.octets(), 12, WireError::kNameTooLong);
}

TEST(NameRead, CountsLengthAcrossPointers) {
  // 3 labels of 63 (192 octets + root) at 12, then 2 labels of 63 and a pointer to
  // it: 128 + 193 = 321 octets once expanded.
  PacketWriter packet = with_header();
  for (int i = 0; i < 3; ++i) packet.label(std::string(63, 'a'));
  packet.u8(0);
  size_t second = packet.size();
  packet.label(std::string(63, 'b')).label(std::string(63, 'c')).pointer(12);
  read_at(packet.octets(), second, WireError::kNameTooLong);
}

TEST(NameRead, AcceptsExactly255OctetsAcrossPointers) {
  PacketWriter packet = with_header();
  packet.label(std::string(63, 'a')).label(std::string(63, 'a')).u8(0);  // 129 octets
  size_t second = packet.size();
  packet.label(std::string(63, 'b')).label(std::string(61, 'c')).pointer(12);  // +126
  EXPECT_EQ(read_at(packet.octets(), second, WireError::kNone).size(), 255u);
}

TEST(NameRead, RejectsANameCutShort) {
  auto full = with_header().name("www.example.com").octets();
  for (size_t length = 12; length < full.size(); ++length) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(length));
    read_at(cut, 12, WireError::kTruncated);
  }
}

TEST(NameRead, RejectsMorePointerHopsThanALegalNameNeeds) {
  // 200 pointers, each to the one before: every hop goes down, but no legal name
  // needs more pointers than it has labels (at most 127).
  PacketWriter packet = with_header();
  packet.name("end");
  size_t previous = 12;
  for (int i = 0; i < 200; ++i) {
    size_t here = packet.size();
    packet.pointer(static_cast<uint16_t>(previous));
    previous = here;
  }
  read_at(packet.octets(), previous, WireError::kPointerLoop);
}

TEST(NameRead, FollowsLongChainsOfBackwardPointers) {
  // 100 names each "x" + pointer to the previous: legal, every pointer goes down.
  PacketWriter packet = with_header();
  packet.name("root");
  size_t previous = 12;
  for (int i = 0; i < 100; ++i) {
    size_t here = packet.size();
    packet.label("x").pointer(static_cast<uint16_t>(previous));
    previous = here;
  }
  // 100 labels of 2 octets + "root" (6) = 206 octets: under the limit.
  EXPECT_EQ(read_at(packet.octets(), previous, WireError::kNone).label_count(), 101u);
}

}  // namespace
}  // namespace clusterdns::dns
