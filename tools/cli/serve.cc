// STUB: replaced by the helper implementing `clusterdns serve`.
#include <cstdio>

#include "tools/cli/commands.h"

namespace clusterdns::cli {

int run_serve(const CommandArgs&) {
  std::fprintf(stderr, "clusterdns serve: not implemented yet\n");
  return 2;
}

}  // namespace clusterdns::cli
