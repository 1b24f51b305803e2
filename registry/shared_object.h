#pragma once
// One immutable object that several SharedLists hold (shared_list.h): the file cache's
// and the assembled ClusterState's lists point at the same 50k Services and Pods. Like
// std::shared_ptr<const T> made by std::make_shared, but one pointer wide and with a
// four-octet count beside the object instead of a 16-octet control block: every list
// holding an object pays for a handle (issue 8: memory per object). The count sits in
// the object's tail padding when it has some (an Endpoints' last four octets), where it
// costs nothing at all.
// The objects of one parsed file may also sit side by side in a few heap blocks (a
// Batch, filled by ObjectArena, object_arena.h): a block of its own costs each object
// malloc's header and rounding (8 to 23 octets).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace clusterdns::registry {

template <class T>
class ObjectArena;

template <class T>
class SharedObject {
 public:
  SharedObject() = default;
  // A new object, held by this handle alone.
  static SharedObject make(T value) { return SharedObject(new Node(std::move(value))); }

  SharedObject(const SharedObject& other) noexcept : node_(other.node_) { retain(); }
  SharedObject(SharedObject&& other) noexcept : node_(std::exchange(other.node_, nullptr)) {}
  SharedObject& operator=(const SharedObject& other) noexcept {
    Node* const node = other.node_;  // read first: `other` may be this very handle
    other.retain();
    release();
    node_ = node;
    return *this;
  }
  SharedObject& operator=(SharedObject&& other) noexcept {
    if (this != &other) {
      release();
      node_ = std::exchange(other.node_, nullptr);
    }
    return *this;
  }
  ~SharedObject() { release(); }

  const T* get() const { return node_ == nullptr ? nullptr : &node_->value(); }
  const T& operator*() const { return node_->value(); }
  const T* operator->() const { return &node_->value(); }
  explicit operator bool() const { return node_ != nullptr; }
  // Whether no other handle holds the object (then changing it is safe).
  bool unique() const { return held_once(node_->references.load(std::memory_order_acquire)); }
  // The object to change; only when unique(). Not undefined: it was created non-const.
  T& unique_value() { return node_->value(); }
  // Copy on write: this handle's own object to change, made first (a default one when
  // the handle is null, a copy when another handle shares it).
  T& mutate() {
    if (node_ == nullptr) {
      *this = make(T());
    } else if (!unique()) {
      *this = make(T(**this));
    }
    return unique_value();
  }

  // Whether both hold the very same object.
  friend bool operator==(const SharedObject& a, const SharedObject& b) {
    return a.node_ == b.node_;
  }

 private:
  // A class is the node's base: the Itanium C++ ABI lays the count out in the base's
  // tail padding, where a member after it could not go.
  struct DerivedNode : T {
    explicit DerivedNode(T&& object) : T(std::move(object)) {}
    T& value() { return *this; }
    std::atomic<uint32_t> references{1};
  };
  struct MemberNode {
    explicit MemberNode(T&& object) : object_(std::move(object)) {}
    T& value() { return object_; }
    std::atomic<uint32_t> references{1};
    T object_;
  };
  using Node =
      std::conditional_t<std::is_class_v<T> && !std::is_final_v<T>, DerivedNode, MemberNode>;

  // Nodes side by side in one heap block (a Batch header, then the nodes). A node in a
  // batch still counts its own holders, in the low bits of `references`; the high bits
  // say it is in a batch and where, to give the batch back its place when it goes.
  static constexpr uint32_t kInBatch = 0x80000000u;
  static constexpr int kSlotShift = 24;
  static constexpr uint32_t kMaxBatchNodes = 128;  // what seven bits number
  // Holders of one node: 16M handles (128 MiB of them) to one object are out of reach.
  static constexpr uint32_t kBatchCountMask = 0x00ffffffu;
  struct Batch {
    std::atomic<uint32_t> references;  // its live nodes, plus the arena while it fills it
  };
  static constexpr size_t kBatchHeader =
      (sizeof(Batch) + alignof(Node) - 1) / alignof(Node) * alignof(Node);
  static_assert(alignof(Node) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  static Node* batch_nodes(Batch* batch) {
    return reinterpret_cast<Node*>(reinterpret_cast<char*>(batch) + kBatchHeader);
  }
  static void release_batch(Batch* batch) noexcept {
    if (batch->references.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      batch->~Batch();
      ::operator delete(static_cast<void*>(batch));
    }
  }
  friend class ObjectArena<T>;

  explicit SharedObject(Node* node) : node_(node) {}
  static bool held_once(uint32_t word) {
    return (word & kInBatch) != 0 ? (word & kBatchCountMask) == 1 : word == 1;
  }
  void retain() const noexcept {
    if (node_ != nullptr) node_->references.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept {
    // The last owner deletes; acq_rel so that its reads happen before the memory goes.
    if (node_ != nullptr) {
      const uint32_t word = node_->references.fetch_sub(1, std::memory_order_acq_rel);
      if (held_once(word)) {
        if ((word & kInBatch) == 0) {
          delete node_;
        } else {
          const uint32_t slot = (word & ~kInBatch) >> kSlotShift;
          auto* const batch =
              reinterpret_cast<Batch*>(reinterpret_cast<char*>(node_ - slot) - kBatchHeader);
          node_->~Node();
          release_batch(batch);
        }
      }
    }
    node_ = nullptr;
  }

  Node* node_ = nullptr;
};

}  // namespace clusterdns::registry
