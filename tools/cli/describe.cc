// STUB: replaced by the helper implementing `clusterdns describe`.
#include <cstdio>

#include "tools/cli/commands.h"

namespace clusterdns::cli {

int run_describe(const CommandArgs&) {
  std::fprintf(stderr, "clusterdns describe: not implemented yet\n");
  return 2;
}

}  // namespace clusterdns::cli
