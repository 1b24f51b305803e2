#include "tests/dns/server_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "dns/server/listen_address.h"

namespace clusterdns::dns::testing {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<int64_t>(left, 0));
}

bool wait_readable(int fd, Clock::time_point deadline) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, remaining_ms(deadline)) == 1;
}

}  // namespace

size_t EchoHandler::handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                           const ClientInfo& client) {
  ++queries;
  last_transport = static_cast<int>(client.transport);
  if (client.address != nullptr) {
    last_family = client.address->sa_family;
    last_port = Endpoint(client.address, client.address_length).port();
  }
  if (query.size() < 12) return 0;
  if ((query[0] << 8 | query[1]) == kDropId) return 0;
  const size_t length = std::min(std::max(query.size(), answer_size), response.size());
  std::fill(response.begin(), response.begin() + static_cast<std::ptrdiff_t>(length), 0);
  std::copy(query.begin(), query.end(), response.begin());
  response[2] |= 0x80;  // QR
  return length;
}

Bytes make_query(uint16_t id) {
  // Header (ID, RD, one question) then "example." A IN.
  return {static_cast<uint8_t>(id >> 8),
          static_cast<uint8_t>(id),
          0x01,
          0x00,
          0,
          1,
          0,
          0,
          0,
          0,
          0,
          0,
          7,
          'e',
          'x',
          'a',
          'm',
          'p',
          'l',
          'e',
          0,
          0,
          1,
          0,
          1};
}

uint16_t message_id(const Bytes& message) {
  return message.size() < 2 ? 0 : static_cast<uint16_t>(message[0] << 8 | message[1]);
}

bool has_qr(const Bytes& message) {
  return message.size() > 2 && (message[2] & 0x80) != 0;
}

Bytes frame(const std::vector<Bytes>& messages) {
  Bytes out;
  for (const Bytes& message : messages) {
    out.push_back(static_cast<uint8_t>(message.size() >> 8));
    out.push_back(static_cast<uint8_t>(message.size()));
    out.insert(out.end(), message.begin(), message.end());
  }
  return out;
}

RunningServer::RunningServer(const std::vector<std::string>& addresses, PacketHandler& handler,
                             ServerOptions options) {
  std::vector<Endpoint> parsed;
  for (const std::string& address : addresses) {
    Result<Endpoint> endpoint = parse_listen_address(address);
    if (!endpoint.ok()) throw std::runtime_error(endpoint.error().message);
    parsed.push_back(*endpoint);
  }
  server_ = std::make_unique<Server>(parsed, handler, options);
  if (Status status = server_->listen(); !status.ok()) {
    throw std::runtime_error(status.error().message);
  }
  endpoints_ = server_->bound_endpoints();
  done_ = std::async(std::launch::async, [this] { server_->run(); });
}

RunningServer::~RunningServer() {
  if (!stopped_ && !stop()) {
    std::fprintf(stderr, "server did not stop; aborting\n");
    std::abort();
  }
}

bool RunningServer::stop(milliseconds timeout) {
  stopped_ = true;
  server_->stop();
  return done_.wait_for(timeout) == std::future_status::ready;
}

std::optional<Bytes> udp_exchange(const Endpoint& server, const Bytes& query, milliseconds timeout,
                                  uint16_t* client_port) {
  const int fd = ::socket(server.is_v6() ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return std::nullopt;
  std::optional<Bytes> answer;
  if (::sendto(fd, query.data(), query.size(), 0, server.data(), server.size()) ==
      static_cast<ssize_t>(query.size())) {
    if (client_port != nullptr) {
      sockaddr_storage local{};
      socklen_t length = sizeof local;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
      *client_port = Endpoint(reinterpret_cast<sockaddr*>(&local), length).port();
    }
    if (wait_readable(fd, Clock::now() + timeout)) {
      Bytes buffer(65535);
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n >= 0) {
        buffer.resize(static_cast<size_t>(n));
        answer = std::move(buffer);
      }
    }
  }
  ::close(fd);
  return answer;
}

TcpClient::TcpClient(const Endpoint& server) {
  fd_ = ::socket(server.is_v6() ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (fd_ >= 0 && ::connect(fd_, server.data(), server.size()) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

TcpClient::~TcpClient() {
  if (fd_ >= 0) ::close(fd_);
}

uint16_t TcpClient::local_port() const {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length);
  return Endpoint(reinterpret_cast<sockaddr*>(&local), length).port();
}

bool TcpClient::send(const Bytes& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {  // bounded: every pass sends at least one byte or fails
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

void TcpClient::shutdown_write() {
  ::shutdown(fd_, SHUT_WR);
}

bool TcpClient::read_exact(uint8_t* data, size_t length, Clock::time_point deadline) {
  size_t done = 0;
  while (done < length) {
    if (!wait_readable(fd_, deadline)) return false;
    const ssize_t n = ::recv(fd_, data + done, length - done, 0);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::optional<Bytes> TcpClient::read_message(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  uint8_t prefix[2];
  if (!read_exact(prefix, 2, deadline)) return std::nullopt;
  Bytes message(static_cast<size_t>(prefix[0] << 8 | prefix[1]));
  if (!read_exact(message.data(), message.size(), deadline)) return std::nullopt;
  return message;
}

bool TcpClient::wait_closed(milliseconds timeout) {
  if (!wait_readable(fd_, Clock::now() + timeout)) return false;
  uint8_t byte;
  const ssize_t n = ::recv(fd_, &byte, 1, 0);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

}  // namespace clusterdns::dns::testing
