// clusterdns check: every diagnostic of the manifests, a summary, exit 1 on any error.
#include <cstdio>

#include "tools/cli/check_load.h"
#include "tools/cli/commands.h"

namespace clusterdns::cli {

namespace {

constexpr const char* kUsage =
    "usage: clusterdns check --manifests DIR [record flags]\n"
    "Prints every problem as FILE:LINE:COL: error|warning: message to stderr and a summary\n"
    "to stdout; exits 1 when there is any error.\n";

size_t object_count(const registry::ClusterState& state) {
  size_t count = state.namespaces.size() + state.endpoint_objects.size() +
                 state.endpoint_slices.size() + state.workloads.size();
  for (const auto& service : state.services) count += service.synthesized ? 0 : 1;
  for (const auto& pod : state.pods) count += pod.simulated ? 0 : 1;
  return count;
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

int run_check(const CommandArgs& args) {
  int exit_code = kExitOk;
  auto loaded = load_for_command("check", kUsage, args, {}, true, exit_code);
  if (!loaded) return exit_code;
  size_t errors = 0;
  size_t warnings = 0;
  for (const auto& diagnostic : loaded->load.diagnostics) {
    errors += diagnostic.severity == registry::Diagnostic::Severity::kError;
    warnings += diagnostic.severity == registry::Diagnostic::Severity::kWarning;
  }
  std::string name = *loaded->arguments.get("manifests");
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  std::printf("%s: %s, %s, %s\n", name.c_str(),
              plural(object_count(loaded->load.state), "object").c_str(),
              plural(errors, "error").c_str(), plural(warnings, "warning").c_str());
  return errors == 0 ? kExitOk : kExitInputErrors;
}

}  // namespace clusterdns::cli
