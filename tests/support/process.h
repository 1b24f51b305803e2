#pragma once
// Runs the real clusterdns binary (or any program) from tests and captures its output.

#include <string>
#include <vector>

namespace clusterdns::testing {

struct ProcessOutput {
  int exit_code = -1;  // -1 when killed by a signal or the timeout
  std::string out;
  std::string err;
};

// Runs argv[0] with arguments, no shell, bounded by timeout_seconds (then SIGKILL).
ProcessOutput run_process(const std::vector<std::string>& argv, int timeout_seconds = 60);

// The built binary under test, and the source tree (for examples/ and test data).
std::string clusterdns_binary();
std::string source_dir();

}  // namespace clusterdns::testing
