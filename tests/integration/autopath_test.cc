// `serve --autopath` (CoreDNS autopath @kubernetes, pods verified): a pod's first
// search-list query, "<name>.<ns>.svc.<zone>", is answered with the first expansion of
// its search list that exists, as a CNAME plus that name's records. The pod here is
// the test itself: the manifests hold a pod of namespace `web` whose IP is 127.0.0.1,
// so the server sees our queries coming from that pod; a socket bound to 127.0.0.2 is
// a client that is no pod. Every server gets its host search domains from a file the
// test writes (`--autopath-resolv-conf`) or none, never from this machine's resolv.conf.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "dns/wire/message.h"
#include "tests/dns/upstream_fake_server.h"
#include "tests/support/dns_client.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace clusterdns::testing {
namespace {

constexpr uint16_t kA = 1, kAAAA = 28;
constexpr int kNXDomain = 3;

void write_manifests(const TempDir& dir) {
  dir.write("web.yaml", R"(apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: web}
spec:
  clusterIP: 10.96.0.50
  selector: {app: frontend}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: web, labels: {app: client}}
spec:
  containers: [{name: main, image: example}]
status:
  phase: Running
  podIP: 127.0.0.1
  podIPs: [{ip: 127.0.0.1}]
  conditions: [{type: Ready, status: "True"}]
)");
}

dns::Message parsed(const std::optional<Bytes>& reply) {
  EXPECT_TRUE(reply.has_value()) << "no reply";
  if (!reply) return {};
  auto message = dns::parse_message(*reply);
  EXPECT_TRUE(message.ok());
  return message.ok() ? *message : dns::Message{};
}

std::string text_of(const dns::ResourceRecord& record) {
  if (record.type == dns::RRType::kCNAME) {
    auto target = dns::Name::from_wire(record.rdata);
    return record.owner.to_text() + " CNAME " + (target ? target->to_text() : "?");
  }
  if (record.type == dns::RRType::kA && record.rdata.size() == 4) {
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, record.rdata.data(), text, sizeof text);
    return record.owner.to_text() + " A " + text;
  }
  return record.owner.to_text() + " type " + std::to_string(dns::to_u16(record.type));
}

std::vector<std::string> answer_texts(const dns::Message& message) {
  std::vector<std::string> texts;
  for (const auto& record : message.answers) texts.push_back(text_of(record));
  return texts;
}

// One UDP exchange from a socket bound to `source` (any 127/8 address works on Linux).
std::optional<Bytes> udp_exchange_from(const char* source, uint16_t port, const Bytes& query) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source, &local.sin_addr);
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
  std::optional<Bytes> reply;
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0 &&
      sendto(fd, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&server),
             sizeof server) == static_cast<ssize_t>(query.size())) {
    pollfd ready{fd, POLLIN, 0};
    if (poll(&ready, 1, 2000) == 1) {
      Bytes buffer(65535);
      const ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
      if (got > 0) reply = Bytes(buffer.begin(), buffer.begin() + got);
    }
  }
  close(fd);
  return reply;
}

// A UDP relay in front of the server that counts the queries a resolver sends.
class CountingRelay {
 public:
  explicit CountingRelay(uint16_t server_port) : server_port_(server_port) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~CountingRelay() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  uint16_t port() const { return port_; }
  size_t queries() const { return queries_.load(); }

 private:
  void run() {
    Bytes buffer(65535);
    while (!stop_) {
      pollfd ready{fd_, POLLIN, 0};
      if (poll(&ready, 1, 50) != 1) continue;
      sockaddr_in client{};
      socklen_t length = sizeof client;
      const ssize_t got = recvfrom(fd_, buffer.data(), buffer.size(), 0,
                                   reinterpret_cast<sockaddr*>(&client), &length);
      if (got <= 0) continue;
      ++queries_;
      auto reply = udp_exchange(server_port_, Bytes(buffer.begin(), buffer.begin() + got), 2000);
      if (reply) {
        sendto(fd_, reply->data(), reply->size(), 0, reinterpret_cast<sockaddr*>(&client), length);
      }
    }
  }

