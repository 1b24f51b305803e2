#include "tools/cli/commands.h"

namespace clusterdns::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
  };
  return table;
}

}  // namespace clusterdns::cli
