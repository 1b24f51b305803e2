#include "tools/cli/commands.h"

namespace clusterdns::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"serve", "answer DNS for the cluster in --manifests DIR", run_serve},
      {"records", "print every record served, master-file format, sorted", run_records},
      {"check", "report problems in the manifests; exit 1 on any error", run_check},
      {"get", "list pods, services or endpoints like kubectl get", run_get},
      {"describe", "describe endpoints NAME like kubectl describe", run_describe},
  };
  return table;
}

}  // namespace clusterdns::cli
