#pragma once
// One function per subcommand; each returns the process exit status (DESIGN.md §5).
// `args` are the words after the subcommand name.

#include <string>
#include <vector>

namespace clusterdns::cli {

using CommandArgs = std::vector<std::string>;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const CommandArgs& args);
};

// The table tools/clusterdns.cc dispatches on (commands.cc).
const std::vector<Command>& commands();

}  // namespace clusterdns::cli