  uint16_t server_port_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<size_t> queries_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class Autopath : public ::testing::Test {
 protected:
  void SetUp() override {
    write_manifests(manifests_);
    upstream_.add_a("www.example.org", "192.0.2.10", 300);
  }
  void TearDown() override {
    for (auto& server : servers_) {
      EXPECT_EQ(server->stop(), 0) << server->log();
      EXPECT_EQ(server->log().find("runtime error"), std::string::npos) << server->log();
    }
  }

  // `resolv_conf`: what --autopath-resolv-conf gets ("none", or a file we wrote).
  ServerProcess* serve(bool autopath, const std::string& resolv_conf = "none") {
    std::vector<std::string> extra;
    if (autopath) extra = {"--autopath", "--autopath-resolv-conf", resolv_conf};
    servers_.push_back(std::make_unique<ServerProcess>(
        manifests_.str(), extra, std::vector<std::string>{"127.0.0.1:0"},
        std::vector<std::string>{"--upstream", upstream_.address()}));
    EXPECT_TRUE(servers_.back()->started()) << servers_.back()->log();
    return servers_.back().get();
  }

  // How many queries a pod's resolver (c-ares: search list, ndots:5) sends for `name`,
  // and the addresses it ends up with.
  std::pair<size_t, std::vector<std::string>> pod_lookup(uint16_t port, const std::string& name) {
    CountingRelay relay(port);
    AresOptions options;
    options.port = relay.port();
    options.search = {"web.svc.cluster.local", "svc.cluster.local", "cluster.local"};
    options.ndots = 5;
    options.use_search = true;
    const AresResult result = ares_lookup(name, kA, options);
    return {relay.queries(), ares_addresses(result, kA)};
  }

  // A node's resolv.conf with `text`, in a temp dir of ours.
  std::string resolv_conf(const std::string& text) {
    return host_dir_.write("resolv.conf." + std::to_string(++files_), text).string();
  }

  TempDir manifests_;
  TempDir host_dir_;
  int files_ = 0;
  FakeUpstream upstream_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
};

TEST_F(Autopath, HelpListsTheFlag) {
  const auto help = run_process({clusterdns_binary(), "serve", "--help"}, 10);
  EXPECT_NE(help.out.find("--autopath"), std::string::npos);
}

TEST_F(Autopath, HelpListsTheResolvConfFlag) {
  const auto help = run_process({clusterdns_binary(), "serve", "--help"}, 10);
  EXPECT_NE(help.out.find("--autopath-resolv-conf FILE"), std::string::npos) << help.out;
}

TEST_F(Autopath, AMissingResolvConfIsAOneLineUsageErrorNamingTheFile) {
  const std::string missing = host_dir_.str() + "/no-such-resolv.conf";
  const auto run = run_process(
      {clusterdns_binary(), "serve", "--manifests", manifests_.str(), "--listen", "127.0.0.1:0",
       "--upstream", "none", "--autopath", "--autopath-resolv-conf", missing},
      10);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "clusterdns serve: " + missing +
                         ": cannot read resolv.conf file (--autopath-resolv-conf) (see clusterdns "
                         "serve --help)\n");
}

TEST_F(Autopath, TheResolvConfFlagNeedsAutopath) {
  const auto run = run_process({clusterdns_binary(), "serve", "--manifests", manifests_.str(),
                                "--listen", "127.0.0.1:0", "--upstream", "none",
                                "--autopath-resolv-conf", "none"},
                               10);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--autopath-resolv-conf needs --autopath"), std::string::npos) << run.err;
}

TEST_F(Autopath, NeedsVerifiedPods) {
  const auto run = run_process({clusterdns_binary(), "serve", "--manifests", manifests_.str(),
                                "--autopath", "--pods", "insecure", "--upstream", "none"},
                               10);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--autopath needs --pods verified"), std::string::npos) << run.err;
}

