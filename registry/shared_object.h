#pragma once
// One immutable object that several SharedLists hold (shared_list.h): the file cache's
// and the assembled ClusterState's lists point at the same 50k Services and Pods. Like
// std::shared_ptr<const T> made by std::make_shared, but one pointer wide and with a
// four-octet count beside the object instead of a 16-octet control block: every list
// holding an object pays for a handle (issue 8: memory per object). The count sits in
// the object's tail padding when it has some (an Endpoints' last four octets), where it
// costs nothing at all.

#include <atomic>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace clusterdns::registry {

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
  bool unique() const { return node_->references.load(std::memory_order_acquire) == 1; }
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
  explicit SharedObject(Node* node) : node_(node) {}
  void retain() const noexcept {
    if (node_ != nullptr) node_->references.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept {
    // The last owner deletes; acq_rel so that its reads happen before the memory goes.
    if (node_ != nullptr && node_->references.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      delete node_;
    }
    node_ = nullptr;
  }

  Node* node_ = nullptr;
};

}  // namespace clusterdns::registry
