#pragma once
// One small struct of values that many objects hold alike, behind one shared pointer:
// the details of a Pod that only `get` and the endpoints controller read (hostname,
// container ports and counts) are the same for every pod of a Deployment, so the pods
// parsed together point at one copy (SharingPool, shared_array.h). A field kept in the
// object itself costs its full size in every one of 50k objects (issue 8).
// Reads like a const T (operator->); writing copies a shared value first (copy on
// write). Holding the default value takes no heap block.

#include <compare>
#include <utility>

#include "registry/shared_object.h"

namespace clusterdns::registry {

template <class T>
class SharedValue {
 public:
  SharedValue() = default;
  // From a value (implicit, like assigning the struct itself).
  SharedValue(T value) {  // NOLINT(google-explicit-constructor)
    if (!(value == fallback())) value_ = SharedObject<T>::make(std::move(value));
  }

  const T& operator*() const { return value_ ? *value_ : fallback(); }
  const T* operator->() const { return &**this; }

  // The value to change: this object's own, copied first when shared.
  T& mutate() { return value_.mutate(); }

  // Whether it holds the default value (SharingPool leaves those alone).
  bool empty() const { return **this == fallback(); }
  // Whether both share one copy (then they are equal without comparing).
  bool shares_with(const SharedValue& other) const { return value_ == other.value_; }

  friend bool operator==(const SharedValue& a, const SharedValue& b) {
    return a.shares_with(b) || *a == *b;
  }
  friend auto operator<=>(const SharedValue& a, const SharedValue& b) { return *a <=> *b; }

 private:
  static const T& fallback() {
    static const T value{};
    return value;
  }

  SharedObject<T> value_;  // null: the default value
};

}  // namespace clusterdns::registry
