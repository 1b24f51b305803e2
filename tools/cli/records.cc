// STUB: replaced by the helper implementing `clusterdns records`.
#include <cstdio>

#include "tools/cli/commands.h"

namespace clusterdns::cli {

int run_records(const CommandArgs&) {
  std::fprintf(stderr, "clusterdns records: not implemented yet\n");
  return 2;
}

}  // namespace clusterdns::cli
