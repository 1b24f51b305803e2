#include "zones/snapshot_publisher.h"

#include <algorithm>
#include <utility>

namespace clusterdns::zones {
namespace {

uint64_t next_publisher_id() {
  static std::atomic<uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace

SnapshotPublisher::Reader& SnapshotPublisher::Reader::operator=(Reader&& other) noexcept {
  if (this != &other) {
    give_back();
    publisher_ = std::exchange(other.publisher_, nullptr);
    slot_ = std::exchange(other.slot_, nullptr);
    table_ = std::move(other.table_);
  }
  return *this;
}

SnapshotPublisher::Reader::~Reader() {
  give_back();
}

void SnapshotPublisher::Reader::give_back() {
  if (slot_ == nullptr) return;
  // The table may outlive the publisher; lock() keeps it alive while we write.
  if (auto table = table_.lock()) {
    slot_->hazard.store(nullptr, std::memory_order_release);
    slot_->in_use.store(false, std::memory_order_release);
  }
  slot_ = nullptr;
  publisher_ = nullptr;
  table_.reset();
}

const Snapshot* SnapshotPublisher::Reader::acquire() {
  const Snapshot* snapshot = publisher_->current_.load(std::memory_order_acquire);
  if (snapshot == slot_->hazard.load(std::memory_order_relaxed)) return snapshot;
  // Announce, then confirm it is still current: the writer retires only after
  // swapping, and frees only what no slot announces (both sides seq_cst), so a
  // confirmed snapshot cannot be freed under us. Retries only while publishes race.
  for (;;) {
    slot_->hazard.store(snapshot, std::memory_order_seq_cst);
    const Snapshot* again = publisher_->current_.load(std::memory_order_seq_cst);
    if (again == snapshot) return snapshot;
    snapshot = again;
  }
}

void SnapshotPublisher::Reader::release() {
  if (slot_ != nullptr) slot_->hazard.store(nullptr, std::memory_order_release);
}

SnapshotPublisher::SnapshotPublisher(size_t reader_slots)
    : slots_(std::make_shared<Slots>(reader_slots)), id_(next_publisher_id()) {}

SnapshotPublisher::~SnapshotPublisher() {
  delete current_.load();
  for (const Snapshot* snapshot : retired_) delete snapshot;
}

SnapshotPublisher::Reader SnapshotPublisher::register_reader() {
  for (ReaderSlot& slot : slots_->slots) {
    bool expected = false;
    if (slot.in_use.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) {
      slot.hazard.store(nullptr, std::memory_order_relaxed);
      return Reader(this, &slot, slots_);
    }
  }
  return Reader();
}

void SnapshotPublisher::publish(std::unique_ptr<const Snapshot> snapshot) {
  std::lock_guard lock(writer_mutex_);
  const Snapshot* old = current_.exchange(snapshot.release(), std::memory_order_seq_cst);
  if (old != nullptr) retired_.push_back(old);
  reclaim_locked();
}

size_t SnapshotPublisher::reclaim() {
  std::lock_guard lock(writer_mutex_);
  return reclaim_locked();
}

size_t SnapshotPublisher::reclaim_locked() {
  std::vector<const Snapshot*> announced;
  for (const ReaderSlot& slot : slots_->slots) {
    if (const Snapshot* hazard = slot.hazard.load(std::memory_order_seq_cst)) {
      announced.push_back(hazard);
    }
  }
  const auto still_used = [&](const Snapshot* snapshot) {
    return std::find(announced.begin(), announced.end(), snapshot) != announced.end();
  };
  auto keep = std::partition(retired_.begin(), retired_.end(), still_used);
  for (auto it = keep; it != retired_.end(); ++it) delete *it;
  retired_.erase(keep, retired_.end());
  return retired_.size();
}

}  // namespace clusterdns::zones
