#pragma once
// A test-owned upstream DNS server on 127.0.0.1 (UDP): answers A questions from a
// table, everything else NXDOMAIN with an SOA, counts the questions it sees, and can be
// slowed down (coalescing tests) or silenced (timeouts, serve-stale).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace clusterdns::testing {

class FakeUpstream {
 public:
  FakeUpstream();
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // `name` without the final dot, lower case.
  void add_a(const std::string& name, const std::string& ipv4, uint32_t ttl);
  // The SOA of NXDOMAIN answers: its TTL and MINIMUM (RFC 2308 §5 takes the lower).
  void set_negative(uint32_t soa_ttl, uint32_t minimum);
  void set_delay(std::chrono::milliseconds delay);
  // Receives and counts but never answers.
  void set_silent(bool silent);
  // Answers every question with this rcode and nothing else (e.g. 2, SERVFAIL); 0: off.
  void set_failure_rcode(uint16_t rcode);

  size_t queries(const std::string& name) const;
  size_t total_queries() const;

 private:
  void serve();

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::map<std::string, std::pair<std::string, uint32_t>> records_;
  std::map<std::string, size_t> counts_;
  size_t total_ = 0;
  uint32_t soa_ttl_ = 60;
  uint32_t soa_minimum_ = 60;
  std::chrono::milliseconds delay_{0};
  bool silent_ = false;
  uint16_t failure_rcode_ = 0;
  std::thread thread_;
};

}  // namespace clusterdns::testing
