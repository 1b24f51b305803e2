// clusterdns describe endpoints NAME [-n NS]: kubectl describe's text for the
// derived Endpoints.
#include <cstdio>
#include <optional>

#include "tools/cli/check_load.h"
#include "tools/cli/commands.h"
#include "tools/cli/get_tables.h"

namespace clusterdns::cli {

namespace {

constexpr const char* kUsage =
    "usage: clusterdns describe endpoints NAME [-n NS] --manifests DIR [record flags]\n";

}  // namespace

int run_describe(const CommandArgs& args) {
  int exit_code = kExitOk;
  auto loaded = load_for_command("describe", kUsage, args, {{"namespace", 'n'}}, false, exit_code);
  if (!loaded) return exit_code;
  const auto& positional = loaded->arguments.positional;
  if (positional.size() != 2) {
    std::fprintf(stderr, "clusterdns describe: expected `endpoints NAME`\n%s", kUsage);
    return kExitUsage;
  }
  const std::string& resource = positional[0];
  if (resource != "endpoints" && resource != "endpoint" && resource != "ep") {
    std::fprintf(stderr, "clusterdns describe: only endpoints can be described, not \"%s\"\n%s",
                 resource.c_str(), kUsage);
    return kExitUsage;
  }
  const std::string ns = loaded->arguments.get("namespace").value_or("default");
  const auto& state = loaded->load.state;
  const std::optional<registry::Endpoints> endpoints = state.find_endpoints(ns, positional[1]);
  if (!endpoints) {
    std::fprintf(stderr, "Error from server (NotFound): endpoints \"%s\" not found\n",
                 positional[1].c_str());
    return kExitInputErrors;
  }
  std::fputs(describe_endpoints(*endpoints, state.find_service(ns, positional[1])).c_str(), stdout);
  return kExitOk;
}

}  // namespace clusterdns::cli
