#pragma once
// Forwards questions outside the served zones to upstream servers (DESIGN.md §4) on
// one thread of its own: one io_context, one c-ares channel per upstream, so no
// channel is ever shared across threads. Serving threads hand questions over with
// resolve() (any thread); the forwarder answers from its cache, joins an identical
// question already in flight (coalescing), or asks upstream, and calls back on its
// thread with the answer, a stale one (RFC 8767) or none (SERVFAIL).
//
// Upstream failover is ours, not c-ares's: a question asks its route's upstreams one
// at a time, healthy ones first (upstream_group.h), moving on after a timeout, a
// refused connection or a SERVFAIL/REFUSED, for `tries` rounds, all within `timeout`.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "dns/result.h"
#include "dns/server/asio.h"
#include "dns/server/endpoint.h"
#include "dns/upstream/answer_cache.h"
#include "dns/upstream/ares_channel.h"
#include "dns/upstream/upstream_address.h"
#include "dns/upstream/upstream_group.h"

namespace clusterdns::dns {

struct ForwarderOptions {
  std::vector<Endpoint> upstreams;              // default route (may be empty if routes cover all)
  std::vector<DomainRoute> routes;              // --forward, any order
  std::chrono::milliseconds timeout{2000};      // per question, across tries and servers
  int tries = 2;                                // rounds through a route's servers
  int max_fails = 2;                            // failures in a row that mark an upstream down
  std::chrono::milliseconds probe_period{500};  // how often a downed upstream is probed
  size_t max_outstanding = 1000;                // distinct questions in flight upstream
  size_t cache_size = 10000;
  CachePolicy cache;
};

// A question as asked upstream.
struct UpstreamQuestion {
  Name name;  // sent lower-cased
  RRType type = RRType::kA;
  bool dnssec_ok = false;
};

enum class AnswerSource : uint8_t {
  kUpstream,  // fresh from an upstream
  kCache,     // the forwarder's cache (age applies)
  kStale,     // upstreams failed; an expired cached answer (TTL 30)
  kFailed,    // no answer: reply SERVFAIL
};

struct ForwardResult {
  AnswerSource source = AnswerSource::kFailed;
  std::shared_ptr<const StoredAnswer> answer;  // null when kFailed
  uint32_t age = 0;
  uint32_t ttl = 0;  // its whole cache TTL, counted from `age` ago (0: do not cache)
};

struct ForwarderStats {
  uint64_t questions = 0;
  uint64_t upstream_queries = 0;
  uint64_t coalesced = 0;
  uint64_t cache_hits = 0;
  uint64_t over_limit = 0;
  uint64_t failures = 0;
  uint64_t stale_answers = 0;
};

class Forwarder {
 public:
  using Completion = std::function<void(const ForwardResult&)>;

  explicit Forwarder(ForwarderOptions options);
  ~Forwarder();  // stop()
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Creates the channels and starts the thread.
  Status start();
  // Fails what is in flight (callbacks run with kFailed) and joins the thread.
  void stop();

  // Any thread. `done` runs once, on the forwarder thread.
  void resolve(UpstreamQuestion question, Completion done);

  // Any thread. Asks `server` alone for `name` TXT (a loop check, bypassing cache and
  // coalescing) and calls `done` on the forwarder thread once it answered or failed.
  void probe(const Endpoint& server, const Name& name, std::function<void()> done);

  ForwarderStats stats() const;
  const ForwarderOptions& options() const { return options_; }
  // The time one try to one upstream of the default route may take.
  std::chrono::milliseconds try_timeout() const;

 private:
  struct InFlight {
    std::vector<Completion> waiters;
    Clock::time_point deadline;
    UpstreamGroup* group = nullptr;
    std::vector<uint8_t> query;
    std::vector<size_t> plan;             // upstreams to ask in turn (UpstreamGroup::attempt_plan)
    size_t next = 0;                      // in `plan`
    uint64_t attempt = 0;                 // the try whose reply counts; later ones were given up
    std::vector<size_t> replied_failure;  // upstreams that answered SERVFAIL/REFUSED
    std::shared_ptr<const StoredAnswer> failure_answer;  // the last such answer
  };
  struct Route {
    const DomainRoute* domain = nullptr;  // null: the default upstreams
    std::unique_ptr<UpstreamGroup> group;
  };

  void start_question(const QuestionKey& key, UpstreamQuestion question, Completion done);
  void next_attempt(const QuestionKey& key, InFlight& flight);
  void on_upstream(const QuestionKey& key, uint64_t attempt, size_t upstream, int status,
                   std::span<const uint8_t> answer);
  void give_up(const QuestionKey& key);
  void deliver(const QuestionKey& key, std::shared_ptr<const StoredAnswer> answer, bool failed);
  void finish(const QuestionKey& key, ForwardResult result, bool failed);
  UpstreamGroup* group_for(const Name& name);
  UpstreamGroupOptions group_options(const std::vector<Endpoint>& servers,
                                     const DomainRoute* route) const;
  void sweep();
  void count(std::atomic<uint64_t>& counter) { counter.fetch_add(1, std::memory_order_relaxed); }

  ForwarderOptions options_;
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard_ = asio::make_work_guard(io_);
  asio::steady_timer sweep_timer_{io_};
  std::vector<Route> routes_;  // most specific first; the default route last
  AnswerCache cache_;
  std::unordered_map<QuestionKey, InFlight, QuestionKeyHash> in_flight_;
  std::thread thread_;
  bool started_ = false;   // caller's thread
  bool stopping_ = false;  // forwarder thread
  Clock::time_point last_limit_log_{};
  uint64_t attempts_ = 0;

  std::atomic<uint64_t> questions_{0}, upstream_queries_{0}, coalesced_{0}, cache_hits_{0},
      over_limit_{0}, failures_{0}, stale_answers_{0};
};

// The query we send upstream: RD, the question lower-cased, OPT payload 1232 with DO.
std::vector<uint8_t> build_upstream_query(const UpstreamQuestion& question);

}  // namespace clusterdns::dns
