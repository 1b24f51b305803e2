// The forwarded-answer cache: TTLs (positive, RFC 2308 negative), LRU eviction, the
// stale window (RFC 8767), and how a cached answer is written back to a client.

#include <gtest/gtest.h>

#include <array>

#include "dns/upstream/answer_cache.h"
#include "dns/wire/message.h"

namespace clusterdns::dns {
namespace {

using std::chrono::seconds;

Name name(const char* text) {
  return *Name::from_text(text);
}

ResourceRecord a_record(const char* owner, uint32_t ttl, uint8_t last_octet = 1) {
  return ResourceRecord{name(owner), RRType::kA, 1, ttl, {192, 0, 2, last_octet}};
}

ResourceRecord soa_record(uint32_t ttl, uint32_t minimum) {
  ResourceRecord soa{name("example.org."), RRType::kSOA, 1, ttl, {}};
  for (const char* text : {"ns.example.org.", "hostmaster.example.org."}) {
    const Name owner = name(text);
    soa.rdata.insert(soa.rdata.end(), owner.wire().begin(), owner.wire().end());
  }
  for (uint32_t value : {1u, 3600u, 600u, 86400u, minimum}) {
    for (int shift = 24; shift >= 0; shift -= 8)
      soa.rdata.push_back(static_cast<uint8_t>(value >> shift));
  }
  return soa;
}

std::shared_ptr<const StoredAnswer> positive(uint32_t ttl_a, uint32_t ttl_b) {
  auto answer = std::make_shared<StoredAnswer>();
  answer->answers = {a_record("www.example.org.", ttl_a, 1),
                     a_record("www.example.org.", ttl_b, 2)};
  return answer;
}

std::shared_ptr<const StoredAnswer> negative(uint32_t soa_ttl, uint32_t minimum) {
  auto answer = std::make_shared<StoredAnswer>();
  answer->rcode = to_u16(Rcode::kNXDomain);
  answer->authority = {soa_record(soa_ttl, minimum)};
  return answer;
}

QuestionKey key(const char* owner, RRType type = RRType::kA) {
  return QuestionKey::make(name(owner), type, false);
}

TEST(AnswerCacheTtl, PositiveAnswersLiveForTheLowestAnswerTtlCappedAtAnHour) {
  EXPECT_EQ(positive(300, 120)->cache_ttl({}), 120u);
  EXPECT_EQ(positive(86400, 7200)->cache_ttl({}), 3600u);
}

TEST(AnswerCacheTtl, NegativeAnswersLiveForTheLowerOfSoaTtlAndMinimum) {
  EXPECT_EQ(negative(300, 60)->cache_ttl({}), 60u);
  EXPECT_EQ(negative(30, 900)->cache_ttl({}), 30u);
}

TEST(AnswerCacheTtl, ErrorsAndNegativeAnswersWithoutSoaAreNotCached) {
  auto servfail = std::make_shared<StoredAnswer>();
  servfail->rcode = to_u16(Rcode::kServFail);
  EXPECT_FALSE(servfail->cache_ttl({}).has_value());
  auto bare_nxdomain = std::make_shared<StoredAnswer>();
  bare_nxdomain->rcode = to_u16(Rcode::kNXDomain);
  EXPECT_FALSE(bare_nxdomain->cache_ttl({}).has_value());
}

TEST(AnswerCache, ReturnsAnEntryUntilItsTtlRunsOutWithItsAge) {
  AnswerCache cache(10);
  const auto start = Clock::now();
  ASSERT_TRUE(cache.insert(key("www.example.org."), positive(300, 120), start));
  auto hit = cache.lookup(key("WWW.Example.ORG."), start + seconds(100));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->age, 100u);
  EXPECT_FALSE(cache.lookup(key("www.example.org."), start + seconds(120)).has_value());
  EXPECT_FALSE(cache.lookup(key("www.example.org.", RRType::kAAAA), start).has_value());
}

TEST(AnswerCache, KeepsNegativeAnswersForTheirSoaMinimum) {
  AnswerCache cache(10);
  const auto start = Clock::now();
  ASSERT_TRUE(cache.insert(key("gone.example.org."), negative(300, 60), start));
  EXPECT_TRUE(cache.lookup(key("gone.example.org."), start + seconds(59)).has_value());
  EXPECT_FALSE(cache.lookup(key("gone.example.org."), start + seconds(60)).has_value());
}

TEST(AnswerCache, EvictsTheLeastRecentlyUsedEntryAtItsCapacity) {
  AnswerCache cache(2);
  const auto now = Clock::now();
  cache.insert(key("a.example."), positive(300, 300), now);
  cache.insert(key("b.example."), positive(300, 300), now);
  ASSERT_TRUE(cache.lookup(key("a.example."), now).has_value());  // b is now the oldest
  cache.insert(key("c.example."), positive(300, 300), now);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.lookup(key("a.example."), now).has_value());
  EXPECT_FALSE(cache.lookup(key("b.example."), now).has_value());
  EXPECT_TRUE(cache.lookup(key("c.example."), now).has_value());
}

