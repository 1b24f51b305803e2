#pragma once
// A list of objects that copies cheaply: it holds each object once, behind a shared
// handle (shared_object.h), and reads like a std::vector of const objects. The watcher's
// file cache and the assembled ClusterState list the same 50k Services and Pods; with
// this list they share them instead of holding two copies (issue 8: memory per object).
//
// Changing an object goes through mutate(), which copies it first when another list
// still shares it (copy on write), so every list behaves as if it owned its objects.
// Shared objects are never changed, so lists may be read from several threads.

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <ranges>
#include <utility>
#include <vector>

#include "registry/shared_object.h"

namespace clusterdns::registry {

template <class T>
class SharedList {
  using Slots = std::vector<SharedObject<T>>;

 public:
  using value_type = T;
  using size_type = size_t;
  using reference = const T&;
  using const_reference = const T&;

  // Iterates the objects themselves (const T&), like a vector's const_iterator.
  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using iterator_concept = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    const_iterator() = default;
    explicit const_iterator(typename Slots::const_iterator slot) : slot_(slot) {}

    reference operator*() const { return **slot_; }
    pointer operator->() const { return slot_->get(); }
    reference operator[](difference_type n) const { return *slot_[n]; }
    const_iterator& operator++() { ++slot_; return *this; }
    const_iterator operator++(int) { return const_iterator(slot_++); }
    const_iterator& operator--() { --slot_; return *this; }
    const_iterator operator--(int) { return const_iterator(slot_--); }
    const_iterator& operator+=(difference_type n) { slot_ += n; return *this; }
    const_iterator& operator-=(difference_type n) { slot_ -= n; return *this; }
    friend const_iterator operator+(const_iterator it, difference_type n) { return it += n; }
    friend const_iterator operator+(difference_type n, const_iterator it) { return it += n; }
    friend const_iterator operator-(const_iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return a.slot_ - b.slot_;
    }
    friend bool operator==(const const_iterator&, const const_iterator&) = default;
    friend auto operator<=>(const const_iterator&, const const_iterator&) = default;

    typename Slots::const_iterator slot() const { return slot_; }
    // The object's shared handle, to put the same object into another list.
    const SharedObject<T>& shared() const { return *slot_; }

   private:
    typename Slots::const_iterator slot_;
  };
  using iterator = const_iterator;

  SharedList() = default;
  SharedList(std::initializer_list<T> items) {
    slots_.reserve(items.size());
    for (const T& item : items) push_back(item);
  }
  template <class It>
  SharedList(It first, It last) {
    for (; first != last; ++first) push_back(*first);
  }

  size_t size() const { return slots_.size(); }
  bool empty() const { return slots_.empty(); }
  size_t capacity() const { return slots_.capacity(); }
  void reserve(size_t n) { slots_.reserve(n); }
  void clear() { slots_.clear(); }
  void shrink_to_fit() { slots_.shrink_to_fit(); }

  const T& operator[](size_t i) const { return *slots_[i]; }
  const T& at(size_t i) const { return *slots_.at(i); }
  const T& front() const { return *slots_.front(); }
  const T& back() const { return *slots_.back(); }
  const_iterator begin() const { return const_iterator(slots_.begin()); }
  const_iterator end() const { return const_iterator(slots_.end()); }

  // The object's shared handle, to put the same object into another list.
  const SharedObject<T>& shared(size_t i) const { return slots_[i]; }

  void push_back(T item) { slots_.push_back(make(std::move(item))); }
  template <class... Args>
  const T& emplace_back(Args&&... args) {
    slots_.push_back(make(T(std::forward<Args>(args)...)));
    return *slots_.back();
  }
  void push_shared(SharedObject<T> item) { slots_.push_back(std::move(item)); }
  // The handle itself, to move its object elsewhere in memory (object_arena.h); it must
  // keep pointing at an equal object.
  SharedObject<T>& handle(size_t i) { return slots_[i]; }
  void replace_shared(size_t i, SharedObject<T> item) { slots_[i] = std::move(item); }
  void pop_back() { slots_.pop_back(); }

  const_iterator insert(const_iterator at, T item) {
    return const_iterator(slots_.insert(at.slot(), make(std::move(item))));
  }
  const_iterator insert_shared(const_iterator at, SharedObject<T> item) {
    return const_iterator(slots_.insert(at.slot(), std::move(item)));
  }
  // Inserts another list's objects [first, last), shared.
  const_iterator insert_range(const_iterator at, const_iterator first, const_iterator last) {
    return const_iterator(slots_.insert(at.slot(), first.slot(), last.slot()));
  }
  // Appends another list's objects [first, last), shared.
  void append(const_iterator first, const_iterator last) {
    slots_.insert(slots_.end(), first.slot(), last.slot());
  }
  const_iterator erase(const_iterator at) { return const_iterator(slots_.erase(at.slot())); }
  const_iterator erase(const_iterator first, const_iterator last) {
    return const_iterator(slots_.erase(first.slot(), last.slot()));
  }
  template <class Predicate>
  friend size_t erase_if(SharedList& list, Predicate keep_out) {
    return std::erase_if(list.slots_, [&](const auto& slot) { return keep_out(*slot); });
  }

  // The object at `i`, to change: copied first when another list shares it.
  T& mutate(size_t i) { return slots_[i].mutate(); }
  T& mutate_back() { return mutate(slots_.size() - 1); }
  // Calls change(T&) on each object for which needs(const T&) is true; only those are
  // copied (when shared), the rest stay shared.
  template <class Needs, class Change>
  void mutate_where(Needs needs, Change change) {
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (needs(*slots_[i])) change(mutate(i));
    }
  }

  // Sorts (stably) by comparing the objects; moves only pointers.
  template <class Less>
  void stable_sort(Less less) {
    std::stable_sort(slots_.begin(), slots_.end(),
                     [&](const auto& a, const auto& b) { return less(*a, *b); });
  }

  friend bool operator==(const SharedList& a, const SharedList& b) {
    return std::equal(a.slots_.begin(), a.slots_.end(), b.slots_.begin(), b.slots_.end(),
                      [](const auto& x, const auto& y) { return x == y || *x == *y; });
  }

 private:
  static SharedObject<T> make(T item) { return SharedObject<T>::make(std::move(item)); }

  Slots slots_;
};

// A run of a SharedList's objects (e.g. one namespace's), like a span of a vector.
template <class T>
using SharedRange = std::ranges::subrange<typename SharedList<T>::const_iterator>;

}  // namespace clusterdns::registry
