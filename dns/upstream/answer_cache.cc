#include "dns/upstream/answer_cache.h"

#include <algorithm>

namespace clusterdns::dns {

QuestionKey QuestionKey::make(const Name& name, RRType type, bool dnssec_ok) {
  QuestionKey key;
  const auto wire = name.wire();
  key.name_length = static_cast<uint8_t>(wire.size());
  std::transform(wire.begin(), wire.end(), key.name.begin(), fold_ascii);
  key.type = to_u16(type);
  key.dnssec_ok = dnssec_ok;
  return key;
}

size_t QuestionKeyHash::operator()(const QuestionKey& key) const {
  // FNV-1a over the name, then type and DO.
  uint64_t hash = 14695981039346656037ull;
  auto mix = [&hash](uint8_t octet) {
    hash ^= octet;
    hash *= 1099511628211ull;
  };
  for (size_t i = 0; i < key.name_length; ++i) mix(key.name[i]);
  mix(static_cast<uint8_t>(key.type >> 8));
  mix(static_cast<uint8_t>(key.type));
  mix(key.dnssec_ok ? 1 : 0);
  return static_cast<size_t>(hash);
}

AnswerCache::AnswerCache(size_t capacity, CachePolicy policy)
    : capacity_(std::max<size_t>(capacity, 1)), policy_(policy) {}

std::optional<CacheHit> AnswerCache::lookup(const QuestionKey& key, Clock::time_point now) {
  return find(key, now, false);
}

std::optional<CacheHit> AnswerCache::lookup_stale(const QuestionKey& key, Clock::time_point now) {
  return find(key, now, true);
}

std::optional<CacheHit> AnswerCache::find(const QuestionKey& key, Clock::time_point now,
                                          bool allow_stale) {
  const auto found = index_.find(key);
  if (found == index_.end()) return std::nullopt;
  const Entry& entry = *found->second;
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - entry.stored_at);
  const auto age = static_cast<uint32_t>(std::max<int64_t>(elapsed.count(), 0));
  const bool expired = now >= entry.stored_at + std::chrono::seconds(entry.ttl);
  if (expired) {
    if (!allow_stale) return std::nullopt;
    if (now >= entry.stored_at + std::chrono::seconds(entry.ttl) + policy_.stale_window) {
      lru_.erase(found->second);  // past any use
      index_.erase(found);
      return std::nullopt;
    }
  }
  lru_.splice(lru_.begin(), lru_, found->second);
  return CacheHit{entry.answer, age, expired};
}

bool AnswerCache::insert(const QuestionKey& key, std::shared_ptr<const StoredAnswer> answer,
                         Clock::time_point now) {
  if (!answer) return false;
  const auto ttl = answer->cache_ttl(policy_);
  if (!ttl || *ttl == 0) return false;
  insert_with_ttl(key, std::move(answer), *ttl, now);
  return true;
}

void AnswerCache::insert_with_ttl(const QuestionKey& key,
                                  std::shared_ptr<const StoredAnswer> answer, uint32_t ttl,
                                  Clock::time_point stored_at) {
  if (const auto found = index_.find(key); found != index_.end()) {
    lru_.erase(found->second);
    index_.erase(found);
  }
  while (index_.size() >= capacity_ && !lru_.empty()) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.push_front(Entry{key, std::move(answer), stored_at, ttl});
  index_.emplace(key, lru_.begin());
}

}  // namespace clusterdns::dns