TEST(AnswerCache, ServesExpiredEntriesAsStaleForADayOnly) {
  AnswerCache cache(10);
  const auto start = Clock::now();
  cache.insert(key("www.example.org."), positive(60, 60), start);
  EXPECT_FALSE(cache.lookup(key("www.example.org."), start + seconds(61)).has_value());
  auto stale = cache.lookup_stale(key("www.example.org."), start + seconds(61));
  ASSERT_TRUE(stale.has_value());
  EXPECT_TRUE(stale->stale);
  EXPECT_FALSE(cache.lookup_stale(key("www.example.org."), start + seconds(60 + 86400)));
}

TEST(CachedReply, CarriesTheClientsIdAndCaseAndTtlsLoweredByAge) {
  ReplyShape shape;
  shape.id = 0xbeef;
  shape.query_flags = kFlagRD;
  shape.qname = name("WwW.Example.Org.");
  shape.edns = true;
  shape.limit = 1232;
  std::array<uint8_t, 1232> out{};
  const size_t length =
      write_reply(*positive(300, 300), shape, {.age = 100, .from_cache = true}, {}, out);
  auto message = parse_message(std::span<const uint8_t>(out.data(), length));
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->header.id, 0xbeef);
  EXPECT_TRUE(message->header.has(kFlagRA));
  EXPECT_TRUE(message->header.has(kFlagRD));
  EXPECT_FALSE(message->header.has(kFlagAA));
  EXPECT_TRUE(message->questions.front().name.exact_equal(name("WwW.Example.Org.")));
  ASSERT_EQ(message->answers.size(), 2u);
  EXPECT_EQ(message->answers[0].ttl, 200u);
  ASSERT_NE(message->opt(), nullptr);
  EXPECT_EQ(message->opt()->klass, 1232);
}

TEST(CachedReply, StaleAnswersCarryTtlThirty) {
  ReplyShape shape;
  shape.qname = name("www.example.org.");
  std::array<uint8_t, 512> out{};
  const size_t length =
      write_reply(*positive(60, 60), shape, {.age = 5000, .stale = true}, {}, out);
  auto message = parse_message(std::span<const uint8_t>(out.data(), length));
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->answers.at(0).ttl, 30u);
}

TEST(CachedReply, SetsTcAndKeepsWholeRrsetsWhenTheAnswerExceedsTheClientsUdpSize) {
  auto big = std::make_shared<StoredAnswer>();
  for (int i = 0; i < 60; ++i)
    big->answers.push_back(a_record("many.example.org.", 300, static_cast<uint8_t>(i)));
  ReplyShape shape;
  shape.qname = name("many.example.org.");
  shape.limit = 512;
  std::array<uint8_t, 65535> out{};
  auto message =
      parse_message(std::span<const uint8_t>(out.data(), write_reply(*big, shape, {}, {}, out)));
  ASSERT_TRUE(message.ok());
  EXPECT_TRUE(message->header.has(kFlagTC));
  EXPECT_TRUE(message->answers.empty());
  shape.limit = 65535;
  message =
      parse_message(std::span<const uint8_t>(out.data(), write_reply(*big, shape, {}, {}, out)));
  ASSERT_TRUE(message.ok());
  EXPECT_FALSE(message->header.has(kFlagTC));
  EXPECT_EQ(message->answers.size(), 60u);
}

}  // namespace
}  // namespace clusterdns::dns
