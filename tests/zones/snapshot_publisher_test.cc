// Snapshot publication (DESIGN.md §4): readers never see a freed snapshot while a
// writer publishes, and replaced snapshots are freed once no reader announces them.
// Meant to run under ASan (use after free) and TSan (races) as well.

#include "zones/snapshot_publisher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/zones/responder_test_util.h"

namespace clusterdns::zones::testing {
namespace {

constexpr uint16_t kTXT = 16;

std::unique_ptr<const Snapshot> generation(int number) {
  std::vector<Record> records = {txt("generation.cluster.local.", std::to_string(number))};
  for (int i = 0; i < 20; ++i) {
    records.push_back(address(numbered_service(i), "10.96.0.1"));
  }
  return build_snapshot(records, RecordOptions{});
}

// Reads the TXT answer of "generation.cluster.local." out of a snapshot.
int generation_of(const Snapshot& snapshot) {
  const auto message = parse(respond(&snapshot, query("generation.cluster.local", kTXT)));
  if (message.answers.size() != 1) return -1;
  const auto text = rdata_texts(message.answers)[0];  // "\"17\""
  return std::stoi(text.substr(1, text.size() - 2));
}

TEST(SnapshotPublisher, CurrentIsNullUntilTheFirstPublish) {
  SnapshotPublisher publisher;
  auto reader = publisher.register_reader();
  ASSERT_TRUE(reader.valid());
  EXPECT_EQ(reader.acquire(), nullptr);
  publisher.publish(generation(1));
  ASSERT_NE(reader.acquire(), nullptr);
  EXPECT_EQ(generation_of(*reader.acquire()), 1);
}

TEST(SnapshotPublisher, ReplacedSnapshotIsKeptWhileAReaderHoldsIt) {
  SnapshotPublisher publisher;
  auto reader = publisher.register_reader();
  publisher.publish(generation(1));
  const Snapshot* held = reader.acquire();
  publisher.publish(generation(2));
  EXPECT_EQ(publisher.reclaim(), 1u) << "generation 1 is still announced";
  EXPECT_EQ(generation_of(*held), 1) << "and still readable";
  EXPECT_EQ(generation_of(*reader.acquire()), 2);
  EXPECT_EQ(publisher.reclaim(), 0u);
}

TEST(SnapshotPublisher, ReleasedReaderPinsNothing) {
  SnapshotPublisher publisher;
  auto reader = publisher.register_reader();
  publisher.publish(generation(1));
  (void)reader.acquire();
  reader.release();
  publisher.publish(generation(2));
  EXPECT_EQ(publisher.reclaim(), 0u);
}

TEST(SnapshotPublisher, SlotsAreLimitedAndReturnedWhenReadersEnd) {
  SnapshotPublisher publisher(2);
  auto first = publisher.register_reader();
  {
    auto second = publisher.register_reader();
    EXPECT_TRUE(second.valid());
    EXPECT_FALSE(publisher.register_reader().valid());
  }
  EXPECT_TRUE(publisher.register_reader().valid());
}

TEST(SnapshotPublisher, ReaderMayOutliveThePublisher) {
  SnapshotPublisher::Reader reader;
  {
    SnapshotPublisher publisher;
    reader = publisher.register_reader();
  }
  EXPECT_TRUE(reader.valid());  // its destructor must not touch the freed publisher
}

TEST(SnapshotPublisher, ConcurrentReadersNeverSeeAFreedSnapshot) {
  SnapshotPublisher publisher;
  publisher.publish(generation(0));
  constexpr int kReaders = 3;
  constexpr int kPublishes = 150;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      auto reader = publisher.register_reader();
      int last = 0;
      // Bounded: stops when the writer is done, or after a generous number of reads.
      for (int i = 0; i < 2'000'000 && !done.load(); ++i) {
        const Snapshot* snapshot = reader.acquire();
        const auto found = snapshot->lookup(
            std::vector<uint8_t>{10,  'g', 'e', 'n', 'e', 'r', 'a', 't', 'i', 'o', 'n', 7,   'c',
                                 'l', 'u', 's', 't', 'e', 'r', 5,   'l', 'o', 'c', 'a', 'l', 0},
            kTXT);
        if (found.kind != LookupKind::kAnswer) failures.fetch_add(1);
        if (i % 64 == 0) {
          const int seen = generation_of(*snapshot);
          if (seen < last) failures.fetch_add(1);  // generations never go back
          last = seen;
        }
      }
    });
  }
  for (int g = 1; g <= kPublishes; ++g) publisher.publish(generation(g));
  done.store(true);
  for (auto& thread : readers) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(publisher.reclaim(), 0u) << "readers ended: every old snapshot is freed";
  EXPECT_EQ(generation_of(*publisher.current()), kPublishes);
}

TEST(SnapshotPublisher, ResponderThreadsServeWhilePublishing) {
  SnapshotPublisher publisher;
  publisher.publish(generation(0));
  Responder responder(publisher);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      const auto packet = query("generation.cluster.local", kTXT);
      std::vector<uint8_t> buffer(65535);
      dns::ClientInfo client;
      for (int i = 0; i < 200'000 && !done.load(); ++i) {
        const size_t size = responder.handle(packet, buffer, client);
        if (size < 12 || (buffer[3] & 0x0f) != 0 || buffer[7] != 1) failures.fetch_add(1);
      }
    });
  }
  for (int g = 1; g <= 100; ++g) publisher.publish(generation(g));
  done.store(true);
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace clusterdns::zones::testing
