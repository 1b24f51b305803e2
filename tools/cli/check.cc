// STUB: replaced by the helper implementing `clusterdns check`.
#include <cstdio>

#include "tools/cli/commands.h"

namespace clusterdns::cli {

int run_check(const CommandArgs&) {
  std::fprintf(stderr, "clusterdns check: not implemented yet\n");
  return 2;
}

}  // namespace clusterdns::cli
