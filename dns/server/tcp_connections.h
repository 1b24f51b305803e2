#pragma once
// The open TCP connections of a server, shared by its threads: enforces the connection
// cap and finds the longest-idle connection to make room (RFC 7766 §6.2.3: a server
// under pressure closes idle connections first). Touched per connection, never per query.

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace clusterdns::dns {

class TcpSession;

class TcpConnections {
 public:
  explicit TcpConnections(size_t limit) : limit_(limit == 0 ? 1 : limit) {}

  // Adds `session`. At the cap, removes the longest-idle connection and returns it for
  // the caller to close on its own thread; otherwise returns null.
  std::shared_ptr<TcpSession> add(std::shared_ptr<TcpSession> session);
  void remove(const TcpSession* session);
  // Empties the set (server stop); the caller shuts each one down.
  std::vector<std::shared_ptr<TcpSession>> take_all();
  size_t size() const;
  size_t limit() const { return limit_; }

 private:
  const size_t limit_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<TcpSession>> sessions_;
};

}  // namespace clusterdns::dns
