#include "tests/integration/forwarding_nsd.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/support/dns_client.h"

namespace clusterdns::testing {
namespace {

// A, AAAA, MX, TXT; `many` has 120 A records (about 2 KB: truncated over UDP at 1232);
// `nope` does not exist (NXDOMAIN with the SOA, MINIMUM 60).
std::string zone_text() {
  std::string zone =
      "$ORIGIN example.org.\n"
      "$TTL 300\n"
      "@ IN SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 60\n"
      "@ IN NS ns.example.org.\n"
      "ns IN A 127.0.0.1\n"
      "www IN A 192.0.2.10\n"
      "www IN AAAA 2001:db8::10\n"
      "@ IN MX 10 mail.example.org.\n"
      "mail IN A 192.0.2.25\n"
      "txt IN TXT \"hello from nsd\"\n";
  for (int i = 1; i <= 120; ++i) {
    zone +=
        "many IN A 198.51." + std::to_string(100 + i / 250) + "." + std::to_string(i % 250) + "\n";
  }
  return zone;
}

std::string config_text(const std::string& dir, uint16_t port) {
  std::ostringstream config;
  config << "server:\n"
         << "  server-count: 1\n"
         << "  ip-address: 127.0.0.1@" << port << "\n"
         << "  port: " << port << "\n"
         << "  do-ip4: yes\n  do-ip6: no\n  reuseport: no\n"
         << "  username: \"\"\n  chroot: \"\"\n"
         << "  zonesdir: \"" << dir << "\"\n"
         << "  database: \"\"\n  zonefiles-write: 0\n"
         << "  zonelistfile: \"" << dir << "/zone.list\"\n"
         << "  xfrdfile: \"" << dir << "/xfrd.state\"\n"
         << "  xfrdir: \"" << dir << "\"\n"
         << "  pidfile: \"" << dir << "/nsd.pid\"\n"
         << "  logfile: \"" << dir << "/nsd.log\"\n"
         << "  verbosity: 0\n"
         << "remote-control:\n  control-enable: no\n"
         << "zone:\n  name: \"example.org\"\n  zonefile: \"" << dir << "/example.org.zone\"\n";
  return config.str();
}

}  // namespace

uint16_t free_loopback_port() {
  // Bound for UDP and TCP at once, then released for the server to take.
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(udp, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    getsockname(udp, reinterpret_cast<sockaddr*>(&address), &length);
    const int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool tcp_free = bind(tcp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(tcp);
    close(udp);
    if (tcp_free) return ntohs(address.sin_port);
  }
  return 0;
}

NsdUpstream::NsdUpstream() {
  port_ = free_loopback_port();
  dir_.write("example.org.zone", zone_text());
  const auto config = dir_.write("nsd.conf", config_text(dir_.str(), port_));
  const std::string output = dir_.str() + "/nsd.out";
  pid_ = fork();
  if (pid_ == 0) {
    const int fd = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl("/usr/sbin/nsd", "nsd", "-d", "-c", config.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (udp_exchange(port_, make_query("example.org", 6), 200)) {
      ready_ = true;
      break;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
  }
}

NsdUpstream::~NsdUpstream() {
  stop();
}

void NsdUpstream::stop() {
  if (pid_ <= 0) return;
  // NSD's server child exits when the main process does; -d keeps both ours to reap.
  kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  // Wait until the port no longer answers (its server child may linger briefly).
  for (int i = 0; i < 50 && udp_exchange(port_, make_query("example.org", 6), 50); ++i) {
  }
}

std::string NsdUpstream::log() const {
  std::ifstream out(dir_.str() + "/nsd.out"), log(dir_.str() + "/nsd.log");
  std::stringstream text;
  text << out.rdbuf() << log.rdbuf();
  return text.str();
}

}  // namespace clusterdns::testing
