#pragma once
// A size-capped LRU cache of forwarded answers, keyed by (lower-cased qname, qtype, DO).
// Single-threaded by design: each serving thread has its own, and the forwarder thread
// one more, so no lookup takes a lock. Lookups do not allocate; inserts do.
//
// Entries stay past their expiry until evicted, so an answer can still be served stale
// (RFC 8767) while upstreams fail.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <unordered_map>

#include "dns/upstream/stored_answer.h"
#include "dns/wire/name.h"

namespace clusterdns::dns {

// What identifies a forwarded question; also the coalescing key.
struct QuestionKey {
  std::array<uint8_t, kMaxNameLength> name{};  // lower-cased wire form
  uint8_t name_length = 0;
  uint16_t type = 0;
  bool dnssec_ok = false;

  static QuestionKey make(const Name& name, RRType type, bool dnssec_ok);
  friend bool operator==(const QuestionKey& a, const QuestionKey& b) {
    return a.name_length == b.name_length && a.type == b.type && a.dnssec_ok == b.dnssec_ok &&
           std::equal(a.name.begin(), a.name.begin() + a.name_length, b.name.begin());
  }
};

struct QuestionKeyHash {
  size_t operator()(const QuestionKey& key) const;
};

using Clock = std::chrono::steady_clock;

struct CacheHit {
  std::shared_ptr<const StoredAnswer> answer;
  uint32_t age = 0;    // seconds since stored
  bool stale = false;  // past its TTL (only returned by lookup_stale)
};

class AnswerCache {
 public:
  AnswerCache(size_t capacity, CachePolicy policy = {});

  // A fresh entry (age below its TTL), or nothing. Marks the entry recently used.
  std::optional<CacheHit> lookup(const QuestionKey& key, Clock::time_point now);
  // A fresh entry, else an expired one still within the stale window.
  std::optional<CacheHit> lookup_stale(const QuestionKey& key, Clock::time_point now);
  // Stores `answer` if its cache_ttl allows; evicts the least recently used at the cap.
  // Returns whether it was stored.
  bool insert(const QuestionKey& key, std::shared_ptr<const StoredAnswer> answer,
              Clock::time_point now);
  // Stores with a known TTL (an answer another cache computed already).
  void insert_with_ttl(const QuestionKey& key, std::shared_ptr<const StoredAnswer> answer,
                       uint32_t ttl, Clock::time_point stored_at);

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }
  const CachePolicy& policy() const { return policy_; }

 private:
  struct Entry {
    QuestionKey key;
    std::shared_ptr<const StoredAnswer> answer;
    Clock::time_point stored_at;
    uint32_t ttl = 0;
  };
  using Lru = std::list<Entry>;  // front: most recently used

  std::optional<CacheHit> find(const QuestionKey& key, Clock::time_point now, bool allow_stale);

  const size_t capacity_;
  const CachePolicy policy_;
  Lru lru_;
  std::unordered_map<QuestionKey, Lru::iterator, QuestionKeyHash> index_;
};

}  // namespace clusterdns::dns
