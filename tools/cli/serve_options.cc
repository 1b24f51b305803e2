#include "tools/cli/serve_options.h"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "dns/server/listen_address.h"
#include "tools/cli/record_options.h"

namespace clusterdns::cli {
namespace {

// A whole number in [min, max], or an error naming the flag.
Result<long> parse_number(const std::string& flag, const std::string& text, long min, long max) {
  long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return Error{"--" + flag + " '" + text + "': expected a whole number from " +
                 std::to_string(min) + " to " + std::to_string(max)};
  }
  return value;
}

Result<std::vector<dns::Endpoint>> listen_addresses(const Arguments& arguments) {
  std::vector<std::string> texts = arguments.all("listen");
  if (texts.empty()) texts = {"0.0.0.0:53", "[::]:53"};
  std::vector<dns::Endpoint> endpoints;
  for (const auto& text : texts) {
    auto endpoint = dns::parse_listen_address(text);
    if (!endpoint) return endpoint.error();
    endpoints.push_back(*endpoint);
  }
  return endpoints;
}

Error own_address_error(const std::string& flag, const std::string& text) {
  return Error{flag + " '" + text +
               "': that is one of our own --listen addresses (a forwarding loop); give an "
               "upstream server that is not clusterdns itself"};
}

// --upstream (or /etc/resolv.conf), --forward, --allow-recursion, --cache-size,
// --upstream-timeout, --upstream-tries.
Result<ForwardingOptions> forwarding_options(const Arguments& arguments,
                                             const std::vector<dns::Endpoint>& listen,
                                             std::string_view resolv_conf) {
  ForwardingOptions forwarding;
  const auto upstreams = arguments.all("upstream");
  const bool none = std::find(upstreams.begin(), upstreams.end(), "none") != upstreams.end();
  if (none && upstreams.size() > 1) {
    return Error{"--upstream none cannot be combined with upstream addresses"};
  }
  for (const auto& text : upstreams) {
    if (text == "none") continue;
    auto endpoint = dns::parse_upstream_address(text);
    if (!endpoint) return endpoint.error();
    if (dns::is_own_address(*endpoint, listen)) return own_address_error("--upstream", text);
    forwarding.upstreams.push_back(*endpoint);
  }
  if (upstreams.empty()) {
    // DESIGN §5: by default the host's resolvers, never one of our own addresses.
    forwarding.from_resolv_conf = true;
    for (const auto& endpoint : dns::nameservers_from_resolv_conf(resolv_conf)) {
      if (!dns::is_own_address(endpoint, listen)) forwarding.upstreams.push_back(endpoint);
    }
  }
  for (const auto& text : arguments.all("forward")) {
    auto route = dns::parse_forward_route(text);
    if (!route) return route.error();
    if (dns::is_own_address(route->servers.front(), listen)) {
      return own_address_error("--forward", text);
    }
    forwarding.routes.push_back(std::move(*route));
  }
  forwarding.routes = dns::merge_routes(std::move(forwarding.routes));
  const auto clients = arguments.all("allow-recursion");
  if (clients.empty()) forwarding.allow_recursion = dns::default_recursion_clients();
  for (const auto& text : clients) {
    auto cidr = dns::Cidr::parse(text);
    if (!cidr) return cidr.error();
    forwarding.allow_recursion.push_back(*cidr);
  }
  if (auto text = arguments.get("cache-size")) {
    auto entries = parse_number("cache-size", *text, 1, 10'000'000);
    if (!entries) return entries.error();
    forwarding.cache_size = static_cast<size_t>(*entries);
  }
  if (auto text = arguments.get("upstream-timeout")) {
    auto seconds = parse_number("upstream-timeout", *text, 1, 60);
    if (!seconds) return seconds.error();
    forwarding.timeout = std::chrono::seconds(*seconds);
  }
  if (auto text = arguments.get("upstream-tries")) {
    auto tries = parse_number("upstream-tries", *text, 1, 5);
    if (!tries) return tries.error();
    forwarding.tries = static_cast<int>(*tries);
  }
  return forwarding;
}

// --autopath-resolv-conf FILE|none: the host search domains (default: the `search`
// line of /etc/resolv.conf as we see it, which is what CoreDNS reads).
Status autopath_host_domains(const Arguments& arguments, std::string_view resolv_conf,
                             ServeOptions& options) {
  const auto path = arguments.get("autopath-resolv-conf");
  if (path && !options.autopath) return Error{"--autopath-resolv-conf needs --autopath"};
  if (!options.autopath) return {};
  if (path) options.autopath_resolv_conf = *path;
  if (options.autopath_resolv_conf == "none") return {};
  std::string text(resolv_conf);
  if (path) {
    // Named on purpose: unlike a missing /etc/resolv.conf, a missing file is an error.
    std::error_code error;
    std::ifstream file(*path);
    if (!file || std::filesystem::is_directory(*path, error)) {
      return Error{*path + ": cannot read resolv.conf file (--autopath-resolv-conf)"};
    }
    std::ostringstream content;
    content << file.rdbuf();  // an empty file is fine: no host search domains
    text = content.str();
  }
  auto zone = dns::Name::from_text(options.records.domain);
  if (!zone) return Error{"--domain '" + options.records.domain + "': not a domain name"};
  options.autopath_host_domains = host_search_domains(dns::resolv_conf_search(text), *zone);
  return {};
}

}  // namespace

