#include "dns/server/tcp_connections.h"

#include <algorithm>

#include "dns/server/tcp_session.h"

namespace clusterdns::dns {

std::shared_ptr<TcpSession> TcpConnections::add(std::shared_ptr<TcpSession> session) {
  std::lock_guard lock(mutex_);
  std::shared_ptr<TcpSession> evicted;
  if (sessions_.size() >= limit_) {
    auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a->last_activity() < b->last_activity(); });
    std::iter_swap(oldest, sessions_.end() - 1);
    evicted = std::move(sessions_.back());
    sessions_.pop_back();
  }
  sessions_.push_back(std::move(session));
  return evicted;
}

void TcpConnections::remove(const TcpSession* session) {
  std::lock_guard lock(mutex_);
  auto found = std::find_if(sessions_.begin(), sessions_.end(),
                            [session](const auto& s) { return s.get() == session; });
  if (found == sessions_.end()) return;
  std::iter_swap(found, sessions_.end() - 1);
  sessions_.pop_back();
}

std::vector<std::shared_ptr<TcpSession>> TcpConnections::take_all() {
  std::lock_guard lock(mutex_);
  return std::exchange(sessions_, {});
}

size_t TcpConnections::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace clusterdns::dns
