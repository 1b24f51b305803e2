// STUB: replaced by the helper implementing `clusterdns get`.
#include <cstdio>

#include "tools/cli/commands.h"

namespace clusterdns::cli {

int run_get(const CommandArgs&) {
  std::fprintf(stderr, "clusterdns get: not implemented yet\n");
  return 2;
}

}  // namespace clusterdns::cli
