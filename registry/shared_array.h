#pragma once
// A small array of values that copies cheaply and can be shared by many objects: the
// ports of a Service or a pod, a label set. Objects parsed from one file with equal
// arrays (a workload's pods, Services generated from one template) point at one copy
// (SharedArrayPool), which matters at 50k objects (issue 8: memory per object).
// Reads like a const std::vector; writing copies a shared array first (copy on write).

#include <compare>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <set>
#include <utility>
#include <vector>

#include "registry/shared_object.h"

namespace clusterdns::registry {

template <class T>
class SharedArray {
  using Items = std::vector<T>;

 public:
  using value_type = T;
  using const_iterator = typename Items::const_iterator;
  using iterator = const_iterator;

  SharedArray() = default;
  SharedArray(std::initializer_list<T> items) : SharedArray(Items(items)) {}
  // From a vector (implicit, like assigning one vector to another).
  SharedArray(Items items) {  // NOLINT(google-explicit-constructor)
    if (!items.empty()) {
      items.shrink_to_fit();
      items_ = SharedObject<Items>::make(std::move(items));
    }
  }

  const_iterator begin() const { return items().begin(); }
  const_iterator end() const { return items().end(); }
  size_t size() const { return items().size(); }
  bool empty() const { return items().empty(); }
  const T& operator[](size_t i) const { return items()[i]; }
  const T& front() const { return items().front(); }
  const T& back() const { return items().back(); }

  // The array to change: this object's own, copied first when shared.
  Items& mutate() { return items_.mutate(); }
  // Appends with exactly the room needed: these arrays are small and kept for long.
  void push_back(T item) {
    Items& items = mutate();
    items.reserve(items.size() + 1);
    items.push_back(std::move(item));
  }
  void clear() { items_ = SharedObject<Items>(); }

  // Whether both share one array (then they are equal without comparing).
  bool shares_with(const SharedArray& other) const { return items_ == other.items_; }

  friend bool operator==(const SharedArray& a, const SharedArray& b) {
    return a.shares_with(b) || a.items() == b.items();
  }
  friend auto operator<=>(const SharedArray& a, const SharedArray& b) {
    return a.items() <=> b.items();
  }

 private:
  const Items& items() const {
    static const Items none;
    return items_ ? *items_ : none;
  }

  SharedObject<Items> items_;  // null when empty
};

// Makes equal values (arrays, labels, compact strings: anything with shares_with and
// an order) share one copy: one pool per batch of objects parsed together.
template <class Value>
class SharingPool {
 public:
  // The pooled value equal to `value` (added when new).
  const Value& canonical(const Value& value) { return *pool_.insert(value).first; }

 private:
  std::set<Value, std::less<>> pool_;
};

}  // namespace clusterdns::registry
