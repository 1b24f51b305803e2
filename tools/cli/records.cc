// `clusterdns records --manifests DIR [record flags]` (DESIGN.md §5): every record we
// serve, master-file format, sorted, so users can diff two cluster states.

#include "zones/records.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include "registry/loader.h"
#include "tools/cli/arguments.h"
#include "tools/cli/commands.h"
#include "tools/cli/record_options.h"
#include "zones/master_file.h"

namespace clusterdns::cli {
namespace {

constexpr const char* kHelp =
    "usage: clusterdns records --manifests DIR [record flags]\n"
    "\n"
    "Prints every record clusterdns serves for the manifests in DIR: one record per\n"
    "line, master-file format (fully qualified names, no $ORIGIN), sorted in DNS\n"
    "canonical order (RFC 4034 section 6.1), so two listings diff line by line and each\n"
    "zone's lines load into NSD or BIND. The SOA serial is always 1 in this listing\n"
    "(serve derives its serial from the load time). Diagnostics go to stderr.\n"
    "Exit status: 0 success (warnings allowed), 1 errors in the manifests, 2 usage.\n"
    "\n"
    "flags:\n"
    "  --manifests DIR       the manifests directory (required)\n"
    "  --domain NAME         cluster domain (default cluster.local)\n"
    "  --ttl SECONDS         TTL of every record, 0..2147483647 (default 5)\n"
    "  --service-cidr CIDR   Service address range (default 10.96.0.0/12)\n"
    "  --dns-ip ADDR         address of ns.dns.<domain> (default: 10th of the range)\n"
    "  --pods MODE           verified (default; pod records listed), insecure (any\n"
    "                        well-formed pod name answered at query time; not listed)\n"
    "                        or disabled\n"
    "  --simulate-pods CIDR  simulated pods for workloads without Pod manifests\n"
    "  -h, --help            this text\n";

int usage_error(std::string message) {
  // parse_arguments' own hint names no command; ours does.
  constexpr std::string_view kGenericHint = " (see --help)";
  if (message.ends_with(kGenericHint)) message.resize(message.size() - kGenericHint.size());
  std::fprintf(stderr, "clusterdns records: %s (see clusterdns records --help)\n", message.c_str());
  return kExitUsage;
}

void print_header(const zones::RecordOptions& options) {
  std::cout << "; clusterdns records: zones " << options.domain
            << ". in-addr.arpa. ip6.arpa.; SOA serial " << options.serial << "\n";
  if (options.pods == zones::PodRecords::kInsecure) {
    std::cout << "; --pods insecure: any <a-b-c-d>.<ns>.pod." << options.domain
              << ". is answered at query time; such records are not listed\n";
  }
}

}  // namespace

int run_records(const CommandArgs& args) {
  auto specs = record_flag_specs();
  specs.push_back({"help", 'h', false});
  auto arguments = parse_arguments(args, specs);
  if (!arguments) return usage_error(arguments.error().message);
  if (arguments->has("help")) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (!arguments->positional.empty()) {
    return usage_error("unexpected argument '" + arguments->positional.front() + "'");
  }
  const auto manifests = arguments->get("manifests");
  if (!manifests) return usage_error("--manifests DIR is required");
  auto cluster = cluster_options(*arguments);
  if (!cluster) return usage_error(cluster.error().message);
  auto options = record_options(*arguments, *cluster);
  if (!options) return usage_error(options.error().message);

  const registry::LoadResult loaded = registry::load_manifests(*manifests, *cluster);
  for (const auto& diagnostic : loaded.diagnostics) {
    std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
  }
  if (registry::has_errors(loaded.diagnostics)) return kExitInputErrors;

  print_header(*options);
  zones::write_master_file(std::cout, zones::build_records(loaded.state, *options));
  std::cout.flush();
  return std::cout ? kExitOk : kExitInputErrors;
}

}  // namespace clusterdns::cli
