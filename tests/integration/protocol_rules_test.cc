// The protocol rules of DESIGN.md §1, checked with raw packets against the real server;
// after every malformed packet the server must still answer.

#include <gtest/gtest.h>

#include "tests/support/dns_client.h"
#include "tests/integration/suite_server.h"

namespace clusterdns::testing {
namespace {

constexpr uint16_t kA = 1, kSrv = 33, kAxfr = 252;

std::string pod_yaml(const std::string& name, const std::string& app, const std::string& ip) {
  return "---\napiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: big, labels: {app: " +
         app + "}}\nspec:\n  containers: [{name: c, image: x}]\nstatus:\n  phase: Running\n  podIP: " +
         ip + "\n  conditions: [{type: Ready, status: \"True\"}]\n";
}

class ProtocolRules : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { suite_.start(write_manifests); }
  static void TearDownTestSuite() { suite_.stop(); }
  void TearDown() override { expect_still_answering(); }

  static void write_manifests(const TempDir& dir) {
    std::string manifests =
        "apiVersion: v1\nkind: Service\nmetadata: {name: wide, namespace: big}\n"
        "spec: {clusterIP: None, selector: {app: wide}, ports: [{name: http, port: 80}]}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: srvs, namespace: big}\n"
        "spec: {clusterIP: None, selector: {app: srvs}, ports: [{name: http, port: 80}]}\n";
    for (int i = 1; i <= 60; ++i) {
      manifests += pod_yaml("wide-" + std::to_string(i), "wide", "10.244.9." + std::to_string(i));
    }
    // 7 SRV records (targets are never compressed, RFC 2782) fit in 512 bytes; their
    // 7 target addresses do not fit beside them.
    for (int i = 1; i <= 7; ++i) {
      manifests += pod_yaml("srvs-" + std::to_string(i), "srvs", "10.244.8." + std::to_string(i));
    }
    dir.write("big.yaml", manifests);
  }

  static uint16_t port() { return suite_.port(); }
  static std::optional<Bytes> send(const Bytes& packet, int timeout_ms = 1000) {
    return udp_exchange(port(), packet, timeout_ms);
  }
  static void expect_still_answering() {
    auto reply = send(make_query("kubernetes.default.svc.cluster.local", kA));
    ASSERT_TRUE(reply.has_value()) << "server stopped answering; log:\n" << suite_.process().log();
    EXPECT_EQ(parse_header(*reply).rcode, 0);
  }
  static ResponseHeader answer_header(const Bytes& packet) {
    auto reply = send(packet);
    EXPECT_TRUE(reply.has_value());
    return reply ? parse_header(*reply) : ResponseHeader{};
  }

