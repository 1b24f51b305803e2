#include "tools/cli/forwarding_responder.h"

#include <algorithm>
#include <random>
#include <vector>

#include "dns/upstream/stored_answer.h"
#include "dns/wire/message.h"

namespace clusterdns::cli {
namespace {

constexpr std::string_view kLoopCheckZone = "clusterdns-loop-check.";

uint64_t next_responder_id() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1);
}

// The reply's shape from the client's query (DESIGN §1 size rules).
dns::ReplyShape shape_of(const dns::QueryParse& query, const dns::ClientInfo& client) {
  dns::ReplyShape shape;
  shape.id = query.header.id;
  shape.query_flags = query.header.flags;
  shape.qname = query.qname;
  shape.qtype = query.qtype;
  shape.edns = query.edns.present && query.edns.opt_count == 1;
  shape.dnssec_ok = query.edns.dnssec_ok();
  if (client.transport == dns::Transport::kTcp) {
    shape.limit = dns::kMaxTcpMessage;
  } else if (shape.edns) {
    shape.limit =
        std::clamp<size_t>(query.edns.udp_payload, dns::kMinUdpPayload, dns::kMaxUdpPayload);
  } else {
    shape.limit = dns::kMinUdpPayload;
  }
  shape.recursion_available = true;
  return shape;
}

// The CNAME chain of an in-zone answer that ends outside our zones: the records to put
// first and the name to resolve upstream. Empty when the chain ends inside.
struct ExternalTarget {
  std::vector<dns::ResourceRecord> chain;
  dns::Name target;
};

std::optional<ExternalTarget> external_target(std::span<const uint8_t> response,
                                              dns::RRType qtype) {
  if (qtype == dns::RRType::kCNAME || qtype == dns::RRType::kANY) return std::nullopt;
  auto message = dns::parse_message(response);
  if (!message || message->answers.empty()) return std::nullopt;
  const dns::ResourceRecord& last = message->answers.back();
  if (last.type != dns::RRType::kCNAME) return std::nullopt;
  auto target = dns::Name::from_wire(last.rdata);
  if (!target) return std::nullopt;
  return ExternalTarget{std::move(message->answers), *target};
}

}  // namespace

ForwardingResponder::ForwardingResponder(zones::Responder& zones, dns::Forwarder* forwarder,
                                         ForwardingConfig config)
    : zones_(zones), forwarder_(forwarder), config_(std::move(config)), id_(next_responder_id()) {
  if (config_.autopath) {
    autopath_ = std::make_unique<Autopath>(zones_, config_.cluster_zone, config_.ttl,
                                           config_.host_search_domains);
  }
}

LoopProbe& ForwardingResponder::add_loop_probe(std::string upstream) {
  std::random_device random;
  char label[17];
  std::snprintf(label, sizeof label, "%08x%08x", random(), random());
  auto name = dns::Name::from_text(std::string(label) + "." + std::string(kLoopCheckZone));
  probes_.push_back(LoopProbe{*name, std::move(upstream)});
  return probes_.back();
}

const LoopProbe* ForwardingResponder::loop_detected() const {
  const int index = looped_.load();
  return index < 0 ? nullptr : &probes_[static_cast<size_t>(index)];
}

bool ForwardingResponder::recursion_allowed(const dns::ClientInfo& client) const {
  if (forwarder_ == nullptr) return false;
  return std::any_of(
      config_.allow_recursion.begin(), config_.allow_recursion.end(),
      [&](const dns::Cidr& cidr) { return cidr.contains(client.address, client.address_length); });
}

bool ForwardingResponder::is_served(const dns::Name& name) const {
  return std::any_of(config_.served_zones.begin(), config_.served_zones.end(),
                     [&](const dns::Name& zone) { return name.is_subdomain_of(zone); });
}

