#pragma once
// The one place that includes Boost.Asio (header-only). Boost 1.74 Asio with g++ 12
// uses std::exchange without including <utility>, so it must come first. Boost 1.74
// also has no asio::as_tuple: use plain completion handlers.

// clang-format off
#include <utility>  // must precede the Asio headers (see above)
// clang-format on

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace clusterdns::dns {
namespace asio = boost::asio;
using ErrorCode = boost::system::error_code;

// An executor that counts as outstanding work: its io_context's run() does not return
// while a copy of it exists (used by replies owed to clients).
inline asio::any_io_executor keep_running(const asio::any_io_executor& executor) {
  return asio::prefer(executor, asio::execution::outstanding_work.tracked);
}
}  // namespace clusterdns::dns
