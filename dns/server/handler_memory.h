#pragma once
// Per-operation memory for Asio completion handlers (Asio's "allocation" example).
// Boost 1.74's thread-local recycling keeps one block per thread, so a TCP session
// whose read and write are both in flight would reach the heap for every query; with
// one HandlerMemory per kind of operation (one of each in flight at a time) it never
// does. Used on one thread only; falls back to the heap if a block does not fit.

#include <cstddef>
#include <new>
#include <utility>

namespace clusterdns::dns {

class HandlerMemory {
 public:
  HandlerMemory() = default;
  HandlerMemory(const HandlerMemory&) = delete;
  HandlerMemory& operator=(const HandlerMemory&) = delete;

  void* allocate(std::size_t size) {
    if (!in_use_ && size <= sizeof storage_) {
      in_use_ = true;
      return storage_;
    }
    return ::operator new(size);
  }
  void deallocate(void* pointer) {
    if (pointer == storage_) {
      in_use_ = false;
    } else {
      ::operator delete(pointer);
    }
  }

 private:
  alignas(std::max_align_t) unsigned char storage_[512];
  bool in_use_ = false;
};

// The standard allocator interface over a HandlerMemory.
template <class T>
class HandlerAllocator {
 public:
  using value_type = T;
  explicit HandlerAllocator(HandlerMemory& memory) : memory_(&memory) {}
  template <class U>
  HandlerAllocator(const HandlerAllocator<U>& other) noexcept : memory_(other.memory_) {}

  T* allocate(std::size_t n) const { return static_cast<T*>(memory_->allocate(sizeof(T) * n)); }
  void deallocate(T* pointer, std::size_t) const { memory_->deallocate(pointer); }

  template <class U>
  bool operator==(const HandlerAllocator<U>& other) const noexcept {
    return memory_ == other.memory_;
  }

 private:
  template <class>
  friend class HandlerAllocator;
  HandlerMemory* memory_;
};

// Wraps a handler so Asio allocates its operation state from `memory`. The handler must
// keep the memory's owner alive (as session handlers do with shared_from_this()).
template <class Handler>
class HandlerWithMemory {
 public:
  using allocator_type = HandlerAllocator<Handler>;

  HandlerWithMemory(HandlerMemory& memory, Handler handler)
      : memory_(memory), handler_(std::move(handler)) {}

  allocator_type get_allocator() const noexcept { return allocator_type(memory_); }

  template <class... Args>
  void operator()(Args&&... args) {
    handler_(std::forward<Args>(args)...);
  }

 private:
  HandlerMemory& memory_;
  Handler handler_;
};

template <class Handler>
HandlerWithMemory<Handler> with_memory(HandlerMemory& memory, Handler handler) {
  return HandlerWithMemory<Handler>(memory, std::move(handler));
}

}  // namespace clusterdns::dns
