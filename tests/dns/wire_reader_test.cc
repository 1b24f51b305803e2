#include <gtest/gtest.h>

#include <vector>

#include "dns/wire/header.h"
#include "dns/wire/reader.h"
#include "dns/wire/types.h"

namespace clusterdns::dns {
namespace {

TEST(WireReader, ReadsBigEndianIntegersInOrder) {
  const std::vector<uint8_t> octets = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  WireReader reader(octets);
  EXPECT_EQ(reader.u8(), 0x01);
  EXPECT_EQ(reader.u16(), 0x0203);
  EXPECT_EQ(reader.u32(), 0x04050607u);
  EXPECT_TRUE(reader.ok());
  EXPECT_TRUE(reader.at_end());
}

TEST(WireReader, ShortReadPoisonsEveryLaterRead) {
  const std::vector<uint8_t> octets = {0x01, 0x02, 0x03};
  WireReader reader(octets);
  EXPECT_EQ(reader.u16(), 0x0102);
  EXPECT_EQ(reader.u16(), 0);  // only one octet left
  EXPECT_FALSE(reader.ok());
  EXPECT_EQ(reader.error(), WireError::kTruncated);
  EXPECT_EQ(reader.u8(), 0) << "the remaining octet must not be read after an error";
  EXPECT_TRUE(reader.bytes(1).empty());
  EXPECT_EQ(reader.offset(), 2u);
}

TEST(WireReader, KeepsTheFirstErrorOnly) {
  const std::vector<uint8_t> octets = {0x01};
  WireReader reader(octets);
  reader.fail(WireError::kBadRdata);
  reader.skip(5);
  EXPECT_EQ(reader.error(), WireError::kBadRdata);
  EXPECT_STREQ(wire_error_name(reader.error()), "malformed rdata");
}

TEST(WireReader, BytesAreAViewIntoTheMessage) {
  const std::vector<uint8_t> octets = {9, 8, 7, 6};
  WireReader reader(octets, 1);
  auto view = reader.bytes(2);
  ASSERT_EQ(view.size(), 2u);
  EXPECT_EQ(view.data(), octets.data() + 1);
  EXPECT_EQ(reader.remaining(), 1u);
  reader.skip(2);
  EXPECT_EQ(reader.error(), WireError::kTruncated);
}

TEST(WireReader, SeekBeyondTheEndFails) {
  const std::vector<uint8_t> octets = {1, 2};
  WireReader reader(octets);
  reader.seek(2);
  EXPECT_TRUE(reader.ok());
  reader.seek(3);
  EXPECT_EQ(reader.error(), WireError::kTruncated);
}

TEST(WireHeader, RoundTripsEveryField) {
  Header header;
  header.id = 0xBEEF;
  header.set(kFlagQR);
  header.set(kFlagAA);
  header.set(kFlagRD);
  header.set(kFlagCD);
  header.set_opcode(Opcode::kNotify);
  header.set_rcode(5);
  header.qdcount = 1;
  header.ancount = 2;
  header.nscount = 3;
  header.arcount = 4;
  std::vector<uint8_t> octets(kHeaderSize);
  write_header(header, octets);
  WireReader reader(octets);
  Header read = read_header(reader);
  EXPECT_TRUE(reader.ok());
  EXPECT_EQ(read, header);
  EXPECT_EQ(read.opcode(), 4);
  EXPECT_EQ(read.rcode(), 5);
  EXPECT_TRUE(read.has(kFlagCD));
  EXPECT_FALSE(read.has(kFlagTC));
  EXPECT_EQ(octets[2], 0x80 | 0x20 | 0x04 | 0x01);  // QR, opcode 4, AA, RD
}

TEST(WireTypes, NamesKnownAndUnknownTypes) {
  EXPECT_EQ(type_name(RRType::kSRV), "SRV");
  EXPECT_EQ(type_name(RRType::kAAAA), "AAAA");
  EXPECT_EQ(type_name(static_cast<RRType>(65280)), "TYPE65280");
  EXPECT_EQ(parse_type("srv"), RRType::kSRV);
  EXPECT_EQ(parse_type("TYPE65280"), static_cast<RRType>(65280));
  EXPECT_EQ(parse_type("type1"), RRType::kA);
  EXPECT_FALSE(parse_type("TYPE65536").has_value());
  EXPECT_FALSE(parse_type("BOGUS").has_value());
  EXPECT_FALSE(parse_type("TYPE").has_value());
}

TEST(WireTypes, NamesClassesAndRcodes) {
  EXPECT_EQ(class_name(1), "IN");
  EXPECT_EQ(class_name(42), "CLASS42");
  EXPECT_EQ(parse_class("in"), uint16_t{1});
  EXPECT_EQ(parse_class("CLASS3"), uint16_t{3});
  EXPECT_EQ(rcode_name(16), "BADVERS");
  EXPECT_EQ(rcode_name(3), "NXDOMAIN");
  EXPECT_EQ(opcode_name(4), "NOTIFY");
}

}  // namespace
}  // namespace clusterdns::dns