size_t ForwardingResponder::handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                                   const dns::ClientInfo& client) {
  zones::ZoneOutcome outcome = zones::ZoneOutcome::kAnswered;
  const size_t length = zones_.handle(query, response, client, outcome);
  if (length < dns::kHeaderSize || length > response.size()) return length;
  const bool recursion = recursion_allowed(client);
  if (autopath_ != nullptr && outcome == zones::ZoneOutcome::kAnswered &&
      (response[3] & dns::kRcodeMask) == dns::to_u16(dns::Rcode::kNXDomain)) {
    const size_t expanded = autopath(query, response, client, length, recursion);
    if (expanded != 0) return expanded;
  }
  if (!recursion) return length;  // REFUSED stays, RA stays clear
  if (outcome != zones::ZoneOutcome::kAnswered) {
    const size_t forwarded = forward(query, response, client, outcome, length);
    if (forwarded != 0) return forwarded;
  }
  response[3] |= static_cast<uint8_t>(dns::kFlagRA);  // DESIGN §1: RA for these clients
  return length;
}

dns::AnswerCache& ForwardingResponder::thread_cache(std::shared_ptr<dns::AnswerCache>* share) {
  struct Slot {
    uint64_t owner = 0;
    std::shared_ptr<dns::AnswerCache> cache;
  };
  thread_local Slot slot;
  if (slot.owner != id_) {
    slot.cache =
        std::make_shared<dns::AnswerCache>(config_.thread_cache_size, forwarder_->options().cache);
    slot.owner = id_;
  }
  if (share != nullptr) *share = slot.cache;
  return *slot.cache;
}

// Returns 0 to keep the zones' answer (with RA), else the reply length or kDeferred.
size_t ForwardingResponder::forward(std::span<const uint8_t> query, std::span<uint8_t> response,
                                    const dns::ClientInfo& client, zones::ZoneOutcome outcome,
                                    size_t zone_length) {
  const dns::QueryParse parsed = dns::parse_query(query);
  if (!parsed.ok()) return 0;
  const dns::ReplyShape shape = shape_of(parsed, client);

  dns::UpstreamQuestion question{parsed.qname_lower, parsed.qtype, shape.dnssec_ok};
  std::vector<dns::ResourceRecord> chain;
  if (outcome == zones::ZoneOutcome::kCnameAnswer) {
    auto external = external_target(response.first(zone_length), parsed.qtype);
    if (!external || is_served(external->target)) return 0;
    chain = std::move(external->chain);
    question.name = external->target.lowered();
  } else if (outcome == zones::ZoneOutcome::kOutOfZone) {
    for (size_t i = 0; i < probes_.size(); ++i) {
      if (probes_[i].name == parsed.qname) {
        // Our own probe came back: answer it, never forward it again.
        int none = -1;
        looped_.compare_exchange_strong(none, static_cast<int>(i));
        return dns::write_error(dns::Rcode::kServFail, shape, response);
      }
    }
  }

  const dns::QuestionKey key =
      dns::QuestionKey::make(question.name, question.type, question.dnssec_ok);
  const auto now = dns::Clock::now();
  if (chain.empty()) {
    // The hot forwarding path: a cache hit is answered here, with no lock.
    if (auto hit = thread_cache().lookup(key, now)) {
      return dns::write_reply(*hit->answer, shape, {.age = hit->age, .from_cache = true}, {},
                              response);
    }
  }
  if (client.deferrer == nullptr) return dns::write_error(dns::Rcode::kServFail, shape, response);

  std::shared_ptr<dns::AnswerCache> cache;
  thread_cache(&cache);
  std::shared_ptr<dns::DeferredReply> reply = client.deferrer->defer();
  forwarder_->resolve(question, [reply, shape, key, cache, chain = std::move(chain)](
                                    const dns::ForwardResult& result) mutable {
    reply->post([reply, shape, key, cache, chain = std::move(chain), result] {
      std::vector<uint8_t> out(shape.limit);
      size_t length = 0;
      if (result.source == dns::AnswerSource::kFailed || !result.answer) {
        length = dns::write_error(dns::Rcode::kServFail, shape, out);
      } else {
        const auto now = dns::Clock::now();
        if (result.ttl > 0 && result.source != dns::AnswerSource::kStale) {
          cache->insert_with_ttl(key, result.answer, result.ttl,
                                 now - std::chrono::seconds(result.age));
        }
        dns::Aging aging;
        aging.age = result.age;
        aging.stale = result.source == dns::AnswerSource::kStale;
        aging.stale_ttl = cache->policy().stale_ttl;
        aging.from_cache = result.source != dns::AnswerSource::kUpstream;
        length = dns::write_reply(*result.answer, shape, aging, chain, out);
      }
      if (length > 0) reply->send(std::span<const uint8_t>(out.data(), length));
    });
  });
  return dns::kDeferred;
}