TEST_F(Autopath, LeavesNamesThatExistAlone) {
  auto server = serve(true);
  const auto reply =
      parsed(udp_exchange(server->port(), make_query("frontend.web.svc.cluster.local", kA)));
  EXPECT_EQ(reply.rcode(), 0);
  EXPECT_EQ(answer_texts(reply),
            std::vector<std::string>{"frontend.web.svc.cluster.local. A 10.96.0.50"});
}

TEST_F(Autopath, AnswersTheFirstSearchQueryWithACnameToTheServiceInAnotherNamespace) {
  auto server = serve(true);
  const auto reply = parsed(udp_exchange(
      server->port(), make_query("Kubernetes.Default.web.svc.cluster.local", kA, 0x77, 1232)));
  EXPECT_EQ(reply.header.id, 0x77);
  EXPECT_EQ(reply.rcode(), 0);
  EXPECT_TRUE(reply.header.has(dns::kFlagAA));
  ASSERT_EQ(reply.questions.size(), 1u);
  EXPECT_EQ(reply.questions[0].name.to_text(), "Kubernetes.Default.web.svc.cluster.local.");
  EXPECT_EQ(answer_texts(reply),
            (std::vector<std::string>{"Kubernetes.Default.web.svc.cluster.local. CNAME "
                                      "kubernetes.default.svc.cluster.local.",
                                      "kubernetes.default.svc.cluster.local. A 10.96.0.1"}));
}

TEST_F(Autopath, IsOffByDefault) {
  auto server = serve(false);
  const auto reply = parsed(
      udp_exchange(server->port(), make_query("kubernetes.default.web.svc.cluster.local", kA)));
  EXPECT_EQ(reply.rcode(), kNXDomain);
  EXPECT_TRUE(reply.answers.empty());
}

TEST_F(Autopath, AnswersNodataBehindTheCnameWhenTheExpansionLacksTheType) {
  auto server = serve(true);
  const auto reply = parsed(
      udp_exchange(server->port(), make_query("kubernetes.default.web.svc.cluster.local", kAAAA)));
  EXPECT_EQ(reply.rcode(), 0);
  EXPECT_EQ(answer_texts(reply),
            std::vector<std::string>{"kubernetes.default.web.svc.cluster.local. CNAME "
                                     "kubernetes.default.svc.cluster.local."});
  ASSERT_EQ(reply.authority.size(), 1u);
  EXPECT_EQ(reply.authority[0].type, dns::RRType::kSOA);
}

TEST_F(Autopath, ResolvesAnExternalNameThroughTheUpstreamOnce) {
  auto server = serve(true);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto reply = parsed(
        udp_exchange(server->port(), make_query("www.example.org.web.svc.cluster.local", kA)));
    EXPECT_EQ(reply.rcode(), 0);
    EXPECT_TRUE(reply.header.has(dns::kFlagRA));
    EXPECT_EQ(
        answer_texts(reply),
        (std::vector<std::string>{"www.example.org.web.svc.cluster.local. CNAME www.example.org.",
                                  "www.example.org. A 192.0.2.10"}))
        << "attempt " << attempt;
  }
  EXPECT_EQ(upstream_.queries("www.example.org"), 1u) << "the second answer came from cache";
}

TEST_F(Autopath, KeepsNxdomainWhenNoExpansionExists) {
  auto server = serve(true);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto reply = parsed(
        udp_exchange(server->port(), make_query("nothing.example.web.svc.cluster.local", kA)));
    EXPECT_EQ(reply.rcode(), kNXDomain) << "attempt " << attempt;
    EXPECT_TRUE(reply.answers.empty());
    ASSERT_EQ(reply.questions.size(), 1u);
    EXPECT_EQ(reply.questions[0].name.to_text(), "nothing.example.web.svc.cluster.local.");
  }
  EXPECT_EQ(upstream_.queries("nothing.example"), 1u);
}

