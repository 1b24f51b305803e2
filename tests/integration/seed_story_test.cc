// The seed story over DNS: serve examples/ and ask what a user of the seed would ask,
// with dig, nslookup and c-ares, over UDP and TCP.

#include <gtest/gtest.h>

#include <memory>

#include "tests/support/dns_client.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"

namespace clusterdns::testing {
namespace {

class SeedStory : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(source_dir() + "/examples");
    ASSERT_TRUE(server_->started()) << server_->log();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete server_;
  }
  static uint16_t port() { return server_->port(); }
  static ServerProcess* server_;
};
ServerProcess* SeedStory::server_ = nullptr;

const std::vector<std::string> kSeedPodIps = {"10.244.1.194", "10.244.1.195", "10.244.2.205"};

TEST_F(SeedStory, ServiceNameAnswersItsClusterIpAuthoritatively) {
  const std::string output = dig(port(), {"dnsservices.default.svc.cluster.local"});
  EXPECT_NE(output.find("status: NOERROR"), std::string::npos) << output;
  EXPECT_NE(output.find(" aa"), std::string::npos) << output;
  EXPECT_EQ(dig_short(port(), {"dnsservices.default.svc.cluster.local"}),
            std::vector<std::string>{"10.1.146.200"});
}

TEST_F(SeedStory, SrvForTheWebPortNamesTheServiceWithItsAddressInAdditional) {
  EXPECT_EQ(dig_short(port(), {"SRV", "_web._tcp.dnsservices.default.svc.cluster.local"}),
            std::vector<std::string>{"0 100 5001 dnsservices.default.svc.cluster.local."});
  const std::string additional =
      dig(port(), {"+noall", "+additional", "SRV", "_web._tcp.dnsservices.default.svc.cluster.local"});
  EXPECT_NE(additional.find("dnsservices.default.svc.cluster.local. 5 IN A 10.1.146.200"),
            std::string::npos)
      << additional;
}

TEST_F(SeedStory, UdpDnsPortHasItsOwnSrvUnderUdp) {
  EXPECT_EQ(dig_short(port(), {"SRV", "_udpdns._udp.dnsservices.default.svc.cluster.local"}),
            std::vector<std::string>{"0 100 53 dnsservices.default.svc.cluster.local."});
}

TEST_F(SeedStory, HeadlessTwinAnswersTheThreePodAddresses) {
  EXPECT_EQ(dig_short(port(), {"dnsservices-headless.default.svc.cluster.local"}), kSeedPodIps);
}

TEST_F(SeedStory, ReverseLookupOfTheClusterIpNamesTheService) {
  EXPECT_EQ(dig_short(port(), {"-x", "10.1.146.200"}),
            std::vector<std::string>{"dnsservices.default.svc.cluster.local."});
}

TEST_F(SeedStory, TcpGivesTheSameAnswersAsUdp) {
  for (const std::vector<std::string>& question :
       {std::vector<std::string>{"dnsservices.default.svc.cluster.local"},
        std::vector<std::string>{"SRV", "_web._tcp.dnsservices.default.svc.cluster.local"},
        std::vector<std::string>{"dnsservices-headless.default.svc.cluster.local"},
        std::vector<std::string>{"-x", "10.1.146.200"}}) {
    auto tcp = question;
    tcp.push_back("+tcp");
    EXPECT_EQ(dig_short(port(), tcp), dig_short(port(), question)) << question.back();
    EXPECT_FALSE(dig_short(port(), tcp).empty()) << question.back();
  }
}

TEST_F(SeedStory, NslookupResolvesTheService) {
  auto result = run_process({"/usr/bin/nslookup", "-port=" + std::to_string(port()),
                             "-timeout=2", "-retry=1",
                             "dnsservices.default.svc.cluster.local", "127.0.0.1"},
                            20);
  EXPECT_NE(result.out.find("Address: 10.1.146.200"), std::string::npos) << result.out;
}

TEST_F(SeedStory, CaresResolvesTheHeadlessServiceOverUdpAndTcp) {
  for (bool tcp : {false, true}) {
    AresOptions options;
    options.port = port();
    options.tcp = tcp;
    auto result = ares_lookup("dnsservices-headless.default.svc.cluster.local", 1, options);
    EXPECT_EQ(result.status, 0) << "tcp=" << tcp;
    EXPECT_EQ(ares_addresses(result, 1), kSeedPodIps) << "tcp=" << tcp;
  }
}

}  // namespace
}  // namespace clusterdns::testing