// --autopath: the zones said NXDOMAIN (still in `response`); walk the pod's search list.
size_t ForwardingResponder::autopath(std::span<const uint8_t> query, std::span<uint8_t> response,
                                     const dns::ClientInfo& client, size_t zone_length,
                                     bool recursion) {
  const dns::QueryParse parsed = dns::parse_query(query);
  if (!parsed.ok()) return 0;
  auto search = autopath_->search_for(parsed, client);
  if (!search) return 0;
  dns::ReplyShape shape = shape_of(parsed, client);
  shape.recursion_available = recursion;
  for (size_t i = 0; i < search->candidates.size(); ++i) {
    const dns::Name& candidate = search->candidates[i];
    if (!is_served(candidate)) {
      // The host search domains and the bare name: the pod would forward them through us.
      if (!recursion) return 0;
      return autopath_upstream(
          parsed, shape,
          std::vector<dns::Name>(search->candidates.begin() + static_cast<ptrdiff_t>(i),
                                 search->candidates.end()),
          response, client, zone_length);
    }
    auto answer = autopath_->zone_answer(candidate, parsed.qtype);
    if (!answer) continue;  // NXDOMAIN: the next search domain
    // CoreDNS shape: question name CNAME the expansion, then the expansion's answer
    // (or its NODATA: the name exists, so the pod's search must stop here too).
    const dns::ResourceRecord cname = autopath_->cname(parsed.qname, candidate);
    return dns::write_reply(*answer, shape, {}, std::span(&cname, 1), response);
  }
  return 0;
}

// One pod question's search list from its first forwarded name on (the host search
// domains, then the bare name): one upstream round trip per name until one exists.
struct ForwardingResponder::AutopathWalk {
  dns::ReplyShape shape;
  dns::Name qname;  // as the pod asked, the CNAME's owner
  dns::RRType qtype = dns::RRType::kA;
  std::vector<dns::Name> rest;    // still to try, the next first
  std::vector<uint8_t> fallback;  // the zones' NXDOMAIN: the pod walks on itself
  std::shared_ptr<dns::AnswerCache> cache;
  std::shared_ptr<dns::DeferredReply> reply;
};

namespace {

bool exists(const dns::StoredAnswer& answer) {
  return answer.rcode == dns::to_u16(dns::Rcode::kNoError);
}

bool is_nxdomain(const dns::StoredAnswer& answer) {
  return answer.rcode == dns::to_u16(dns::Rcode::kNXDomain);
}

}  // namespace

size_t ForwardingResponder::autopath_upstream(const dns::QueryParse& parsed,
                                              const dns::ReplyShape& shape,
                                              std::vector<dns::Name> rest,
                                              std::span<uint8_t> response,
                                              const dns::ClientInfo& client, size_t zone_length) {
  auto walk = std::make_shared<AutopathWalk>();
  walk->shape = shape;
  walk->qname = parsed.qname;
  walk->qtype = parsed.qtype;
  for (const dns::Name& name : rest) walk->rest.push_back(name.lowered());
  const size_t known = autopath_known(*walk, thread_cache(), response);
  if (known != dns::kDeferred) return known;
  if (client.deferrer == nullptr) return 0;

  walk->fallback.assign(response.begin(), response.begin() + zone_length);
  walk->fallback[3] |= static_cast<uint8_t>(dns::kFlagRA);
  thread_cache(&walk->cache);
  walk->reply = client.deferrer->defer();
  autopath_resolve(std::move(walk));
  return dns::kDeferred;
}

