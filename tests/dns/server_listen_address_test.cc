#include <gtest/gtest.h>

#include "dns/server/listen_address.h"

namespace clusterdns::dns {
namespace {

std::string parsed(std::string_view text) {
  Result<Endpoint> endpoint = parse_listen_address(text);
  return endpoint.ok() ? endpoint->to_string() : "error: " + endpoint.error().message;
}

TEST(ListenAddress, ParsesIpv4WithPort) {
  EXPECT_EQ(parsed("127.0.0.1:5353"), "127.0.0.1:5353");
}

TEST(ListenAddress, ParsesBracketedIpv6WithPort) {
  EXPECT_EQ(parsed("[::1]:5353"), "[::1]:5353");
  EXPECT_EQ(parsed("[fd00:0:0::10]:0"), "[fd00::10]:0");
}

TEST(ListenAddress, DefaultsToPort53) {
  EXPECT_EQ(parsed("0.0.0.0"), "0.0.0.0:53");
  EXPECT_EQ(parsed("[::]"), "[::]:53");
  EXPECT_EQ(parsed("::1"), "[::1]:53");
}

TEST(ListenAddress, AcceptsPortsZeroAndMax) {
  EXPECT_EQ(parsed("10.0.0.1:0"), "10.0.0.1:0");
  EXPECT_EQ(parsed("10.0.0.1:65535"), "10.0.0.1:65535");
}

TEST(ListenAddress, KeepsAnIpv6ScopeByInterfaceName) {
  EXPECT_EQ(parsed("[fe80::1%lo]:53"), "[fe80::1%lo]:53");
}

TEST(ListenAddress, RejectsAPortOutOfRange) {
  EXPECT_EQ(parsed("1.2.3.4:99999"), "error: --listen '1.2.3.4:99999': port must be 0-65535");
  EXPECT_EQ(parsed("[::1]:65536"), "error: --listen '[::1]:65536': port must be 0-65535");
  EXPECT_EQ(parsed("1.2.3.4:-1"), "error: --listen '1.2.3.4:-1': port must be 0-65535");
  EXPECT_EQ(parsed("1.2.3.4:5x"), "error: --listen '1.2.3.4:5x': port must be 0-65535");
}

TEST(ListenAddress, RejectsAMissingPortAfterTheColon) {
  EXPECT_EQ(parsed("1.2.3.4:"), "error: --listen '1.2.3.4:': missing port after ':'");
  EXPECT_EQ(parsed("[::1]:"), "error: --listen '[::1]:': missing port after ':'");
}

TEST(ListenAddress, RejectsHostNames) {
  EXPECT_EQ(parsed("localhost:53"),
            "error: --listen 'localhost:53': 'localhost' is not an IP address (names are not "
            "resolved; an IPv6 address goes in brackets: [::1]:53)");
}

TEST(ListenAddress, RejectsMalformedBrackets) {
  EXPECT_EQ(parsed("[::1:53"), "error: --listen '[::1:53': missing ']' after the IPv6 address");
  EXPECT_EQ(parsed("[::1]53"), "error: --listen '[::1]53': expected ':PORT' after ']'");
  EXPECT_EQ(parsed("[1.2.3.4]:53"),
            "error: --listen '[1.2.3.4]:53': '1.2.3.4' is not an IPv6 address");
}

TEST(ListenAddress, RejectsEmptyAndPartialAddresses) {
  EXPECT_EQ(parsed(""), "error: --listen '': expected ADDR:PORT, [IPV6]:PORT or ADDR");
  EXPECT_EQ(parsed(":53"), "error: --listen ':53': missing address before ':'");
  EXPECT_NE(parsed("1.2.3:53").find("'1.2.3' is not an IP address"), std::string::npos);
  EXPECT_NE(parsed("fe80::zz").find("not an IPv6 address"), std::string::npos);
}

}  // namespace
}  // namespace clusterdns::dns
