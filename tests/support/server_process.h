#pragma once
// Starts the real `clusterdns serve` on a free loopback port for integration tests,
// and stops it with SIGTERM (checking it exits 0) when the object goes away.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace clusterdns::testing {

class ServerProcess {
 public:
  // Runs `clusterdns serve --manifests DIR --listen 127.0.0.1:0 --upstream none` plus
  // `extra_args`, and waits (bounded) for its `listening on` line. `upstream_args`
  // replaces `--upstream none` (e.g. {"--upstream", "127.0.0.1:5353"}); tests never
  // leave it empty, which would forward to /etc/resolv.conf's servers.
  explicit ServerProcess(const std::string& manifests_dir,
                         const std::vector<std::string>& extra_args = {},
                         const std::vector<std::string>& listen = {"127.0.0.1:0"},
                         const std::vector<std::string>& upstream_args = {"--upstream", "none"});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool started() const { return port_ != 0; }
  uint16_t port() const { return port_; }                // the first listen address's port
  const std::vector<uint16_t>& ports() const { return ports_; }
  // Sends SIGTERM and waits (bounded); returns the exit status (-1 if killed).
  int stop();
  // Sends `signal_number` (e.g. SIGHUP) to the running server.
  void send_signal(int signal_number);
  // Everything the server wrote to stderr so far.
  std::string log();

 private:
  void read_available_log(int wait_ms);

  pid_t pid_ = -1;
  int log_fd_ = -1;
  std::string log_;
  uint16_t port_ = 0;
  std::vector<uint16_t> ports_;
};

}  // namespace clusterdns::testing