// Walks on while our zones or this thread's cache know the next name: the reply length
// when one exists, 0 when none is left or an upstream failed (keep the NXDOMAIN), or
// kDeferred when the next name must be asked upstream.
size_t ForwardingResponder::autopath_known(AutopathWalk& walk, dns::AnswerCache& cache,
                                           std::span<uint8_t> out) {
  while (!walk.rest.empty()) {
    const dns::Name& candidate = walk.rest.front();
    const dns::ResourceRecord cname = autopath_->cname(walk.qname, candidate);
    if (is_served(candidate)) {
      // Ours (the bare name, say): our zones answer it, as the pod's query would be.
      if (auto answer = autopath_->zone_answer(candidate, walk.qtype)) {
        return dns::write_reply(*answer, walk.shape, {}, std::span(&cname, 1), out);
      }
    } else {
      const dns::QuestionKey key =
          dns::QuestionKey::make(candidate, walk.qtype, walk.shape.dnssec_ok);
      auto hit = cache.lookup(key, dns::Clock::now());
      if (!hit) return dns::kDeferred;
      if (exists(*hit->answer)) {
        return dns::write_reply(*hit->answer, walk.shape, {.age = hit->age, .from_cache = true},
                                std::span(&cname, 1), out);
      }
      if (!is_nxdomain(*hit->answer)) return 0;
    }
    walk.rest.erase(walk.rest.begin());
  }
  return 0;
}

void ForwardingResponder::autopath_resolve(std::shared_ptr<AutopathWalk> walk) {
  dns::UpstreamQuestion question{walk->rest.front(), walk->qtype, walk->shape.dnssec_ok};
  // `this` outlives the walk: serve.cc stops the server and the forwarder before the
  // responder goes, and a stopped server runs no posted task.
  forwarder_->resolve(question, [this, walk](const dns::ForwardResult& result) {
    walk->reply->post([this, walk, result] {
      if (result.source == dns::AnswerSource::kFailed || !result.answer) {
        walk->reply->send(walk->fallback);
        return;
      }
      const dns::Name candidate = walk->rest.front();
      const auto now = dns::Clock::now();
      if (result.ttl > 0 && result.source != dns::AnswerSource::kStale) {
        const dns::QuestionKey key =
            dns::QuestionKey::make(candidate, walk->qtype, walk->shape.dnssec_ok);
        walk->cache->insert_with_ttl(key, result.answer, result.ttl,
                                     now - std::chrono::seconds(result.age));
      }
      std::vector<uint8_t> out(walk->shape.limit);
      size_t length = 0;
      if (exists(*result.answer)) {
        dns::Aging aging;
        aging.age = result.age;
        aging.stale = result.source == dns::AnswerSource::kStale;
        aging.stale_ttl = walk->cache->policy().stale_ttl;
        aging.from_cache = result.source != dns::AnswerSource::kUpstream;
        const dns::ResourceRecord cname = autopath_->cname(walk->qname, candidate);
        length = dns::write_reply(*result.answer, walk->shape, aging, std::span(&cname, 1), out);
      } else if (is_nxdomain(*result.answer)) {
        walk->rest.erase(walk->rest.begin());  // the next search domain
        length = autopath_known(*walk, *walk->cache, out);
        if (length == dns::kDeferred) {
          autopath_resolve(walk);
          return;
        }
      }
      if (length == 0) {
        walk->reply->send(walk->fallback);
      } else {
        walk->reply->send(std::span<const uint8_t>(out.data(), length));
      }
    });
  });
}

}  // namespace clusterdns::cli
