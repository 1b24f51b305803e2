#include <gtest/gtest.h>

#include <ctime>

#include "registry/serial.h"

namespace clusterdns::registry {
namespace {

TEST(NextSerial, IsTheUnixTimeWhenThatIsAhead) {
  EXPECT_EQ(next_serial(0, 1'700'000'000u), 1'700'000'000u);
  EXPECT_EQ(next_serial(1'600'000'000u, 1'700'000'000u), 1'700'000'000u);
}

TEST(NextSerial, CountsUpWhenChangesComeFasterThanSeconds) {
  uint32_t serial = next_serial(0, 1'700'000'000u);
  for (int i = 0; i < 5; ++i) serial = next_serial(serial, 1'700'000'000u);
  EXPECT_EQ(serial, 1'700'000'005u);
  // The clock catching up does not go backwards either.
  EXPECT_EQ(next_serial(serial, 1'700'000'003u), 1'700'000'006u);
}

TEST(NextSerial, NeverGoesBackwardsWhenTheClockDoes) {
  EXPECT_EQ(next_serial(1'800'000'000u, 1'700'000'000u), 1'800'000'001u);
}

TEST(NextSerial, WrapsAroundAsSerialArithmeticAllows) {
  EXPECT_EQ(next_serial(0xffffffffu, 5u), 5u);  // RFC 1982: 5 follows 2^32 - 1
  EXPECT_EQ(next_serial(0xffffffffu, 0xfffffff0u), 0u);
}

TEST(NextSerial, UsesTheCurrentTimeByDefault) {
  const auto now = static_cast<uint32_t>(std::time(nullptr));
  const uint32_t serial = next_serial(0);
  EXPECT_GE(serial, now);
  EXPECT_LE(serial, now + 5);
  EXPECT_GT(next_serial(serial), serial);
}

}  // namespace
}  // namespace clusterdns::registry
