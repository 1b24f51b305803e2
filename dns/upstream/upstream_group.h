#pragma once
// One route's upstreams (the --upstream list, or one --forward domain's servers), each
// on a c-ares channel of its own so that a failure is known to be that upstream's.
// Tracks each one's health (upstream_health.h) and, while one is down, probes it in the
// background (`. NS`, RD=0, every probe period, each bounded by the per-try timeout);
// any reply, whatever its rcode, brings it back (as CoreDNS's health_check: the probe
// asks whether it is reachable, not whether it likes the root). Lives on the
// forwarder's thread, like its channels.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dns/result.h"
#include "dns/server/asio.h"
#include "dns/server/endpoint.h"
#include "dns/upstream/ares_channel.h"
#include "dns/upstream/upstream_health.h"

namespace clusterdns::dns {

struct UpstreamGroupOptions {
  std::vector<Endpoint> servers;  // in the configured order
  std::string route;              // "" for the default upstreams, else the --forward domain
  // The whole budget of one question across tries and servers (DESIGN §4: SERVFAIL
  // within it); each try gets an equal share.
  std::chrono::milliseconds total_timeout{2000};
  int tries = 2;  // rounds through the servers
  int max_fails = 2;
  std::chrono::milliseconds probe_period{500};
};

class UpstreamGroup {
 public:
  static Result<std::unique_ptr<UpstreamGroup>> create(asio::io_context& io,
                                                       UpstreamGroupOptions options);
  ~UpstreamGroup();
  UpstreamGroup(const UpstreamGroup&) = delete;
  UpstreamGroup& operator=(const UpstreamGroup&) = delete;

  // The upstreams a question asks, in turn: `tries` rounds, each in order_by_health.
  std::vector<size_t> attempt_plan() const;
  // Sends `query` to upstream `index`, records how it went, then calls `done` once
  // (ARES_EDESTRUCTION when the group goes away first).
  void send(size_t index, std::span<const uint8_t> query, AresChannel::Callback done);

  size_t size() const { return members_.size(); }
  // The time one try may take: total_timeout / (servers * tries), at least 50 ms.
  static std::chrono::milliseconds try_timeout(const UpstreamGroupOptions& options);

 private:
  struct Member;
  explicit UpstreamGroup(UpstreamGroupOptions options);
  void record(Member& member, int status, std::span<const uint8_t> answer);
  void schedule_probe(Member& member);
  void send_probe(Member& member);
  void on_probe_reply(Member& member, int status);

  UpstreamGroupOptions options_;
  const std::vector<uint8_t> probe_query_;
  std::vector<std::unique_ptr<Member>> members_;  // stable addresses for timer handlers
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // false once destroyed
};

// Why an exchange with an upstream counts as a failure, or null when it does not:
// "timeout", "connection refused", "SERVFAIL", "REFUSED", or c-ares's words.
const char* upstream_failure(int status, std::span<const uint8_t> answer);

}  // namespace clusterdns::dns
