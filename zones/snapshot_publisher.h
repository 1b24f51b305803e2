#pragma once
// Publishes snapshots to the serving threads without locks on the reading side
// (DESIGN.md §4; the RCU pattern of Knot DNS and PowerDNS's state holder).
//
// The current snapshot is an atomic raw pointer. Each serving thread owns a reader
// slot announcing the snapshot it is using (a hazard pointer): acquiring is one load
// when nothing changed, and a store plus a re-check after a publish. A replaced
// snapshot is retired and freed by the writer side (on the next publish or reclaim())
// once no slot announces it. std::atomic<std::shared_ptr> would lock on g++ 12.
//
// A reader keeps its last snapshot announced until its next acquire() or release(),
// so an idle thread pins at most one old snapshot: call release() before blocking
// for a long time.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "zones/snapshot.h"

namespace clusterdns::zones {

class SnapshotPublisher {
 public:
  static constexpr size_t kDefaultReaderSlots = 256;

  // One serving thread's announcement; cache-line sized so threads do not share lines.
  struct alignas(64) ReaderSlot {
    std::atomic<const Snapshot*> hazard{nullptr};
    std::atomic<bool> in_use{false};
  };

  // The slot table outlives the publisher while threads still hold slots (Reader
  // handles keep a weak reference to release theirs at thread exit).
  struct Slots {
    explicit Slots(size_t count) : slots(count) {}
    std::vector<ReaderSlot> slots;
  };

  // A serving thread's handle. Not thread-safe itself: one per thread.
  class Reader {
   public:
    Reader() = default;
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    Reader(Reader&& other) noexcept { *this = std::move(other); }
    Reader& operator=(Reader&& other) noexcept;
    ~Reader();

    bool valid() const { return slot_ != nullptr; }
    // True when its publisher is gone (the slot can be forgotten).
    bool orphaned() const { return slot_ == nullptr || table_.expired(); }
    // The current snapshot (nullptr before the first publish), valid until the next
    // acquire() or release() on this reader. No lock, no allocation.
    const Snapshot* acquire();
    // Stops announcing any snapshot.
    void release();

   private:
    friend class SnapshotPublisher;
    Reader(const SnapshotPublisher* publisher, ReaderSlot* slot, std::weak_ptr<Slots> table)
        : publisher_(publisher), slot_(slot), table_(std::move(table)) {}
    void give_back();

    const SnapshotPublisher* publisher_ = nullptr;
    ReaderSlot* slot_ = nullptr;
    std::weak_ptr<Slots> table_;
  };

  explicit SnapshotPublisher(size_t reader_slots = kDefaultReaderSlots);
  ~SnapshotPublisher();  // frees every snapshot: readers must be done by then
  SnapshotPublisher(const SnapshotPublisher&) = delete;
  SnapshotPublisher& operator=(const SnapshotPublisher&) = delete;

  // Claims a reader slot; an invalid Reader when all slots are taken. Does not
  // allocate (the table is sized at construction). Thread-safe.
  Reader register_reader();

  // Makes `snapshot` current and frees the retired snapshots no reader announces.
  // Thread-safe (writers serialize on a mutex the readers never touch).
  void publish(std::unique_ptr<const Snapshot> snapshot);
  // Frees retired snapshots no reader announces; returns how many are still pending.
  size_t reclaim();

  // The current snapshot without a reader slot: only for the writer side and tests
  // that publish and read on one thread.
  const Snapshot* current() const { return current_.load(std::memory_order_acquire); }
  // A process-unique id (never reused, unlike an address), for per-thread caches.
  uint64_t id() const { return id_; }

 private:
  size_t reclaim_locked();

  std::atomic<const Snapshot*> current_{nullptr};
  std::shared_ptr<Slots> slots_;
  std::mutex writer_mutex_;
  std::vector<const Snapshot*> retired_;
  uint64_t id_ = 0;
};

}  // namespace clusterdns::zones
