#pragma once
// `clusterdns serve` flags (DESIGN.md §5) → a validated configuration.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dns/result.h"
#include "dns/server/endpoint.h"
#include "dns/server/server.h"
#include "dns/upstream/upstream_address.h"
#include "registry/options.h"
#include "tools/cli/arguments.h"
#include "tools/cli/autopath.h"
#include "zones/options.h"

namespace clusterdns::cli {

// DESIGN §4/§5: where names outside our zones go, and for whom.
struct ForwardingOptions {
  std::vector<dns::Endpoint> upstreams;    // empty: no default route
  std::vector<dns::DomainRoute> routes;    // --forward DOMAIN=ADDR[:PORT]
  std::vector<dns::Cidr> allow_recursion;  // --allow-recursion (default: private ranges)
  size_t cache_size = 10000;               // --cache-size ENTRIES
  bool from_resolv_conf = false;           // upstreams came from /etc/resolv.conf
  // --upstream-timeout SECONDS: a question no upstream answered by then gets SERVFAIL.
  std::chrono::milliseconds timeout{2000};
  int tries = 2;  // --upstream-tries N: rounds through the upstreams within that time
  bool enabled() const { return !upstreams.empty() || !routes.empty(); }
};

struct ServeOptions {
  std::filesystem::path manifests;
  std::vector<dns::Endpoint> listen;
  dns::ServerOptions server;
  registry::ClusterOptions cluster;
  zones::RecordOptions records;
  std::optional<std::chrono::milliseconds> poll_period;  // --poll: poll instead of inotify
  ForwardingOptions forwarding;
  bool autopath = false;  // --autopath (needs --pods verified): tools/cli/autopath.h
  // --autopath-resolv-conf FILE|none (default /etc/resolv.conf): the host search
  // domains a pod's search list carries after the cluster's.
  std::string autopath_resolv_conf = "/etc/resolv.conf";
  HostSearchDomains autopath_host_domains;
};

std::vector<FlagSpec> serve_flag_specs();

// Every error is one line naming the flag and value (a usage error, exit 2).
// `resolv_conf` is the text of /etc/resolv.conf (the default upstreams, and the default
// host search domains of --autopath). `--autopath-resolv-conf FILE` is read here.
Result<ServeOptions> parse_serve_options(const Arguments& arguments,
                                         std::string_view resolv_conf = {});

// The CPUs this process may run on (sched_getaffinity), at least 1.
int available_cpus();

}  // namespace clusterdns::cli
