#pragma once
// NSD (Debian's /usr/sbin/nsd) as a real upstream for forwarding tests: serves a test
// zone `example.org` on a free 127.0.0.1 port, configured in a temp dir, in the
// foreground (-d) so the test owns and stops it.

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "tests/support/temp_dir.h"

namespace clusterdns::testing {

// A free port on 127.0.0.1 for both UDP and TCP at the time of the call.
uint16_t free_loopback_port();

class NsdUpstream {
 public:
  // Starts NSD and waits (bounded) until it answers.
  NsdUpstream();
  ~NsdUpstream();
  NsdUpstream(const NsdUpstream&) = delete;
  NsdUpstream& operator=(const NsdUpstream&) = delete;

  bool started() const { return ready_; }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // SIGTERM and wait; the port then refuses queries.
  void stop();
  std::string log() const;

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  bool ready_ = false;
};

}  // namespace clusterdns::testing