TEST_F(Autopath, IgnoresClientsThatAreNoPod) {
  auto server = serve(true);
  const auto reply = parsed(udp_exchange_from(
      "127.0.0.2", server->port(), make_query("kubernetes.default.web.svc.cluster.local", kA)));
  EXPECT_EQ(reply.rcode(), kNXDomain);
  EXPECT_TRUE(reply.answers.empty());
}

TEST_F(Autopath, IgnoresQueriesForAnotherNamespaceThanThePods) {
  auto server = serve(true);
  const auto reply = parsed(
      udp_exchange(server->port(), make_query("kubernetes.default.other.svc.cluster.local", kA)));
  EXPECT_EQ(reply.rcode(), kNXDomain);
  EXPECT_TRUE(reply.answers.empty());
}

TEST_F(Autopath, CanBeTurnedOnFromTheConfigFile) {
  TempDir config_dir;
  const auto config =
      config_dir.write("serve.yaml", "autopath: true\nautopath-resolv-conf: none\n");
  servers_.push_back(std::make_unique<ServerProcess>(
      manifests_.str(), std::vector<std::string>{"--config", config.string()},
      std::vector<std::string>{"127.0.0.1:0"}, std::vector<std::string>{"--upstream", "none"}));
  ASSERT_TRUE(servers_.back()->started()) << servers_.back()->log();
  const auto reply = parsed(udp_exchange(
      servers_.back()->port(), make_query("kubernetes.default.web.svc.cluster.local", kA)));
  EXPECT_EQ(reply.rcode(), 0);
  EXPECT_EQ(reply.answers.size(), 2u);
}

TEST_F(Autopath, TriesTheHostSearchDomainsBeforeTheBareName) {
  upstream_.add_a("www.corp.test", "192.0.2.20", 300);
  auto server = serve(true, resolv_conf("nameserver 127.0.0.1\nsearch corp.test\n"));
  const auto reply =
      parsed(udp_exchange(server->port(), make_query("www.web.svc.cluster.local", kA)));
  EXPECT_EQ(reply.rcode(), 0);
  EXPECT_EQ(answer_texts(reply),
            (std::vector<std::string>{"www.web.svc.cluster.local. CNAME www.corp.test.",
                                      "www.corp.test. A 192.0.2.20"}));
  EXPECT_EQ(upstream_.queries("www.corp.test"), 1u);
  EXPECT_EQ(upstream_.queries("www"), 0u) << "the host search domain answered first";
}

TEST_F(Autopath, WithoutHostSearchDomainsGoesStraightToTheBareName) {
  upstream_.add_a("www.corp.test", "192.0.2.20", 300);
  auto server = serve(true, "none");
  const auto reply =
      parsed(udp_exchange(server->port(), make_query("www.web.svc.cluster.local", kA)));
  EXPECT_EQ(reply.rcode(), kNXDomain);
  EXPECT_TRUE(reply.answers.empty());
  EXPECT_EQ(upstream_.queries("www.corp.test"), 0u);
  EXPECT_EQ(upstream_.queries("www"), 1u);
}

TEST_F(Autopath, WalksTheHostSearchDomainsInOrderFromTheLastSearchLine) {
  upstream_.add_a("www.corp.test", "192.0.2.20", 300);
  upstream_.add_a("www.old.test", "192.0.2.30", 300);
  // resolv.conf(5): the last search/domain line wins; the cluster's own domains and
  // repeats are left out, as kubelet composes a pod's search list.
  auto server = serve(true, resolv_conf("search old.test\ndomain old.test\n"
                                        "search First.Test svc.cluster.local first.test "
                                        "corp.test. # the node's\n"));
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto reply =
        parsed(udp_exchange(server->port(), make_query("www.web.svc.cluster.local", kA)));
    EXPECT_EQ(reply.rcode(), 0) << "attempt " << attempt;
    EXPECT_EQ(answer_texts(reply),
              (std::vector<std::string>{"www.web.svc.cluster.local. CNAME www.corp.test.",
                                        "www.corp.test. A 192.0.2.20"}))
        << "attempt " << attempt;
  }
  EXPECT_EQ(upstream_.queries("www.first.test"), 1u) << "tried once, then its NXDOMAIN cached";
  EXPECT_EQ(upstream_.queries("www.corp.test"), 1u);
  EXPECT_EQ(upstream_.queries("www.old.test"), 0u);
  EXPECT_EQ(upstream_.queries("www"), 0u);
  EXPECT_NE(server->log().find("host search domains from " + host_dir_.str() +
                               "/resolv.conf.1: first.test. corp.test."),
            std::string::npos)
      << server->log();
}

