#include "tools/cli/check_load.h"

#include <cstdio>

#include "tools/cli/commands.h"

namespace clusterdns::cli {

std::optional<LoadedCommand> load_for_command(const char* command, const char* usage,
                                              const CommandArgs& args, std::vector<FlagSpec> extra,
                                              bool with_notes, int& exit_code) {
  std::vector<FlagSpec> specs = record_flag_specs();
  specs.insert(specs.end(), extra.begin(), extra.end());
  specs.push_back({"help", 'h', false});
  auto parsed = parse_arguments(args, specs);
  if (!parsed) {
    std::fprintf(stderr, "clusterdns %s: %s\n%s", command, parsed.error().message.c_str(), usage);
    exit_code = kExitUsage;
    return std::nullopt;
  }
  if (parsed->has("help")) {
    std::fputs(usage, stdout);
    exit_code = kExitOk;
    return std::nullopt;
  }
  auto manifests = parsed->get("manifests");
  if (!manifests || manifests->empty()) {
    std::fprintf(stderr, "clusterdns %s: --manifests DIR is required\n%s", command, usage);
    exit_code = kExitUsage;
    return std::nullopt;
  }
  auto options = cluster_options(*parsed);
  if (!options) {
    std::fprintf(stderr, "clusterdns %s: %s\n", command, options.error().message.c_str());
    exit_code = kExitUsage;
    return std::nullopt;
  }
  LoadedCommand loaded{std::move(*parsed), registry::load_manifests(*manifests, *options)};
  for (const auto& diagnostic : loaded.load.diagnostics) {
    if (diagnostic.severity == registry::Diagnostic::Severity::kNote && !with_notes) continue;
    std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
  }
  exit_code = kExitOk;
  return loaded;
}

}  // namespace clusterdns::cli
