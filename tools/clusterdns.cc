// clusterdns: an authoritative DNS server for Kubernetes cluster names.

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "clusterdns_version.h"
#include "tools/cli/arguments.h"
#include "tools/cli/commands.h"

namespace {

using clusterdns::cli::commands;

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: clusterdns COMMAND [flags]\n"
               "\n"
               "An authoritative DNS server for Kubernetes Service and Pod names, fed by a\n"
               "directory of manifests.\n"
               "\n"
               "commands:\n");
  for (const auto& command : commands()) {
    std::fprintf(out, "  %-10s %s\n", command.name, command.summary);
  }
  std::fprintf(out,
               "\n"
               "record flags (all commands): --domain cluster.local --ttl 5\n"
               "  --service-cidr 10.96.0.0/12 --dns-ip ADDR --pods verified|insecure|disabled\n"
               "  --simulate-pods CIDR\n"
               "\n"
               "`clusterdns COMMAND --help` describes a command; --version prints the version.\n");
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty()) {
    print_usage(stderr);
    return clusterdns::cli::kExitUsage;
  }
  const std::string& first = words.front();
  if (first == "--help" || first == "-h" || first == "help") {
    print_usage(stdout);
    return clusterdns::cli::kExitOk;
  }
  if (first == "--version" || first == "version") {
    std::printf("clusterdns %s\n", CLUSTERDNS_VERSION);
    return clusterdns::cli::kExitOk;
  }
  for (const auto& command : commands()) {
    if (first == command.name) return command.run({words.begin() + 1, words.end()});
  }
  std::fprintf(stderr, "clusterdns: unknown %s '%s' (see clusterdns --help)\n",
               first.rfind("-", 0) == 0 ? "flag" : "command", first.c_str());
  return clusterdns::cli::kExitUsage;
}
