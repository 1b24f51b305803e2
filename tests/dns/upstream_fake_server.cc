#include "tests/dns/upstream_fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <vector>

#include "dns/wire/builder.h"
#include "dns/wire/message.h"
#include "dns/wire/rdata.h"

namespace clusterdns::testing {
namespace {

struct Pending {
  std::chrono::steady_clock::time_point due;
  sockaddr_in peer;
  std::vector<uint8_t> bytes;
};

std::vector<uint8_t> soa_rdata(uint32_t minimum) {
  std::vector<uint8_t> rdata;
  for (const char* text : {"ns.fake.", "hostmaster.fake."}) {
    auto name = dns::Name::from_text(text);
    rdata.insert(rdata.end(), name->wire().begin(), name->wire().end());
  }
  for (uint32_t value : {1u, 3600u, 600u, 86400u, minimum}) {
    for (int shift = 24; shift >= 0; shift -= 8)
      rdata.push_back(static_cast<uint8_t>(value >> shift));
  }
  return rdata;
}

}  // namespace

FakeUpstream::FakeUpstream() {
  fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

FakeUpstream::~FakeUpstream() {
  stop_ = true;
  thread_.join();
  close(fd_);
}

void FakeUpstream::add_a(const std::string& name, const std::string& ipv4, uint32_t ttl) {
  std::lock_guard lock(mutex_);
  records_[name] = {ipv4, ttl};
}

void FakeUpstream::set_negative(uint32_t soa_ttl, uint32_t minimum) {
  std::lock_guard lock(mutex_);
  soa_ttl_ = soa_ttl;
  soa_minimum_ = minimum;
}

void FakeUpstream::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

void FakeUpstream::set_silent(bool silent) {
  std::lock_guard lock(mutex_);
  silent_ = silent;
}

void FakeUpstream::set_failure_rcode(uint16_t rcode) {
  std::lock_guard lock(mutex_);
  failure_rcode_ = rcode;
}

size_t FakeUpstream::queries(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto found = counts_.find(name);
  return found == counts_.end() ? 0 : found->second;
}

size_t FakeUpstream::total_queries() const {
  std::lock_guard lock(mutex_);
  return total_;
}

void FakeUpstream::serve() {
  std::vector<Pending> pending;
  while (!stop_) {
    pollfd poll_fd{fd_, POLLIN, 0};
    poll(&poll_fd, 1, 10);
    const auto now = std::chrono::steady_clock::now();
    for (auto it = pending.begin(); it != pending.end();) {
      if (it->due > now) {
        ++it;
        continue;
      }
      sendto(fd_, it->bytes.data(), it->bytes.size(), 0, reinterpret_cast<sockaddr*>(&it->peer),
             sizeof it->peer);
      it = pending.erase(it);
    }
    if (!(poll_fd.revents & POLLIN)) continue;
    std::array<uint8_t, 4096> packet{};
    sockaddr_in peer{};
    socklen_t peer_length = sizeof peer;
    const ssize_t received = recvfrom(fd_, packet.data(), packet.size(), 0,
                                      reinterpret_cast<sockaddr*>(&peer), &peer_length);
    if (received <= 0) continue;
    auto query =
        dns::parse_message(std::span<const uint8_t>(packet.data(), static_cast<size_t>(received)));
    if (!query || query->questions.empty()) continue;
    const dns::Question& question = query->questions.front();
    std::string name = question.name.lowered().to_text();
    if (name.size() > 1) name.pop_back();

    std::lock_guard lock(mutex_);
    ++counts_[name];
    ++total_;
    if (silent_) continue;
    std::array<uint8_t, 1232> out{};
    dns::MessageBuilder builder(out);
    builder.set_id(query->header.id);
    builder.set_flag(dns::kFlagQR);
    builder.set_flag(dns::kFlagAA);
    builder.set_flag(dns::kFlagRD, query->header.has(dns::kFlagRD));
    builder.add_question(question.name, question.type);
    const auto record = records_.find(name);
    if (failure_rcode_ != 0) {
      builder.set_rcode(failure_rcode_);
    } else if (record != records_.end() && question.type == dns::RRType::kA) {
      std::array<uint8_t, 4> rdata{};
      inet_pton(AF_INET, record->second.first.c_str(), rdata.data());
      builder.add_record(dns::Section::kAnswer, question.name, dns::RRType::kA,
                         record->second.second, rdata);
    } else {
      if (record == records_.end()) builder.set_rcode(dns::Rcode::kNXDomain);
      auto zone = dns::Name::from_text("fake.");
      builder.add_record(dns::Section::kAuthority, *zone, dns::RRType::kSOA, soa_ttl_,
                         soa_rdata(soa_minimum_));
    }
    const auto message = builder.finish();
    pending.push_back({now + delay_, peer, {message.begin(), message.end()}});
  }
}

}  // namespace clusterdns::testing
