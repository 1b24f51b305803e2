#include "tools/cli/arguments.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace clusterdns::cli {
namespace {

const FlagSpec* find_long(const std::vector<FlagSpec>& specs, std::string_view name) {
  auto it = std::find_if(specs.begin(), specs.end(),
                         [&](const FlagSpec& spec) { return spec.name == name; });
  return it == specs.end() ? nullptr : &*it;
}

const FlagSpec* find_short(const std::vector<FlagSpec>& specs, char name) {
  auto it = std::find_if(specs.begin(), specs.end(),
                         [&](const FlagSpec& spec) { return spec.short_name == name; });
  return it == specs.end() ? nullptr : &*it;
}

Status add_value(Arguments& arguments, const FlagSpec& spec, std::string value) {
  auto& values = arguments.flags[std::string(spec.name)];
  if (!spec.repeatable && !values.empty()) values.clear();  // the last one wins
  values.push_back(std::move(value));
  return {};
}

// Applies a --config YAML file: keys are long flag names, values scalars or (for
// repeatable flags) lists. Flags already given on the command line win.
Status apply_config(const std::string& path, const std::vector<FlagSpec>& specs,
                    Arguments& arguments) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Error{path + ": cannot read config file"};
  } catch (const YAML::Exception& e) {
    return Error{path + ":" + std::to_string(e.mark.line + 1) + ":" +
                 std::to_string(e.mark.column + 1) + ": error: " + e.msg};
  }
  if (root.IsNull()) return {};
  if (!root.IsMap()) return Error{path + ":1:1: error: config must be a mapping of flag names"};
  for (const auto& entry : root) {
    const auto where = path + ":" + std::to_string(entry.first.Mark().line + 1) + ":" +
                       std::to_string(entry.first.Mark().column + 1) + ": error: ";
    if (!entry.first.IsScalar()) return Error{where + "setting names must be plain words"};
    const std::string key = entry.first.Scalar();
    const FlagSpec* spec = find_long(specs, key);
    if (spec == nullptr || key == "config") return Error{where + "unknown setting '" + key + "'"};
    if (arguments.has(key)) continue;
    const YAML::Node& value = entry.second;
    if (value.IsSequence()) {
      if (!spec->repeatable) return Error{where + "'" + key + "' takes a single value"};
      for (const auto& item : value) {
        if (!item.IsScalar()) return Error{where + "'" + key + "' values must be scalars"};
        arguments.flags[key].push_back(item.Scalar());
      }
    } else if (value.IsScalar()) {
      if (!spec->takes_value) {
        if (value.Scalar() == "true") arguments.flags[key].push_back("");
        continue;
      }
      arguments.flags[key].push_back(value.Scalar());
    } else {
      return Error{where + "'" + key + "' must be a scalar or a list"};
    }
  }
  return {};
}

}  // namespace

std::optional<std::string> Arguments::get(std::string_view name) const {
  auto it = flags.find(name);
  if (it == flags.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Arguments::all(std::string_view name) const {
  auto it = flags.find(name);
  return it == flags.end() ? std::vector<std::string>{} : it->second;
}

Result<Arguments> parse_arguments(const std::vector<std::string>& argv,
                                  const std::vector<FlagSpec>& specs) {
  Arguments arguments;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (word == "--") {
      arguments.positional.insert(arguments.positional.end(), argv.begin() + i + 1, argv.end());
      break;
    }
    const FlagSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (word.rfind("--", 0) == 0) {
      std::string name = word.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      spec = find_long(specs, name);
    } else if (word.size() == 2 && word[0] == '-' && word[1] != '-') {
      spec = find_short(specs, word[1]);
    } else {
      arguments.positional.push_back(word);
      continue;
    }
    if (spec == nullptr) return Error{"unknown flag '" + word + "' (see --help)"};
    if (!spec->takes_value) {
      if (inline_value) return Error{"flag '--" + std::string(spec->name) + "' takes no value"};
      arguments.flags[std::string(spec->name)].push_back("");
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argv.size()) return Error{"flag '" + word + "' needs a value"};
      inline_value = argv[++i];
    }
    if (auto status = add_value(arguments, *spec, std::move(*inline_value)); !status) {
      return status.error();
    }
  }
  if (auto config = arguments.get("config"); config && find_long(specs, "config")) {
    if (auto status = apply_config(*config, specs, arguments); !status) return status.error();
  }
  return arguments;
}

std::vector<FlagSpec> record_flag_specs() {
  return {{"domain"},       {"ttl"},  {"service-cidr"},  {"dns-ip"},
          {"pods"},         {"simulate-pods"}, {"manifests"}};
}

Result<registry::ClusterOptions> cluster_options(const Arguments& arguments) {
  registry::ClusterOptions options;
  if (auto cidr = arguments.get("service-cidr")) {
    auto prefix = registry::IpPrefix::parse(*cidr);
    if (!prefix || prefix->size() < 16) {
      return Error{"--service-cidr '" + *cidr + "' is not a CIDR with at least 16 addresses"};
    }
    options.service_cidr = *prefix;
  }
  if (auto ip = arguments.get("dns-ip")) {
    auto address = registry::IpAddress::parse(*ip);
    if (!address) return Error{"--dns-ip '" + *ip + "' is not an IP address"};
    options.dns_ip = *address;
  }
  if (auto cidr = arguments.get("simulate-pods")) {
    auto prefix = registry::IpPrefix::parse(*cidr);
    if (!prefix) return Error{"--simulate-pods '" + *cidr + "' is not a CIDR"};
    options.simulate_pods = *prefix;
  }
  return options;
}

}  // namespace clusterdns::cli
