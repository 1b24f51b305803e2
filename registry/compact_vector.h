#pragma once
// A vector one pointer wide, for the lists every derived Endpoints object keeps (its
// subsets, each subset's addresses): a std::vector is 24 octets even when empty, and
// 26k Endpoints at 50k objects are mostly empty (issue 8). Its size and capacity sit in
// the heap block in front of the items; an empty one holds no block. Owns its items
// (copies copy them); reads and writes like a std::vector.

#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>
#include <vector>

namespace clusterdns::registry {

template <class T>
class CompactVector {
 public:
  using value_type = T;
  using size_type = size_t;
  using iterator = T*;
  using const_iterator = const T*;
  using reference = T&;
  using const_reference = const T&;

  CompactVector() = default;
  CompactVector(std::initializer_list<T> items) { assign(items.begin(), items.end()); }
  // From a vector (implicit, like assigning one vector to another).
  CompactVector(const std::vector<T>& items) { assign(items.begin(), items.end()); }  // NOLINT
  CompactVector(std::vector<T>&& items) {  // NOLINT(google-explicit-constructor)
    assign(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
  }
  CompactVector(const CompactVector& other) { assign(other.begin(), other.end()); }
  CompactVector(CompactVector&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  CompactVector& operator=(const CompactVector& other) {
    if (this != &other) {
      CompactVector copy(other);
      swap(copy);
    }
    return *this;
  }
  CompactVector& operator=(CompactVector&& other) noexcept {
    CompactVector taken(std::move(other));
    swap(taken);
    return *this;
  }
  ~CompactVector() { destroy(); }

  T* data() { return block_ == nullptr ? nullptr : items(block_); }
  const T* data() const { return block_ == nullptr ? nullptr : items(block_); }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }
  size_t size() const { return block_ == nullptr ? 0 : block_->size; }
  size_t capacity() const { return block_ == nullptr ? 0 : block_->capacity; }
  bool empty() const { return size() == 0; }
  T& operator[](size_t i) { return data()[i]; }
  const T& operator[](size_t i) const { return data()[i]; }
  const T& at(size_t i) const {
    if (i >= size()) throw std::out_of_range("CompactVector::at");
    return data()[i];
  }
  T& front() { return data()[0]; }
  const T& front() const { return data()[0]; }
  T& back() { return data()[size() - 1]; }
  const T& back() const { return data()[size() - 1]; }

  void reserve(size_t capacity) {
    if (capacity > this->capacity()) reallocate(capacity);
  }
  // Gives back the spare room: these lists are built once and kept for long.
  void shrink_to_fit() {
    if (size() == 0) {
      destroy();
    } else if (size() < capacity()) {
      reallocate(size());
    }
  }
  void push_back(const T& item) { emplace_back(item); }
  void push_back(T&& item) { emplace_back(std::move(item)); }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    if (size() == capacity()) {
      // Built first: the arguments may refer to an item that reallocating moves.
      T item(std::forward<Args>(args)...);
      reallocate(std::max<size_t>(4, capacity() * 2));
      new (end()) T(std::move(item));
    } else {
      new (end()) T(std::forward<Args>(args)...);
    }
    ++block_->size;
    return back();
  }
  void pop_back() {
    back().~T();
    --block_->size;
  }
  void clear() { destroy(); }
  void swap(CompactVector& other) noexcept { std::swap(block_, other.block_); }

  friend bool operator==(const CompactVector& a, const CompactVector& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend auto operator<=>(const CompactVector& a, const CompactVector& b) {
    return std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  // The items follow the header, at their own alignment.
  struct alignas(T) Block {
    uint32_t size;
    uint32_t capacity;
  };
  static_assert(alignof(T) <= alignof(std::max_align_t), "over-aligned items");

  static T* items(Block* block) {
    return reinterpret_cast<T*>(reinterpret_cast<unsigned char*>(block) + sizeof(Block));
  }
  static const T* items(const Block* block) {
    return reinterpret_cast<const T*>(reinterpret_cast<const unsigned char*>(block) +
                                      sizeof(Block));
  }

  template <class It>
  void assign(It first, It last) {
    const auto count = static_cast<size_t>(std::distance(first, last));
    if (count == 0) return;
    reallocate(count);
    try {
      for (; first != last; ++first) {
        new (end()) T(*first);
        ++block_->size;
      }
    } catch (...) {
      destroy();  // a constructor that throws runs no destructor
      throw;
    }
  }

  // Moves the items into a block of exactly `capacity` (at least size()).
  void reallocate(size_t capacity) {
    if (capacity > std::numeric_limits<uint32_t>::max()) throw std::length_error("CompactVector");
    auto* block = static_cast<Block*>(::operator new(sizeof(Block) + capacity * sizeof(T)));
    block->size = 0;
    block->capacity = static_cast<uint32_t>(capacity);
    T* to = items(block);
    try {
      for (T& item : *this) {
        new (to++) T(std::move_if_noexcept(item));
        ++block->size;
      }
    } catch (...) {
      std::destroy(items(block), items(block) + block->size);
      ::operator delete(block);
      throw;
    }
    destroy();
    block_ = block;
  }

  void destroy() noexcept {
    if (block_ == nullptr) return;
    std::destroy(begin(), end());
    ::operator delete(block_);
    block_ = nullptr;
  }

  Block* block_ = nullptr;
};

}  // namespace clusterdns::registry
