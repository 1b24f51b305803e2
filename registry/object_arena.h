#pragma once
// The objects of one parsed file side by side in a few heap blocks (issue 8: memory per
// object). A SharedObject's own heap block costs malloc's header and rounding to 16, 8
// to 23 octets for each of 50k Pods and Services; a batch (shared_object.h) holds many
// nodes behind one count. Batches grow with the file, up to kMaxBatchBytes.
//
// Ownership stays with the handles: an object in a batch is destroyed when its last
// holder goes, like any other, and the batch's memory is freed when its last object
// goes (objects are shared across reloads); until then a dead object's place stays
// unused.
//
// Objects are moved in one document at a time, right after parsing it, so that the
// next document reuses the heap space their old blocks leave: no holes between the
// objects that stay (the referee measures PSS).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#include "registry/shared_object.h"

namespace clusterdns::registry {

template <class T>
class ObjectArena {
  using Handle = SharedObject<T>;
  using Node = typename Handle::Node;
  using Batch = typename Handle::Batch;

 public:
  // A batch never grows past this: the last batch of a file is partly unused.
  static constexpr size_t kMaxBatchBytes = 4096;

  ObjectArena() = default;
  ObjectArena(const ObjectArena&) = delete;
  ObjectArena& operator=(const ObjectArena&) = delete;
  ~ObjectArena() {
    if (batch_ != nullptr) Handle::release_batch(batch_);
  }

  // Moves the object into a batch when `handle` alone holds it (an object just parsed);
  // an object held elsewhere (reused from an earlier parse) stays where it is. The
  // handle keeps pointing at an equal object.
  void take(Handle& handle) {
    if (!handle || !handle.unique()) return;
    if (batch_ == nullptr || used_ == capacity_) start_batch();
    Node* const node = Handle::batch_nodes(batch_) + used_;
    new (node) Node(std::move(handle.node_->value()));
    node->references.store(Handle::kInBatch | used_ << Handle::kSlotShift | 1,
                           std::memory_order_relaxed);
    ++used_;
    batch_->references.fetch_add(1, std::memory_order_relaxed);
    handle = Handle(node);  // lets go of the old node (its only holder), takes the new
    ++taken_;
  }

 private:
  void start_batch() {
    // Grows with what the file holds so far: one small batch for a small file.
    const size_t most =
        std::clamp<size_t>(kMaxBatchBytes / sizeof(Node), 1, Handle::kMaxBatchNodes);
    capacity_ = static_cast<uint32_t>(std::clamp<size_t>(taken_, 1, most));
    used_ = 0;
    void* const memory = ::operator new(Handle::kBatchHeader + capacity_ * sizeof(Node));
    Batch* const batch = new (memory) Batch{};
    batch->references.store(1, std::memory_order_relaxed);  // the arena's own hold
    if (batch_ != nullptr) Handle::release_batch(batch_);
    batch_ = batch;
  }

  Batch* batch_ = nullptr;  // where objects go; held by the arena until it moves on
  uint32_t used_ = 0;       // nodes placed in batch_
  uint32_t capacity_ = 0;
  size_t taken_ = 0;
};

}  // namespace clusterdns::registry
