#pragma once
// One real server per test suite: a temp dir of manifests and `clusterdns serve` on a
// free loopback port, started in SetUpTestSuite and stopped (exit 0 expected) in
// TearDownTestSuite.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace clusterdns::testing {

class SuiteServer {
 public:
  void start(const std::function<void(const TempDir&)>& write_manifests,
             const std::vector<std::string>& extra_args = {}) {
    dir_ = std::make_unique<TempDir>();
    write_manifests(*dir_);
    server_ = std::make_unique<ServerProcess>(dir_->str(), extra_args);
    ASSERT_TRUE(server_->started()) << server_->log();
  }
  void stop() {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0) << server_->log();
    }
    server_.reset();
    dir_.reset();
  }
  uint16_t port() const { return server_->port(); }
  ServerProcess& process() { return *server_; }

 private:
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace clusterdns::testing