int available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  const int count = CPU_COUNT(&set);
  return count > 0 ? count : 1;
}

std::vector<FlagSpec> serve_flag_specs() {
  std::vector<FlagSpec> specs = record_flag_specs();
  specs.push_back({"listen", 0, true, true});
  specs.push_back({"upstream", 0, true, true});
  specs.push_back({"forward", 0, true, true});
  specs.push_back({"allow-recursion", 0, true, true});
  specs.push_back({"cache-size"});
  specs.push_back({"upstream-timeout"});
  specs.push_back({"upstream-tries"});
  specs.push_back({"autopath", 0, false});
  specs.push_back({"autopath-resolv-conf"});
  specs.push_back({"threads"});
  specs.push_back({"poll"});
  specs.push_back({"tcp-idle-timeout"});
  specs.push_back({"tcp-max-connections"});
  specs.push_back({"config"});
  specs.push_back({"help", 'h', false});
  return specs;
}

Result<ServeOptions> parse_serve_options(const Arguments& arguments, std::string_view resolv_conf) {
  ServeOptions options;
  const auto manifests = arguments.get("manifests");
  if (!manifests) return Error{"serve needs --manifests DIR"};
  options.manifests = *manifests;
  if (!arguments.positional.empty()) {
    return Error{"unexpected argument '" + arguments.positional.front() + "'"};
  }
  auto listen = listen_addresses(arguments);
  if (!listen) return listen.error();
  options.listen = std::move(*listen);
  auto forwarding = forwarding_options(arguments, options.listen, resolv_conf);
  if (!forwarding) return forwarding.error();
  options.forwarding = std::move(*forwarding);

  auto cluster = cluster_options(arguments);
  if (!cluster) return cluster.error();
  options.cluster = *cluster;
  auto records = record_options(arguments, options.cluster);
  if (!records) return records.error();
  options.records = *records;
  options.autopath = arguments.has("autopath");
  if (options.autopath && options.records.pods != zones::PodRecords::kVerified) {
    // The verified pod names are autopath's IP → namespace index (as in CoreDNS).
    return Error{
        "--autopath needs --pods verified (the pod names tell which namespace a client is in)"};
  }
  if (auto status = autopath_host_domains(arguments, resolv_conf, options); !status) {
    return status.error();
  }

  options.server.threads = available_cpus();
  if (auto text = arguments.get("threads")) {
    auto threads = parse_number("threads", *text, 1, 1024);
    if (!threads) return threads.error();
    options.server.threads = static_cast<int>(*threads);
  }
  if (auto text = arguments.get("tcp-idle-timeout")) {
    auto seconds = parse_number("tcp-idle-timeout", *text, 1, 86400);
    if (!seconds) return seconds.error();
    options.server.tcp_idle_timeout = std::chrono::seconds(*seconds);
  }
  if (auto text = arguments.get("tcp-max-connections")) {
    auto count = parse_number("tcp-max-connections", *text, 1, 1'000'000);
    if (!count) return count.error();
    options.server.tcp_max_connections = static_cast<size_t>(*count);
  }
  if (auto text = arguments.get("poll")) {
    auto seconds = parse_number("poll", *text, 1, 86400);
    if (!seconds) return seconds.error();
    options.poll_period = std::chrono::seconds(*seconds);
  }
  return options;
}

}  // namespace clusterdns::cli