  static SuiteServer suite_;
};
SuiteServer ProtocolRules::suite_;

TEST_F(ProtocolRules, AnswersCarryAaAndCopyRdAndIdWithoutRa) {
  auto query = make_query("kubernetes.default.svc.cluster.local", kA, 0xbeef);
  const ResponseHeader header = answer_header(query);
  EXPECT_EQ(header.id, 0xbeef);
  EXPECT_TRUE(header.qr);
  EXPECT_TRUE(header.aa);
  EXPECT_TRUE(header.rd);
  EXPECT_FALSE(header.ra);
  query[2] &= static_cast<uint8_t>(~0x01);  // RD clear
  EXPECT_FALSE(answer_header(query).rd);
}

TEST_F(ProtocolRules, ResponsesAreDroppedSilently) {
  auto packet = make_query("kubernetes.default.svc.cluster.local", kA);
  packet[2] |= 0x80;
  EXPECT_FALSE(send(packet, 300).has_value());
}

TEST_F(ProtocolRules, OtherOpcodesAreNotImplemented) {
  auto packet = make_query("kubernetes.default.svc.cluster.local", kA);
  packet[2] = static_cast<uint8_t>((packet[2] & 0x87) | (2 << 3));  // STATUS
  EXPECT_EQ(answer_header(packet).rcode, 4);
}

TEST_F(ProtocolRules, QuestionCountOtherThanOneIsFormerr) {
  auto none = make_query("kubernetes.default.svc.cluster.local", kA);
  none[5] = 0;
  EXPECT_EQ(answer_header(none).rcode, 1);
  auto two = make_query("kubernetes.default.svc.cluster.local", kA);
  two[5] = 2;
  EXPECT_EQ(answer_header(two).rcode, 1);
}

TEST_F(ProtocolRules, ClassOtherThanInIsRefused) {
  auto packet = make_query("kubernetes.default.svc.cluster.local", kA);
  packet[packet.size() - 1] = 3;  // CH
  EXPECT_EQ(answer_header(packet).rcode, 5);
}

TEST_F(ProtocolRules, EdnsIsEchoedWithOurPayloadSize) {
  auto reply = send(make_query("kubernetes.default.svc.cluster.local", kA, 7, 4096));
  ASSERT_TRUE(reply.has_value());
  const ResponseHeader header = parse_header(*reply);
  EXPECT_EQ(header.arcount, 1);
  // The OPT record is last: root name, TYPE 41, CLASS = payload 1232, TTL 0, RDLEN 0.
  const Bytes opt(reply->end() - 11, reply->end());
  EXPECT_EQ(opt, (Bytes{0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0}));
}

TEST_F(ProtocolRules, EdnsVersionAboveZeroIsBadvers) {
  auto packet = make_query("kubernetes.default.svc.cluster.local", kA, 7, 1232);
  packet[packet.size() - 5] = 1;  // version 1
  auto reply = send(packet);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(parse_header(*reply).rcode, 0);
  ASSERT_GE(reply->size(), 23u);
  EXPECT_EQ((*reply)[reply->size() - 6], 1) << "extended rcode 1 << 4 = 16 = BADVERS";
  EXPECT_EQ(parse_header(*reply).ancount, 0);
}

TEST_F(ProtocolRules, TwoOptRecordsAreFormerr) {
  auto packet = make_query("kubernetes.default.svc.cluster.local", kA, 7, 1232);
  const Bytes opt(packet.end() - 11, packet.end());
  packet.insert(packet.end(), opt.begin(), opt.end());
  packet[11] = 2;
  EXPECT_EQ(answer_header(packet).rcode, 1);
}

TEST_F(ProtocolRules, AnyIsAnsweredWithTheRfc8482Hinfo) {
  EXPECT_EQ(dig_short(port(), {"ANY", "kubernetes.default.svc.cluster.local"}),
            std::vector<std::string>{"\"RFC8482\" \"\""});
  EXPECT_EQ(dig_short(port(), {"ANY", "kubernetes.default.svc.cluster.local", "+tcp"}),
            std::vector<std::string>{"\"RFC8482\" \"\""});
}

TEST_F(ProtocolRules, ZoneTransferIsFormerrOverUdpAndRefusedOverTcp) {
  EXPECT_EQ(answer_header(make_query("cluster.local", kAxfr)).rcode, 1);
  auto reply = tcp_exchange(port(), make_query("cluster.local", kAxfr));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(parse_header(*reply).rcode, 5);
}

TEST_F(ProtocolRules, QuestionCaseIsPreserved) {
  const auto query = make_query("KuBeRnEtEs.DeFaUlT.sVc.ClUsTeR.lOcAl", kA);
  auto reply = send(query);
  ASSERT_TRUE(reply.has_value());
  const size_t question_length = query.size() - 12;
  EXPECT_EQ(Bytes(reply->begin() + 12, reply->begin() + 12 + static_cast<long>(question_length)),
            Bytes(query.begin() + 12, query.end()));
  EXPECT_EQ(parse_header(*reply).ancount, 1);
}

TEST_F(ProtocolRules, LargeRrsetSetsTcWithoutEdnsAndFitsWithEdnsAndTcp) {
  const std::string name = "wide.big.svc.cluster.local";
  auto plain = send(make_query(name, kA));
  ASSERT_TRUE(plain.has_value());
  EXPECT_TRUE(parse_header(*plain).tc);
  EXPECT_LE(plain->size(), 512u);
  EXPECT_EQ(parse_header(*plain).ancount, 0) << "the one RRset does not fit whole";

  auto edns = send(make_query(name, kA, 1, 4096));
  ASSERT_TRUE(edns.has_value());
  EXPECT_FALSE(parse_header(*edns).tc);
  EXPECT_EQ(parse_header(*edns).ancount, 60);
  EXPECT_LE(edns->size(), 1232u);

  auto tcp = tcp_exchange(port(), make_query(name, kA));
  ASSERT_TRUE(tcp.has_value());
  EXPECT_FALSE(parse_header(*tcp).tc);
  EXPECT_EQ(parse_header(*tcp).ancount, 60);
}

TEST_F(ProtocolRules, SmallClientPayloadCountsAs512) {
  auto reply = send(make_query("wide.big.svc.cluster.local", kA, 1, 100));
  ASSERT_TRUE(reply.has_value());
  EXPECT_TRUE(parse_header(*reply).tc);
  EXPECT_LE(reply->size(), 512u);
}

TEST_F(ProtocolRules, AdditionalRecordsAreDroppedBeforeTruncating) {
  auto plain = send(make_query("_http._tcp.srvs.big.svc.cluster.local", kSrv));
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(parse_header(*plain).tc);
  EXPECT_EQ(parse_header(*plain).ancount, 7);
  EXPECT_LT(parse_header(*plain).arcount, 7);
  EXPECT_LE(plain->size(), 512u);

  auto edns = send(make_query("_http._tcp.srvs.big.svc.cluster.local", kSrv, 1, 1232));
  ASSERT_TRUE(edns.has_value());
  EXPECT_EQ(parse_header(*edns).arcount, 8) << "7 target addresses + OPT";
}

TEST_F(ProtocolRules, ShortPacketsGetNoAnswer) {
  EXPECT_FALSE(send(Bytes{0x12, 0x34, 0x01, 0x00, 0x00}, 300).has_value());
  EXPECT_FALSE(send(Bytes{}, 300).has_value());
}

TEST_F(ProtocolRules, CompressionPointerLoopIsFormerr) {
  Bytes packet = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
  const ResponseHeader header = answer_header(packet);
  EXPECT_EQ(header.rcode, 1);
  EXPECT_EQ(header.id, 0x1234);
}

TEST_F(ProtocolRules, LabelLongerThan63IsFormerr) {
  // A 64-octet label in place of a name's first label: make_query writes what it is given.
  Bytes packet = make_query(std::string(64, 'a') + ".cluster.local", kA);
  ASSERT_EQ(packet[12], 64);
  EXPECT_EQ(answer_header(packet).rcode, 1);
}

TEST_F(ProtocolRules, TruncatedQuestionIsFormerr) {
  auto packet = make_query("kubernetes.default.svc.cluster.local", kA);
  packet.resize(packet.size() - 3);
  EXPECT_EQ(answer_header(packet).rcode, 1);
}

TEST_F(ProtocolRules, GarbageAfterAHeaderIsFormerrOrDroppedAndNeverFatal) {
  uint32_t state = 12345;
  for (int round = 0; round < 50; ++round) {
    Bytes packet = {static_cast<uint8_t>(round), 0x01, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 40; ++i) {
      state = state * 1103515245 + 12345;
      packet.push_back(static_cast<uint8_t>(state >> 16));
    }
    auto reply = send(packet, 200);
    if (reply) {
      EXPECT_GE(reply->size(), 12u);
    }
  }
}

TEST_F(ProtocolRules, TcpCarriesSeveralQueriesOnOneConnection) {
  // Checked through dig's +keepopen: several questions, one connection.
  const std::string output =
      dig(port(), {"+tcp", "+keepopen", "+short", "kubernetes.default.svc.cluster.local",
                   "kubernetes.default.svc.cluster.local", "ns.dns.cluster.local"});
  EXPECT_EQ(output, "10.96.0.1\n10.96.0.1\n10.96.0.10\n");
}

}  // namespace
}  // namespace clusterdns::testing
