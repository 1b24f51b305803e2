// Real clients read what the MessageBuilder writes: a responder on 127.0.0.1 answers
// dig and kdig with messages built here, and the tests check what the clients print.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "dns/wire/builder.h"
#include "dns/wire/message.h"
#include "dns/wire/rdata.h"
#include "tests/dns/wire_test_util.h"
#include "tests/support/process.h"

namespace clusterdns::dns {
namespace {

using testing::name;

// Writes the answer to `query` into `builder` (header id, QR and question done).
using Answerer = std::function<void(const QueryParse& query, MessageBuilder& builder)>;

class LoopbackResponder {
 public:
  explicit LoopbackResponder(Answerer answer) : answer_(std::move(answer)) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot bind 127.0.0.1:0";
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackResponder() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  std::string port() const { return std::to_string(port_); }

 private:
  void serve() {
    // Bounded: polls every 50 ms until stopped.
    while (!stop_) {
      pollfd ready{fd_, POLLIN, 0};
      if (poll(&ready, 1, 50) <= 0) continue;
      std::array<uint8_t, 65535> query_buffer{};
      sockaddr_storage peer{};
      socklen_t peer_length = sizeof peer;
      ssize_t n = recvfrom(fd_, query_buffer.data(), query_buffer.size(), 0,
                           reinterpret_cast<sockaddr*>(&peer), &peer_length);
      if (n <= 0) continue;
      std::span<const uint8_t> query_octets(query_buffer.data(), static_cast<size_t>(n));
      QueryParse query = parse_query(query_octets);
      if (!query.has_question) continue;
      size_t limit = query.edns.present ? std::max<size_t>(query.edns.udp_payload, kMinUdpPayload)
                                        : kMinUdpPayload;
      MessageBuilder builder(response_, std::min(limit, kMaxUdpPayload));
      builder.set_id(query.header.id);
      builder.set_flag(kFlagQR);
      builder.set_flag(kFlagRD, query.header.has(kFlagRD));
      if (query.edns.present) builder.reserve_opt();
      builder.add_question(query.qname, query.qtype, query.qclass);
      answer_(query, builder);
      if (query.edns.present) builder.add_opt({.dnssec_ok = query.edns.dnssec_ok()});
      auto reply = builder.finish();
      sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer), peer_length);
    }
  }

  Answerer answer_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::array<uint8_t, 65535> response_{};
  std::thread thread_;
};

constexpr const char* kDig = "/usr/bin/dig";
constexpr const char* kKdig = "/usr/bin/kdig";

bool have(const char* program) {
  return access(program, X_OK) == 0;
}

// Client output with every run of blanks as one space: dig and kdig align columns.
std::string squeeze(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool blank = c == ' ' || c == '\t';
    if (blank && !out.empty() && out.back() == ' ') continue;
    out += blank ? ' ' : c;
  }
  return out;
}

