// --upstream, --forward, --allow-recursion and /etc/resolv.conf parsing.

#include "dns/upstream/upstream_address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace clusterdns::dns {
namespace {

TEST(UpstreamAddress, AcceptsAddressesWithAndWithoutPorts) {
  EXPECT_EQ(parse_upstream_address("10.0.0.1")->to_string(), "10.0.0.1:53");
  EXPECT_EQ(parse_upstream_address("127.0.0.1:5353")->to_string(), "127.0.0.1:5353");
  EXPECT_EQ(parse_upstream_address("[::1]:5353")->to_string(), "[::1]:5353");
  EXPECT_EQ(parse_upstream_address("fd00::53")->to_string(), "[fd00::53]:53");
}

TEST(UpstreamAddress, RejectsNamesAndPortZeroWithTheFlagInTheMessage) {
  auto name = parse_upstream_address("dns.google");
  ASSERT_FALSE(name.ok());
  EXPECT_NE(name.error().message.find("--upstream 'dns.google'"), std::string::npos);
  auto zero = parse_upstream_address("127.0.0.1:0");
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.error().message.find("port must be 1-65535"), std::string::npos);
}

TEST(ForwardRoute, LongestMatchingDomainWins) {
  std::vector<DomainRoute> routes;
  routes.push_back(*parse_forward_route("example.org=127.0.0.1:1001"));
  routes.push_back(*parse_forward_route("corp.example.org=127.0.0.1:1002"));
  routes.push_back(*parse_forward_route("Example.ORG.=127.0.0.1:1003"));
  routes = merge_routes(std::move(routes));
  ASSERT_EQ(routes.size(), 2u);
  const auto* corp = find_route(routes, *Name::from_text("a.CORP.example.org"));
  ASSERT_NE(corp, nullptr);
  EXPECT_EQ(corp->servers.front().port(), 1002);
  const auto* plain = find_route(routes, *Name::from_text("www.example.org"));
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->servers.size(), 2u);  // the repeated domain added its server
  EXPECT_EQ(find_route(routes, *Name::from_text("example.com")), nullptr);
  EXPECT_FALSE(parse_forward_route("example.org").ok());
  EXPECT_FALSE(parse_forward_route("example.org=nowhere").ok());
}

TEST(ResolvConf, ReadsNameserverLinesInOrder) {
  const auto servers = nameservers_from_resolv_conf(
      "# comment\nsearch default.svc.cluster.local\nnameserver 10.96.0.10\n"
      "nameserver\t::1 # local\nnameserver bogus\noptions ndots:5\nnameserver 192.168.1.1\n");
  ASSERT_EQ(servers.size(), 3u);
  EXPECT_EQ(servers[0].to_string(), "10.96.0.10:53");
  EXPECT_EQ(servers[1].to_string(), "[::1]:53");
  EXPECT_EQ(servers[2].to_string(), "192.168.1.1:53");
}

TEST(ResolvConf, OwnListenAddressesAreRecognised) {
  const std::vector<Endpoint> listening = {*parse_upstream_address("0.0.0.0:53"),
                                           *parse_upstream_address("10.0.0.5:5300")};
  EXPECT_TRUE(is_own_address(*parse_upstream_address("127.0.0.1"), listening));
  EXPECT_TRUE(is_own_address(*parse_upstream_address("10.0.0.5:5300"), listening));
  EXPECT_FALSE(
      is_own_address(*parse_upstream_address("10.0.0.5:53"), std::vector<Endpoint>{listening[1]}));
  EXPECT_FALSE(is_own_address(*parse_upstream_address("127.0.0.1:5353"), listening));
}

bool contains(const char* cidr, const char* address) {
  auto parsed = Cidr::parse(cidr);
  EXPECT_TRUE(parsed.ok()) << cidr;
  auto endpoint = parse_upstream_address(address);
  EXPECT_TRUE(endpoint.ok()) << address;
  return parsed->contains(endpoint->data(), endpoint->size());
}

TEST(AllowRecursion, MatchesPrefixesOfBothFamilies) {
  EXPECT_TRUE(contains("10.0.0.0/8", "10.200.1.1"));
  EXPECT_FALSE(contains("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(contains("172.16.0.0/12", "172.31.255.255"));
  EXPECT_FALSE(contains("172.16.0.0/12", "172.32.0.1"));
  EXPECT_TRUE(contains("fc00::/7", "[fd12::1]:53"));
  EXPECT_FALSE(contains("fc00::/7", "[2001:db8::1]:53"));
  EXPECT_FALSE(contains("10.0.0.0/8", "[::1]:53"));
  EXPECT_TRUE(contains("127.0.0.0/8", "[::ffff:127.0.0.1]:53"));  // dual-stack socket
  EXPECT_TRUE(contains("192.0.2.7", "192.0.2.7"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/33").ok());
  EXPECT_FALSE(Cidr::parse("ten/8").ok());
}

}  // namespace
}  // namespace clusterdns::dns
