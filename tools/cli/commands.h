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

int run_serve(const CommandArgs& args);  // serve
int run_records(const CommandArgs& args);  // records
int run_check(const CommandArgs& args);  // check
int run_get(const CommandArgs& args);  // get
int run_describe(const CommandArgs& args);  // describe

// The table tools/clusterdns.cc dispatches on (commands.cc).
const std::vector<Command>& commands();

}  // namespace clusterdns::cli
