#pragma once
// Waiting in tests for something a background thread does (a probe, a reload):
// polls every 50 ms for at most 5 s, then answers one last time.

#include <chrono>
#include <thread>

namespace clusterdns::test {

template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 100; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

}  // namespace clusterdns::test
