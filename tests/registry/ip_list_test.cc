// IpList (registry/ip_list.h) reads like the std::vector<IpAddress> it replaced, whether
// it holds its one address in place or a dual-stack pair (or more) on the heap.
#include "registry/ip_list.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace clusterdns::registry {
namespace {

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

std::vector<std::string> texts(const IpList& list) {
  std::vector<std::string> out;
  for (const IpAddress& address : list) out.push_back(address.to_string());
  return out;
}

using Strings = std::vector<std::string>;

TEST(IpList, EmptyByDefault) {
  const IpList list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.begin(), list.end());
  EXPECT_EQ(list, IpList{});
  EXPECT_THROW((void)list.at(0), std::out_of_range);
}

TEST(IpList, KeepsAddressesInOrderPrimaryFirst) {
  IpList list;
  list.push_back(ip("10.0.0.1"));
  EXPECT_EQ(texts(list), Strings{"10.0.0.1"});
  list.push_back(ip("fd00::1"));
  list.push_back(ip("10.0.0.3"));
  EXPECT_EQ(texts(list), (Strings{"10.0.0.1", "fd00::1", "10.0.0.3"}));
  EXPECT_EQ(list.size(), 3u);
  EXPECT_EQ(list.front(), ip("10.0.0.1"));
  EXPECT_EQ(list.back(), ip("10.0.0.3"));
  EXPECT_EQ(list[1], ip("fd00::1"));
  EXPECT_EQ(list.at(2), ip("10.0.0.3"));
  list.clear();
  EXPECT_TRUE(list.empty());
  list.push_back(ip("10.0.0.9"));
  EXPECT_EQ(texts(list), Strings{"10.0.0.9"});
}

TEST(IpList, CopiesAreEqualAndIndependent) {
  for (const IpList& original : {IpList{ip("10.0.0.1")}, IpList{ip("10.0.0.1"), ip("fd00::1")}}) {
    IpList copy = original;
    EXPECT_EQ(copy, original);
    copy.push_back(ip("10.9.9.9"));
    EXPECT_NE(copy, original);
    EXPECT_EQ(original.size() + 1, copy.size());
    IpList assigned;
    assigned = original;
    const IpList& self = assigned;
    assigned = self;  // self-assignment keeps the addresses
    EXPECT_EQ(assigned, original);
  }
}

TEST(IpList, MovingLeavesTheSourceEmpty) {
  IpList pair{ip("10.0.0.1"), ip("fd00::1")};
  IpList moved = std::move(pair);
  EXPECT_EQ(texts(moved), (Strings{"10.0.0.1", "fd00::1"}));
  EXPECT_TRUE(pair.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  IpList single{ip("10.0.0.2")};
  moved = std::move(single);
  EXPECT_EQ(texts(moved), Strings{"10.0.0.2"});
  EXPECT_TRUE(single.empty());  // NOLINT(bugprone-use-after-move)
}

TEST(IpList, OrdersLikeAVectorOfAddresses) {
  EXPECT_LT(IpList{}, IpList{ip("10.0.0.1")});
  EXPECT_LT(IpList{ip("10.0.0.1")}, IpList{ip("10.0.0.2")});
  EXPECT_LT(IpList{ip("10.0.0.1")}, (IpList{ip("10.0.0.1"), ip("fd00::1")}));
  EXPECT_EQ((IpList{ip("10.0.0.1"), ip("fd00::1")}), (IpList{ip("10.0.0.1"), ip("fd00::1")}));
}

// The list keeps its count in one octet and, past one address, in its heap block: any
// number of addresses still reads back (a manifest may list hundreds of podIPs).
TEST(IpList, HoldsManyAddressesInEighteenOctets) {
  static_assert(sizeof(IpList) == 18 && alignof(IpList) == 1);
  IpList list;
  Strings expected;
  for (size_t i = 0; i < 300; ++i) {
    const std::string text = "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    list.push_back(ip(text.c_str()));
    expected.push_back(text);
  }
  EXPECT_EQ(list.size(), 300u);
  EXPECT_EQ(texts(list), expected);
  EXPECT_EQ(list.back().to_string(), "10.0.1.43");
  const IpList copy = list;
  EXPECT_EQ(copy, list);
  IpList moved = std::move(list);
  EXPECT_EQ(moved.size(), 300u);
  moved.clear();
  EXPECT_TRUE(moved.empty());
  moved.push_back(ip("fd00::1"));
  EXPECT_EQ(texts(moved), Strings{"fd00::1"});
}

}  // namespace
}  // namespace clusterdns::registry
