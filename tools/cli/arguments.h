#pragma once
// Command-line parsing for the clusterdns subcommands (DESIGN.md §5): long flags
// with a value (`--flag VALUE` or `--flag=VALUE`), repeatable flags, positional
// arguments, and `--config FILE` (YAML keys = long flag names; the command line wins).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/result.h"
#include "registry/options.h"

namespace clusterdns::cli {

struct FlagSpec {
  std::string_view name;     // without dashes: "manifests"
  char short_name = 0;       // 'n' for -n, or 0
  bool takes_value = true;   // false: a switch such as -A
  bool repeatable = false;
};

struct Arguments {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>, std::less<>> flags;

  bool has(std::string_view name) const { return flags.find(name) != flags.end(); }
  // The last value given for `name`, or nullopt.
  std::optional<std::string> get(std::string_view name) const;
  std::vector<std::string> all(std::string_view name) const;
};

// Parses argv (after the subcommand). Unknown flags and missing values are errors
// whose message names the flag. `--config FILE` is applied when "config" is in specs.
Result<Arguments> parse_arguments(const std::vector<std::string>& argv,
                                  const std::vector<FlagSpec>& specs);

// The record flags shared by serve, records, check, get and describe.
std::vector<FlagSpec> record_flag_specs();

// Values of the record flags that shape the cluster state.
Result<registry::ClusterOptions> cluster_options(const Arguments& arguments);

// Exit codes of DESIGN.md §5.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInputErrors = 1;
inline constexpr int kExitUsage = 2;

}  // namespace clusterdns::cli