std::string dig(const LoopbackResponder& responder, std::vector<std::string> args) {
  std::vector<std::string> argv = {kDig,         "-p",       responder.port(),
                                   "@127.0.0.1", "+tries=1", "+time=3"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = clusterdns::testing::run_process(argv, 20);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return squeeze(result.out);
}

void answer_headless_srv(const QueryParse& query, MessageBuilder& builder) {
  builder.set_flag(kFlagAA);
  builder.begin_rrset();
  for (int i = 0; i < 3; ++i) {
    std::string target = "10-0-0-" + std::to_string(i) + ".web.default.svc.cluster.local";
    builder.add_record(Section::kAnswer, query.qname, RRType::kSRV, 5,
                       encode_srv({0, 33, 8080, name(target.c_str())}));
  }
  builder.commit_rrset();
  for (uint8_t i = 0; i < 3; ++i) {
    std::string target = "10-0-0-" + std::to_string(i) + ".web.default.svc.cluster.local";
    builder.add_record(Section::kAdditional, name(target.c_str()), RRType::kA, 5,
                       encode_a({10, 0, 0, i}));
  }
}

TEST(Interop, DigReadsCompressedSrvAnswersWithAdditionalsAndOpt) {
  ASSERT_TRUE(have(kDig)) << "dig missing: run scripts/setup.sh";
  LoopbackResponder responder(answer_headless_srv);
  std::string out = dig(responder, {"_http._tcp.Web.default.svc.cluster.local", "SRV"});
  EXPECT_NE(out.find("status: NOERROR"), std::string::npos) << out;
  EXPECT_NE(out.find("flags: qr aa rd; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 4"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("; EDNS: version: 0, flags:; udp: 1232"), std::string::npos) << out;
  EXPECT_NE(out.find("_http._tcp.Web.default.svc.cluster.local. 5 IN SRV 0 33 8080 "
                     "10-0-0-2.web.default.svc.cluster.local."),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("10-0-0-1.web.default.svc.cluster.local. 5 IN A 10.0.0.1"), std::string::npos)
      << out;
}

TEST(Interop, DigSeesTcAndWholeRrsetsWhenTheAnswerDoesNotFit) {
  ASSERT_TRUE(have(kDig)) << "dig missing: run scripts/setup.sh";
  LoopbackResponder responder([](const QueryParse& query, MessageBuilder& builder) {
    builder.set_flag(kFlagAA);
    builder.begin_rrset();
    for (uint8_t i = 0; i < 40; ++i) {  // 40 * 16 octets: more than 512
      builder.add_record(Section::kAnswer, query.qname, RRType::kA, 5, encode_a({10, 0, 1, i}));
    }
    builder.commit_rrset();
  });
  std::string out = dig(responder, {"+noedns", "+ignore", "big.default.svc.cluster.local", "A"});
  EXPECT_NE(out.find("flags: qr aa tc rd; QUERY: 1, ANSWER: 0"), std::string::npos) << out;
}

TEST(Interop, DigPrintsBadversFromTheExtendedRcode) {
  ASSERT_TRUE(have(kDig)) << "dig missing: run scripts/setup.sh";
  LoopbackResponder responder([](const QueryParse& query, MessageBuilder& builder) {
    if (query.edns.version > 0) builder.set_rcode(Rcode::kBadVers);  // RFC 6891 §6.1.3
  });
  std::string out =
      dig(responder, {"+edns=1", "+noednsnegotiation", "dns-version.cluster.local", "TXT"});
  EXPECT_NE(out.find("status: BADVERS"), std::string::npos) << out;
}

TEST(Interop, KdigReadsEveryRecordTypeWeWrite) {
  ASSERT_TRUE(have(kKdig)) << "kdig missing: run scripts/setup.sh";
  LoopbackResponder responder([](const QueryParse& query, MessageBuilder& builder) {
    builder.set_flag(kFlagAA);
    Name zone = query.qname;
    Ipv6Bytes v6{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    builder.add_record(Section::kAnswer, zone, RRType::kHINFO, 5, *encode_hinfo({"RFC8482", ""}));
    builder.add_record(Section::kAnswer, zone, RRType::kTXT, 5, *encode_txt({"1.1.0", "a b"}));
    builder.add_record(Section::kAnswer, zone, RRType::kNS, 5,
                       encode_name_rdata(name("ns.dns.cluster.local")));
    builder.add_record(Section::kAnswer, zone, RRType::kMX, 5,
                       encode_mx({10, name("mail.cluster.local")}));
    builder.add_record(Section::kAnswer, zone, RRType::kAAAA, 5, encode_aaaa(v6));
    builder.add_record(Section::kAnswer, zone, RRType::kCNAME, 5,
                       encode_name_rdata(name("target.example.org")));
    builder.add_record(Section::kAnswer, name("10.0.96.10.in-addr.arpa"), RRType::kPTR, 5,
                       encode_name_rdata(name("kube-dns.kube-system.svc.cluster.local")));
    builder.add_record(Section::kAuthority, zone, RRType::kSOA, 5,
                       encode_soa({name("ns.dns.cluster.local"), name("hostmaster.cluster.local"),
                                   42, 7200, 1800, 86400, 5}));
  });
  auto result =
      clusterdns::testing::run_process({kKdig, "-p", responder.port(), "@127.0.0.1", "+retry=0",
                                        "+timeout=3", "+nocrypto", "Cluster.Local", "ANY"},
                                       20);
  // kdig prints owner names lower-cased.
  const std::string out = squeeze(result.out);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* line :
       {"cluster.local. 5 IN HINFO \"RFC8482\" \"\"", "cluster.local. 5 IN TXT \"1.1.0\" \"a b\"",
        "cluster.local. 5 IN NS ns.dns.cluster.local.",
        "cluster.local. 5 IN MX 10 mail.cluster.local.", "cluster.local. 5 IN AAAA fd00::1",
        "cluster.local. 5 IN CNAME target.example.org.",
        "10.0.96.10.in-addr.arpa. 5 IN PTR kube-dns.kube-system.svc.cluster.local.",
        "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 42 7200 1800 "
        "86400 5"}) {
    EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
  }
}

}  // namespace
}  // namespace clusterdns::dns