TEST_F(Autopath, KeepsNxdomainWhenNoHostSearchDomainHasTheName) {
  auto server = serve(true, resolv_conf("search first.test corp.test\n"));
  const auto reply =
      parsed(udp_exchange(server->port(), make_query("nothing.web.svc.cluster.local", kA)));
  EXPECT_EQ(reply.rcode(), kNXDomain);
  EXPECT_TRUE(reply.answers.empty());
  EXPECT_EQ(upstream_.queries("nothing.first.test"), 1u);
  EXPECT_EQ(upstream_.queries("nothing.corp.test"), 1u);
  EXPECT_EQ(upstream_.queries("nothing"), 1u);
}

TEST_F(Autopath, LimitsTheSearchListTo32DomainsLikeKubeletAndWarns) {
  std::string search = "search";
  for (int i = 1; i <= 31; ++i) search += " d" + std::to_string(i) + ".test";
  auto server = serve(true, resolv_conf(search + "\n"));
  const std::string log = server->log();
  // Three cluster domains plus 29 of the node's.
  EXPECT_NE(log.find(" d28.test. d29.test.\n"), std::string::npos) << log;
  EXPECT_NE(log.find("at most 32 domains (kubelet); leaving out host search domains "
                     "d30.test. d31.test."),
            std::string::npos)
      << log;
  const auto reply =
      parsed(udp_exchange(server->port(), make_query("nothing.web.svc.cluster.local", kA)));
  EXPECT_EQ(reply.rcode(), kNXDomain);
  EXPECT_EQ(upstream_.queries("nothing.d29.test"), 1u);
  EXPECT_EQ(upstream_.queries("nothing.d30.test"), 0u);
}

TEST_F(Autopath, SavesAPodResolverItsSearchListRoundTrips) {
  auto without = serve(false);
  auto with = serve(true);
  const std::vector<std::string> kubernetes{"10.96.0.1"}, external{"192.0.2.10"};

  auto [plain_internal, plain_internal_addresses] =
      pod_lookup(without->port(), "kubernetes.default");
  auto [auto_internal, auto_internal_addresses] = pod_lookup(with->port(), "kubernetes.default");
  EXPECT_EQ(plain_internal_addresses, kubernetes);
  EXPECT_EQ(auto_internal_addresses, kubernetes);
  EXPECT_EQ(plain_internal, 2u) << "web.svc.cluster.local, then svc.cluster.local";
  EXPECT_EQ(auto_internal, 1u);

  auto [plain_external, plain_external_addresses] = pod_lookup(without->port(), "www.example.org");
  auto [auto_external, auto_external_addresses] = pod_lookup(with->port(), "www.example.org");
  EXPECT_EQ(plain_external_addresses, external);
  EXPECT_EQ(auto_external_addresses, external);
  EXPECT_EQ(plain_external, 4u) << "three search domains, then the name itself";
  EXPECT_EQ(auto_external, 1u);
  std::printf("queries a pod sends: kubernetes.default %zu -> %zu, www.example.org %zu -> %zu\n",
              plain_internal, auto_internal, plain_external, auto_external);
}

}  // namespace
}  // namespace clusterdns::testing
