// clusterdns get pods|services|endpoints [NAME] [-n NS | -A] [-o wide|yaml]: the
// loaded (and derived) objects in kubectl's table shapes.
#include <cstdio>
#include <functional>

#include "tools/cli/check_load.h"
#include "tools/cli/commands.h"
#include "tools/cli/get_tables.h"
#include "tools/cli/get_yaml.h"

namespace clusterdns::cli {

namespace {

constexpr const char* kUsage =
    "usage: clusterdns get pods|services|endpoints [NAME] [-n NS | -A] --manifests DIR\n"
    "                      [-o wide|yaml] [record flags]\n";

enum class Resource { kPods, kServices, kEndpoints };

std::optional<Resource> parse_resource(const std::string& word) {
  if (word == "pods" || word == "pod" || word == "po") return Resource::kPods;
  if (word == "services" || word == "service" || word == "svc") return Resource::kServices;
  if (word == "endpoints" || word == "endpoint" || word == "ep") return Resource::kEndpoints;
  return std::nullopt;
}

const char* resource_name(Resource resource) {
  switch (resource) {
    case Resource::kPods:
      return "pods";
    case Resource::kServices:
      return "services";
    case Resource::kEndpoints:
      return "endpoints";
  }
  return "pods";
}

struct Query {
  Resource resource = Resource::kPods;
  std::optional<std::string> name;
  std::string ns = "default";
  bool all_namespaces = false;
  std::string output;  // "", "wide" or "yaml"
};

// Filters `items` by namespace and name, then prints them as a table or YAML.
template <class T>
int print(const registry::SharedList<T>& items, const Query& query, std::function<TableRow(const T&)> row,
          TableRow header, std::function<std::string(const std::vector<const T*>&, bool)> yaml) {
  std::vector<const T*> selected;
  for (const auto& item : items) {
    if (!query.all_namespaces && item.namespace_name != query.ns) continue;
    if (query.name && item.name != *query.name) continue;
    selected.push_back(&item);
  }
  if (selected.empty()) {
    if (query.name) {
      std::fprintf(stderr, "Error from server (NotFound): %s \"%s\" not found\n",
                   resource_name(query.resource), query.name->c_str());
      return kExitInputErrors;
    }
    if (query.all_namespaces) {
      std::fprintf(stderr, "No resources found\n");
    } else {
      std::fprintf(stderr, "No resources found in %s namespace.\n", query.ns.c_str());
    }
    return kExitOk;
  }
  if (query.output == "yaml") {
    std::fputs(yaml(selected, !query.name).c_str(), stdout);
    return kExitOk;
  }
  std::vector<TableRow> lines;
  if (query.all_namespaces) header.insert(header.begin(), "NAMESPACE");
  lines.push_back(std::move(header));
  for (const T* item : selected) {
    TableRow cells = row(*item);
    if (query.all_namespaces) {
      cells.insert(cells.begin(), std::string(std::string_view(item->namespace_name)));
    }
    lines.push_back(std::move(cells));
  }
  std::fputs(align_columns(lines, 6, 3).c_str(), stdout);
  return kExitOk;
}

}  // namespace

int run_get(const CommandArgs& args) {
  int exit_code = kExitOk;
  auto loaded = load_for_command(
      "get", kUsage, args, {{"namespace", 'n'}, {"all-namespaces", 'A', false}, {"output", 'o'}},
      false, exit_code);
  if (!loaded) return exit_code;
  const Arguments& arguments = loaded->arguments;
  const auto usage_error = [](const std::string& message) {
    std::fprintf(stderr, "clusterdns get: %s\n%s", message.c_str(), kUsage);
    return kExitUsage;
  };
  if (arguments.positional.empty() || arguments.positional.size() > 2) {
    return usage_error(
        "expected a resource type (pods, services, endpoints) and optionally a NAME");
  }
  Query query;
  auto resource = parse_resource(arguments.positional[0]);
  if (!resource) {
    return usage_error("unknown resource type \"" + arguments.positional[0] +
                       "\" (pods, services, endpoints)");
  }
  query.resource = *resource;
  if (arguments.positional.size() == 2) query.name = arguments.positional[1];
  query.ns = arguments.get("namespace").value_or("default");
  query.all_namespaces = arguments.has("all-namespaces");
  query.output = arguments.get("output").value_or("");
  if (query.output != "" && query.output != "wide" && query.output != "yaml") {
    return usage_error("-o must be wide or yaml, not \"" + query.output + "\"");
  }
  const bool wide = query.output == "wide";
  const auto& state = loaded->load.state;
  switch (query.resource) {
    case Resource::kServices:
      return print<registry::Service>(
          state.services, query,
          [wide](const registry::Service& service) { return service_row(service, wide); },
          service_header(wide), services_yaml);
    case Resource::kPods:
      return print<registry::Pod>(
          state.pods, query, [wide](const registry::Pod& pod) { return pod_row(pod, wide); },
          pod_header(wide), pods_yaml);
    case Resource::kEndpoints:
      return print<registry::Endpoints>(state.listed_endpoints(), query, endpoints_row,
                                        endpoints_header(), endpoints_yaml);
  }
  return kExitOk;
}

}  // namespace clusterdns::cli
