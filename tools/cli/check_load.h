#pragma once
// Shared by check, get and describe: parse the flags, load --manifests, print the
// load diagnostics to stderr.

#include <optional>
#include <string>
#include <vector>

#include "registry/loader.h"
#include "tools/cli/arguments.h"
#include "tools/cli/commands.h"

namespace clusterdns::cli {

struct LoadedCommand {
  Arguments arguments;
  registry::LoadResult load;
};

// The record flag specs plus `extra` (and --help). On a usage error prints
// "clusterdns COMMAND: message" to stderr and sets `exit_code` to kExitUsage; on --help
// prints `usage` to stdout and sets kExitOk. Otherwise loads the manifests and prints
// errors and warnings (notes too when `with_notes`) to stderr.
std::optional<LoadedCommand> load_for_command(const char* command, const char* usage,
                                              const CommandArgs& args, std::vector<FlagSpec> extra,
                                              bool with_notes, int& exit_code);

}  // namespace clusterdns::cli
