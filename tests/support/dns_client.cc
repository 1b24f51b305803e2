#include "tests/support/dns_client.h"

#include <arpa/inet.h>
#include <ares.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "tests/support/process.h"

namespace clusterdns::testing {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd entry = {fd, POLLIN, 0};
  return poll(&entry, 1, timeout_ms) > 0;
}

bool read_exact(int fd, uint8_t* data, size_t size, int timeout_ms) {
  size_t done = 0;
  while (done < size) {
    if (!wait_readable(fd, timeout_ms)) return false;
    const ssize_t n = read(fd, data + done, size - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

void put16(Bytes& out, uint16_t value) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value));
}

}  // namespace

std::optional<Bytes> udp_exchange(uint16_t port, const Bytes& query, int timeout_ms) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  const sockaddr_in address = loopback(port);
  std::optional<Bytes> reply;
  if (sendto(fd, query.data(), query.size(), 0, reinterpret_cast<const sockaddr*>(&address),
             sizeof(address)) == static_cast<ssize_t>(query.size()) &&
      wait_readable(fd, timeout_ms)) {
    Bytes buffer(65536);
    const ssize_t n = recv(fd, buffer.data(), buffer.size(), 0);
    if (n >= 0) {
      buffer.resize(static_cast<size_t>(n));
      reply = std::move(buffer);
    }
  }
  close(fd);
  return reply;
}

std::optional<Bytes> tcp_exchange(uint16_t port, const Bytes& query, int timeout_ms) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in address = loopback(port);
  std::optional<Bytes> reply;
  Bytes framed;
  put16(framed, static_cast<uint16_t>(query.size()));
  framed.insert(framed.end(), query.begin(), query.end());
  uint8_t length[2];
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0 &&
      write(fd, framed.data(), framed.size()) == static_cast<ssize_t>(framed.size()) &&
      read_exact(fd, length, 2, timeout_ms)) {
    Bytes buffer(static_cast<size_t>(length[0] << 8 | length[1]));
    if (read_exact(fd, buffer.data(), buffer.size(), timeout_ms)) reply = std::move(buffer);
  }
  close(fd);
  return reply;
}

Bytes make_query(const std::string& name, uint16_t type, uint16_t id,
                 std::optional<uint16_t> edns_payload) {
  Bytes out;
  put16(out, id);
  put16(out, 0x0100);  // RD
  put16(out, 1);
  put16(out, 0);
  put16(out, 0);
  put16(out, edns_payload ? 1 : 0);
  std::stringstream labels(name);
  std::string label;
  while (std::getline(labels, label, '.')) {
    if (label.empty()) continue;
    out.push_back(static_cast<uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
  }
  out.push_back(0);
  put16(out, type);
  put16(out, 1);  // IN
  if (edns_payload) {
    out.push_back(0);  // root owner
    put16(out, 41);    // OPT
    put16(out, *edns_payload);
    put16(out, 0);  // extended rcode, version
    put16(out, 0);  // flags
    put16(out, 0);  // RDLENGTH
  }
  return out;
}

ResponseHeader parse_header(const Bytes& r) {
  ResponseHeader h;
  if (r.size() < 12) return h;
  auto u16 = [&](size_t at) { return static_cast<uint16_t>(r[at] << 8 | r[at + 1]); };
  h.id = u16(0);
  h.qr = r[2] & 0x80;
  h.opcode = (r[2] >> 3) & 0x0f;
  h.aa = r[2] & 0x04;
  h.tc = r[2] & 0x02;
  h.rd = r[2] & 0x01;
  h.ra = r[3] & 0x80;
  h.rcode = r[3] & 0x0f;
  h.qdcount = u16(4);
  h.ancount = u16(6);
  h.nscount = u16(8);
  h.arcount = u16(10);
  return h;
}

AresResult ares_lookup(const std::string& name, uint16_t type, const AresOptions& options) {
  static const int initialized = ares_library_init(ARES_LIB_INIT_ALL);
  (void)initialized;
  ares_options settings{};
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_NDOTS |
             ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS;
  // NOCHECKRESP: hand REFUSED/SERVFAIL answers to us instead of trying other servers.
  settings.flags = ARES_FLAG_NOCHECKRESP | (options.tcp ? ARES_FLAG_USEVC : 0);
  settings.timeout = 1000;
  settings.tries = 2;
  settings.ndots = options.ndots;
  std::vector<char*> domains;
  for (const auto& domain : options.search) domains.push_back(const_cast<char*>(domain.c_str()));
  settings.domains = domains.data();
  settings.ndomains = static_cast<int>(domains.size());
  char lookups[] = "b";
  settings.lookups = lookups;
  ares_channel channel = nullptr;
  AresResult result;
  if (ares_init_options(&channel, &settings, mask) != ARES_SUCCESS) return result;
  const std::string server = "127.0.0.1:" + std::to_string(options.port);
  ares_set_servers_ports_csv(channel, server.c_str());

  auto callback = [](void* arg, int status, int, unsigned char* abuf, int alen) {
    auto* out = static_cast<AresResult*>(arg);
    out->status = status;
    if (abuf != nullptr && alen > 0) out->answer.assign(abuf, abuf + alen);
  };
  if (options.use_search) {
    ares_search(channel, name.c_str(), 1 /* IN */, type, callback, &result);
  } else {
    ares_query(channel, name.c_str(), 1 /* IN */, type, callback, &result);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    fd_set readers;
    fd_set writers;
    FD_ZERO(&readers);
    FD_ZERO(&writers);
    const int nfds = ares_fds(channel, &readers, &writers);
    if (nfds == 0) break;
    timeval wait{};
    timeval* timeout = ares_timeout(channel, nullptr, &wait);
    select(nfds, &readers, &writers, nullptr, timeout);
    ares_process(channel, &readers, &writers);
  }
  ares_destroy(channel);
  return result;
}

std::vector<std::string> ares_addresses(const AresResult& result, uint16_t type) {
  std::vector<std::string> addresses;
  if (result.answer.empty()) return addresses;
  hostent* host = nullptr;
  const int status =
      type == 28 ? ares_parse_aaaa_reply(result.answer.data(), static_cast<int>(result.answer.size()),
                                         &host, nullptr, nullptr)
                 : ares_parse_a_reply(result.answer.data(), static_cast<int>(result.answer.size()),
                                      &host, nullptr, nullptr);
  if (status != ARES_SUCCESS || host == nullptr) return addresses;
  for (char** entry = host->h_addr_list; *entry != nullptr; ++entry) {
    char text[INET6_ADDRSTRLEN];
    inet_ntop(host->h_addrtype, *entry, text, sizeof(text));
    addresses.emplace_back(text);
  }
  ares_free_hostent(host);
  std::sort(addresses.begin(), addresses.end());
  return addresses;
}

std::string dig(uint16_t port, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/dig", "@127.0.0.1", "-p", std::to_string(port),
                                   "+norec", "+time=2", "+tries=1"};
  argv.insert(argv.end(), args.begin(), args.end());
  // Collapse runs of blanks so expectations need not guess dig's column alignment.
  std::string collapsed;
  for (char c : run_process(argv, 20).out) {
    if (c == '\t') c = ' ';
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed.push_back(c);
  }
  return collapsed;
}

std::vector<std::string> dig_short(uint16_t port, const std::vector<std::string>& args) {
  std::vector<std::string> argv = args;
  argv.push_back("+short");
  std::stringstream output(dig(port, argv));
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(output, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace clusterdns::testing
