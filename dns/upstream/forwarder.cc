#include "dns/upstream/forwarder.h"

#include <algorithm>
#include <array>

#include "dns/server/log.h"
#include "dns/wire/builder.h"

namespace clusterdns::dns {
namespace {

constexpr auto kSweepPeriod = std::chrono::milliseconds(100);
constexpr auto kLimitLogPeriod = std::chrono::seconds(10);

}  // namespace

std::vector<uint8_t> build_upstream_query(const UpstreamQuestion& question) {
  std::array<uint8_t, kMaxNameLength + 64> buffer{};
  MessageBuilder builder(buffer);
  builder.set_flag(kFlagRD);
  builder.reserve_opt();
  builder.add_question(question.name.lowered(), question.type);
  EdnsOut edns;
  edns.dnssec_ok = question.dnssec_ok;
  builder.add_opt(edns);
  const auto message = builder.finish();
  return {message.begin(), message.end()};
}

Forwarder::Forwarder(ForwarderOptions options)
    : options_(std::move(options)), cache_(options_.cache_size, options_.cache) {
  options_.routes = merge_routes(std::move(options_.routes));
}

Forwarder::~Forwarder() {
  stop();
}

std::chrono::milliseconds Forwarder::try_timeout() const {
  return UpstreamGroup::try_timeout(group_options(options_.upstreams, nullptr));
}

UpstreamGroupOptions Forwarder::group_options(const std::vector<Endpoint>& servers,
                                              const DomainRoute* route) const {
  UpstreamGroupOptions group;
  group.servers = servers;
  if (route != nullptr) group.route = route->domain.to_text();
  group.total_timeout = options_.timeout;
  group.tries = options_.tries;
  group.max_fails = options_.max_fails;
  group.probe_period = options_.probe_period;
  return group;
}

Status Forwarder::start() {
  if (started_) return {};
  for (const DomainRoute& route : options_.routes) {
    auto group = UpstreamGroup::create(io_, group_options(route.servers, &route));
    if (!group) return group.error();
    routes_.push_back(Route{&route, std::move(*group)});
  }
  if (!options_.upstreams.empty()) {
    auto group = UpstreamGroup::create(io_, group_options(options_.upstreams, nullptr));
    if (!group) return group.error();
    routes_.push_back(Route{nullptr, std::move(*group)});
  }
  started_ = true;
  sweep();
  thread_ = std::thread([this] { io_.run(); });
  return {};
}

void Forwarder::stop() {
  if (!started_) return;
  started_ = false;
  asio::post(io_, [this] {
    stopping_ = true;
    sweep_timer_.cancel();
    // Every question still in flight fails now; destroying the groups (their channels)
    // then completes their c-ares queries, which find nothing left to answer.
    std::vector<QuestionKey> keys;
    for (auto& [key, flight] : in_flight_) keys.push_back(key);
    for (const auto& key : keys) finish(key, ForwardResult{}, true);
    routes_.clear();
    guard_.reset();
  });
  if (thread_.joinable()) thread_.join();
}

void Forwarder::resolve(UpstreamQuestion question, Completion done) {
  count(questions_);
  asio::post(io_, [this, question = std::move(question), done = std::move(done)]() mutable {
    const QuestionKey key = QuestionKey::make(question.name, question.type, question.dnssec_ok);
    if (auto hit = cache_.lookup(key, Clock::now())) {
      count(cache_hits_);
      const auto ttl = hit->answer->cache_ttl(options_.cache).value_or(0);
      done(ForwardResult{AnswerSource::kCache, hit->answer, hit->age, ttl});
      return;
    }
    if (auto flight = in_flight_.find(key); flight != in_flight_.end()) {
      count(coalesced_);
      flight->second.waiters.push_back(std::move(done));
      return;
    }
    start_question(key, std::move(question), std::move(done));
  });
}

void Forwarder::start_question(const QuestionKey& key, UpstreamQuestion question, Completion done) {
  UpstreamGroup* group = group_for(question.name);
  if (group == nullptr) {
    count(failures_);
    done(ForwardResult{});
    return;
  }
  if (in_flight_.size() >= options_.max_outstanding) {
    count(over_limit_);
    const auto now = Clock::now();
    if (now - last_limit_log_ >= kLimitLogPeriod) {
      last_limit_log_ = now;
      log_warning("%zu questions in flight upstream (the limit); answering SERVFAIL (%llu so far)",
                  options_.max_outstanding,
                  static_cast<unsigned long long>(over_limit_.load(std::memory_order_relaxed)));
    }
    done(ForwardResult{});
    return;
  }
  InFlight flight;
  flight.waiters.push_back(std::move(done));
  flight.deadline = Clock::now() + options_.timeout;
  flight.group = group;
  flight.query = build_upstream_query(question);
  flight.plan = group->attempt_plan();
  auto entry = in_flight_.emplace(key, std::move(flight)).first;
  count(upstream_queries_);
  next_attempt(key, entry->second);
}

UpstreamGroup* Forwarder::group_for(const Name& name) {
  for (Route& route : routes_) {
    if (route.domain == nullptr || name.is_subdomain_of(route.domain->domain)) {
      return route.group.get();
    }
  }
  return nullptr;
}

// Asks the next upstream of the plan; an upstream that already answered SERVFAIL or
// REFUSED is not asked again in a later round. `flight` may be gone when this returns
// (c-ares can fail a send at once).
void Forwarder::next_attempt(const QuestionKey& key, InFlight& flight) {
  while (flight.next < flight.plan.size()) {
    const size_t upstream = flight.plan[flight.next++];
    const auto& replied = flight.replied_failure;
    if (std::find(replied.begin(), replied.end(), upstream) != replied.end()) continue;
    const uint64_t attempt = ++attempts_;
    flight.attempt = attempt;
    flight.group->send(upstream, flight.query,
                       [this, key, attempt, upstream](int status, std::span<const uint8_t> answer) {
                         on_upstream(key, attempt, upstream, status, answer);
                       });
    return;
  }
  give_up(key);
}

void Forwarder::on_upstream(const QuestionKey& key, uint64_t attempt, size_t upstream, int status,
                            std::span<const uint8_t> answer) {
  if (status == ARES_EDESTRUCTION) return;  // stopping: every question failed already
  auto found = in_flight_.find(key);
  if (found == in_flight_.end() || found->second.attempt != attempt) return;  // given up
  InFlight& flight = found->second;
  if (status != ARES_SUCCESS) {
    next_attempt(key, flight);
    return;
  }
  auto stored = store_answer(answer);
  if (!stored) {
    log_warning("unreadable answer from upstream: %s", stored.error().message.c_str());
    next_attempt(key, flight);
    return;
  }
  auto shared = std::make_shared<const StoredAnswer>(std::move(*stored));
  // RFC 8767 §4: an upstream that fails (SERVFAIL/REFUSED) is no better than silence;
  // the next upstream may do better, else this answer is what the client gets.
  if (shared->rcode == to_u16(Rcode::kServFail) || shared->rcode == to_u16(Rcode::kRefused)) {
    flight.failure_answer = std::move(shared);
    flight.replied_failure.push_back(upstream);
    next_attempt(key, flight);
    return;
  }
  deliver(key, std::move(shared), false);
}

// Every try failed (or the deadline passed): the last SERVFAIL/REFUSED an upstream
// gave, else nothing (SERVFAIL); either may become a stale answer.
void Forwarder::give_up(const QuestionKey& key) {
  auto found = in_flight_.find(key);
  if (found == in_flight_.end()) return;
  if (auto answer = std::move(found->second.failure_answer)) {
    deliver(key, std::move(answer), true);
  } else {
    finish(key, ForwardResult{}, true);
  }
}

void Forwarder::deliver(const QuestionKey& key, std::shared_ptr<const StoredAnswer> answer,
                        bool failed) {
  const uint32_t ttl = answer->cache_ttl(options_.cache).value_or(0);
  if (ttl > 0) cache_.insert_with_ttl(key, answer, ttl, Clock::now());
  finish(key, ForwardResult{AnswerSource::kUpstream, std::move(answer), 0, ttl}, failed);
}

// Completes every waiter of `key`. A failure becomes a stale answer when the cache
// still holds one within the stale window.
void Forwarder::finish(const QuestionKey& key, ForwardResult result, bool failed) {
  auto node = in_flight_.extract(key);
  if (node.empty()) return;
  if (failed) {
    if (auto hit = cache_.lookup_stale(key, Clock::now()); hit && hit->stale) {
      count(stale_answers_);
      result = ForwardResult{AnswerSource::kStale, hit->answer, hit->age, 0};
    } else if (result.source == AnswerSource::kFailed) {
      count(failures_);
    }
  }
  for (Completion& waiter : node.mapped().waiters) waiter(result);
}

void Forwarder::sweep() {
  const auto now = Clock::now();
  std::vector<QuestionKey> expired;
  for (const auto& [key, flight] : in_flight_) {
    if (flight.deadline <= now) expired.push_back(key);
  }
  for (const auto& key : expired) give_up(key);
  sweep_timer_.expires_after(kSweepPeriod);
  sweep_timer_.async_wait([this](const ErrorCode& error) {
    if (!error && !stopping_) sweep();
  });
}

void Forwarder::probe(const Endpoint& server, const Name& name, std::function<void()> done) {
  asio::post(io_, [this, server, name, done = std::move(done)] {
    if (stopping_) return;
    auto channel = AresChannel::create(io_, {{server}, options_.timeout, 1});
    if (!channel) {
      done();
      return;
    }
    auto shared = std::shared_ptr<AresChannel>(std::move(*channel));
    shared->send(build_upstream_query({name, RRType::kTXT, false}),
                 [this, shared, done](int, std::span<const uint8_t>) {
                   // A channel cannot be destroyed inside its own callback: later, here.
                   asio::post(io_, [shared] {});
                   done();
                 });
  });
}

ForwarderStats Forwarder::stats() const {
  auto load = [](const std::atomic<uint64_t>& counter) {
    return counter.load(std::memory_order_relaxed);
  };
  return {load(questions_),  load(upstream_queries_), load(coalesced_),    load(cache_hits_),
          load(over_limit_), load(failures_),         load(stale_answers_)};
}

}  // namespace clusterdns::dns
