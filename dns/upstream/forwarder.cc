#include "dns/upstream/forwarder.h"

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
  return AresChannel::try_timeout({options_.upstreams, options_.timeout, options_.tries});
}

Status Forwarder::start() {
  if (started_) return {};
  for (const DomainRoute& route : options_.routes) {
    auto channel = AresChannel::create(io_, {route.servers, options_.timeout, options_.tries});
    if (!channel) return channel.error();
    routes_.push_back(Route{&route, std::move(*channel)});
  }
  if (!options_.upstreams.empty()) {
    auto channel = AresChannel::create(io_, {options_.upstreams, options_.timeout, options_.tries});
    if (!channel) return channel.error();
    routes_.push_back(Route{nullptr, std::move(*channel)});
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
    // Every question still in flight fails now; destroying the channels then completes
    // their c-ares queries, which find nothing left to answer.
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
  AresChannel* channel = channel_for(question.name);
  if (channel == nullptr) {
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
  const auto query = build_upstream_query(question);
  InFlight flight{std::move(question), {}, Clock::now() + options_.timeout};
  flight.waiters.push_back(std::move(done));
  in_flight_.emplace(key, std::move(flight));
  count(upstream_queries_);
  channel->send(query, [this, key](int status, std::span<const uint8_t> answer) {
    on_upstream(key, status, answer);
  });
}

AresChannel* Forwarder::channel_for(const Name& name) {
  for (Route& route : routes_) {
    if (route.domain == nullptr || name.is_subdomain_of(route.domain->domain)) {
      return route.channel.get();
    }
  }
  return nullptr;
}

void Forwarder::on_upstream(const QuestionKey& key, int status, std::span<const uint8_t> answer) {
  if (!in_flight_.contains(key)) return;  // timed out already
  if (status != ARES_SUCCESS) {
    finish(key, ForwardResult{}, true);
    return;
  }
  auto stored = store_answer(answer);
  if (!stored) {
    log_warning("unreadable answer from upstream: %s", stored.error().message.c_str());
    finish(key, ForwardResult{}, true);
    return;
  }
  auto shared = std::make_shared<const StoredAnswer>(std::move(*stored));
  // RFC 8767 §4: an upstream that fails (SERVFAIL/REFUSED) is no better than silence.
  const bool upstream_failed =
      shared->rcode == to_u16(Rcode::kServFail) || shared->rcode == to_u16(Rcode::kRefused);
  const uint32_t ttl = shared->cache_ttl(options_.cache).value_or(0);
  if (ttl > 0) cache_.insert_with_ttl(key, shared, ttl, Clock::now());
  finish(key, ForwardResult{AnswerSource::kUpstream, std::move(shared), 0, ttl}, upstream_failed);
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
  for (const auto& key : expired) finish(key, ForwardResult{}, true);
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
