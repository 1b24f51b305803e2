// `clusterdns serve`: load the manifests, publish a snapshot, answer DNS, and publish a
// new snapshot whenever the watcher sees the manifests change.

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "dns/server/log.h"
#include "dns/server/server.h"
#include "dns/upstream/forwarder.h"
#include "registry/serial.h"
#include "registry/watcher.h"
#include "tools/cli/commands.h"
#include "tools/cli/forwarding_responder.h"
#include "tools/cli/serve_options.h"
#include "zones/cluster_snapshot.h"
#include "zones/responder.h"
#include "zones/snapshot_publisher.h"

namespace clusterdns::cli {
namespace {

constexpr const char* kServeHelp =
    "usage: clusterdns serve --manifests DIR [--listen ADDR:PORT]...\n"
    "                        [--upstream ADDR[:PORT]|none]... [--forward DOMAIN=ADDR[:PORT]]...\n"
    "                        [--allow-recursion CIDR]... [--cache-size ENTRIES] [--autopath]\n"
    "                        [--autopath-resolv-conf FILE|none]\n"
    "                        [--upstream-timeout SECONDS] [--upstream-tries N]\n"
    "                        [--threads N] [--poll SECONDS] [--tcp-idle-timeout SECONDS]\n"
    "                        [--tcp-max-connections N] [--config FILE] [record flags]\n"
    "\n"
    "Answers DNS for the cluster described by the manifests in DIR, and follows their\n"
    "changes. --listen is repeatable (default 0.0.0.0:53 and [::]:53; port 0 picks a free\n"
    "port, printed as 'listening on'). SIGHUP re-reads every manifest; SIGTERM/SIGINT stop\n"
    "the server.\n"
    "\n"
    "Names outside the served zones (and reverse names without a PTR, and ExternalName\n"
    "targets outside) are forwarded, and answers cached:\n"
    "  --upstream ADDR[:PORT]   upstream server, repeatable, tried in order ([::1]:5353 for\n"
    "                           IPv6; default: the nameservers of /etc/resolv.conf);\n"
    "                           'none' refuses names outside the served zones\n"
    "  --forward DOMAIN=ADDR[:PORT]  names at or below DOMAIN go to ADDR (repeatable;\n"
    "                           the longest matching DOMAIN wins)\n"
    "  --allow-recursion CIDR   clients that may use forwarding (repeatable; default\n"
    "                           127.0.0.0/8 ::1 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16\n"
    "                           fc00::/7); others get REFUSED outside the served zones\n"
    "  --cache-size ENTRIES     forwarded answers kept in the cache (default 10000)\n"
    "  --upstream-timeout SECONDS  a question no upstream answered within SECONDS gets\n"
    "                           SERVFAIL (default 2, 1-60)\n"
    "  --upstream-tries N       rounds through the upstreams within that time (default 2,\n"
    "                           1-5); each try gets SECONDS / (upstreams * N)\n"
    "  --autopath               answer a pod's first search-list query for itself: when\n"
    "                           <name>.<ns>.svc.<zone> from a pod of <ns> is NXDOMAIN, try\n"
    "                           <name>.svc.<zone>, <name>.<zone>, <name>.<domain> for\n"
    "                           each host search domain, then <name> (both forwarded),\n"
    "                           and answer a CNAME to the first that exists (CoreDNS\n"
    "                           autopath; needs --pods verified; off by default)\n"
    "  --autopath-resolv-conf FILE  the host search domains: the last search (or domain)\n"
    "                           line of FILE (default /etc/resolv.conf; 'none': none; at\n"
    "                           most 32 domains in a pod's search list, as kubelet)\n"
    "An upstream that fails twice in a row (timeout, refused connection, SERVFAIL or\n"
    "REFUSED) is marked down and asked after the others until a probe (. NS, every 0.5 s)\n"
    "gets any reply; when all are down they are still asked, in order. Both are logged.\n"
    "\n"
    "record flags: --domain cluster.local --ttl 5 --service-cidr 10.96.0.0/12\n"
    "  --dns-ip ADDR --pods verified|insecure|disabled --simulate-pods CIDR\n";

// Builds and publishes snapshots, from the main thread at start and from the watcher
// thread on changes, keeping the SOA serial increasing across both.
class SnapshotRefresher {
 public:
  SnapshotRefresher(zones::SnapshotPublisher& publisher, const zones::RecordOptions& options)
      : publisher_(publisher), builder_(options) {}

  // What one publish did, for the log.
  struct Published {
    size_t records = 0;          // 0: a newer state was published already
    size_t parts_encoded = 0;    // chunks derived and encoded anew
    double milliseconds = 0;     // building and publishing the snapshot
  };

  // A change seen by the watcher before the first publish wins over the initial state.
  Published publish_initial(const registry::ClusterState& state) {
    std::lock_guard lock(mutex_);
    if (serial_ != 0) return {};
    return publish_locked(state);
  }

  Published publish_change(const registry::ClusterState& state) {
    std::lock_guard lock(mutex_);
    return publish_locked(state);
  }

  uint32_t serial() const {
    std::lock_guard lock(mutex_);
    return serial_;
  }

 private:
  Published publish_locked(const registry::ClusterState& state) {
    const auto start = std::chrono::steady_clock::now();
    serial_ = registry::next_serial(serial_);
    // Re-encodes only the parts of the zone whose objects changed (issue 6).
    auto built = builder_.build(state, serial_);
    publisher_.publish(std::move(built.snapshot));
    const Published published{
        .records = built.records,
        .parts_encoded = built.buckets_encoded,
        .milliseconds =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count()};
    // Building a snapshot churns through far more temporary memory than it keeps;
    // give the freed pages back instead of letting the heap stay at its peak.
    malloc_trim(0);
    return published;
  }

  zones::SnapshotPublisher& publisher_;
  zones::ClusterSnapshotBuilder builder_;  // guarded by mutex_
  mutable std::mutex mutex_;
  uint32_t serial_ = 0;
};

void log_diagnostics(const std::vector<registry::Diagnostic>& diagnostics) {
  for (const auto& diagnostic : diagnostics)
    std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
}

std::string read_resolv_conf() {
  std::ifstream file("/etc/resolv.conf");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::unique_ptr<dns::Forwarder> make_forwarder(const ForwardingOptions& forwarding) {
  if (!forwarding.enabled()) {
    dns::log_info("forwarding disabled: names outside the served zones are refused%s",
                  forwarding.from_resolv_conf ? " (no usable nameserver in /etc/resolv.conf)" : "");
    return nullptr;
  }
  dns::ForwarderOptions options;
  options.upstreams = forwarding.upstreams;
  options.routes = forwarding.routes;
  options.cache_size = forwarding.cache_size;
  options.timeout = forwarding.timeout;
  options.tries = forwarding.tries;
  auto forwarder = std::make_unique<dns::Forwarder>(std::move(options));
  std::string upstreams;
  for (const auto& upstream : forwarding.upstreams)
    upstreams.append(" ").append(upstream.to_string());
  for (const auto& route : forwarding.routes) {
    for (const auto& server : route.servers) {
      upstreams.append(" ").append(route.domain.to_text()).append("=").append(server.to_string());
    }
  }
  dns::log_info("forwarding to%s%s (per-try timeout %lld ms)", upstreams.c_str(),
                forwarding.from_resolv_conf ? " (from /etc/resolv.conf)" : "",
                static_cast<long long>(forwarder->try_timeout().count()));
  return forwarder;
}

// CoreDNS `loop`: a random name to each upstream; ours coming back means a loop.
void start_loop_probes(ForwardingResponder& handler, dns::Forwarder& forwarder,
                       const ForwardingOptions& forwarding, dns::Server& server,
                       std::atomic<int>& exit_code) {
  std::vector<dns::Endpoint> servers = forwarding.upstreams;
  for (const auto& route : forwarding.routes) {
    servers.insert(servers.end(), route.servers.begin(), route.servers.end());
  }
  // Every probe exists before the first is sent: the forwarder thread reads them.
  for (const auto& upstream : servers) handler.add_loop_probe(upstream.to_string());
  for (size_t i = 0; i < servers.size(); ++i) {
    forwarder.probe(servers[i], handler.loop_probes()[i].name, [&handler, &server, &exit_code] {
      const LoopProbe* looped = handler.loop_detected();
      if (looped == nullptr || exit_code.exchange(kExitInputErrors) != kExitOk) return;
      dns::log_error(
          "upstream %s forwards back to clusterdns (a forwarding loop); give --upstream an "
          "address that does not",
          looped->upstream.c_str());
      server.stop();
    });
  }
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "clusterdns serve: %s (see clusterdns serve --help)\n", message.c_str());
  return kExitUsage;
}

}  // namespace

int run_serve(const CommandArgs& args) {
  auto arguments = parse_arguments(args, serve_flag_specs());
  if (!arguments) return usage_error(arguments.error().message);
  if (arguments->has("help")) {
    std::fputs(kServeHelp, stdout);
    return kExitOk;
  }
  auto options = parse_serve_options(*arguments, read_resolv_conf());
  if (!options) return usage_error(options.error().message);
  std::error_code error;
  if (!std::filesystem::exists(options->manifests, error)) {
    std::fprintf(stderr, "%s: error: manifests directory does not exist\n",
                 options->manifests.c_str());
    return kExitInputErrors;
  }

  zones::SnapshotPublisher publisher;
  SnapshotRefresher refresher(publisher, options->records);
  registry::WatcherOptions watch;
  watch.poll_period = options->poll_period;
  registry::Watcher watcher(
      options->manifests, options->cluster, watch,
      [&](const registry::LoadResult& result, const registry::ChangeSummary& summary) {
        log_diagnostics(summary.diagnostics);
        if (!summary.state_changed) {
          dns::log_info("%s, serial %u", summary.describe().c_str(), refresher.serial());
          return;
        }
        const auto published = refresher.publish_change(result.state);
        dns::log_info("%s, serial %u, answers rebuilt in %.1f ms (%zu part%s re-encoded)",
                      summary.describe().c_str(), refresher.serial(), published.milliseconds,
                      published.parts_encoded, published.parts_encoded == 1 ? "" : "s");
      });
  {
    // The watcher keeps its own state; this copy is only needed to publish once.
    const registry::LoadResult initial = watcher.take_initial();
    log_diagnostics(initial.diagnostics);
    const auto published = refresher.publish_initial(initial.state);
    dns::log_info(
        "serving %s., in-addr.arpa., ip6.arpa. from %s: %zu objects, %zu records, serial %u, "
        "answers built in %.1f ms",
        options->records.domain.c_str(), options->manifests.c_str(),
        registry::object_count(initial.state), published.records, refresher.serial(),
        published.milliseconds);
  }
  // The first state's copy is freed only now, after the publish trimmed the heap: give
  // its pages back too (at 50k objects it is a quarter of the process).
  malloc_trim(0);

  zones::Responder responder(publisher);
  std::unique_ptr<dns::Forwarder> forwarder = make_forwarder(options->forwarding);
  ForwardingConfig forwarding;
  forwarding.allow_recursion = options->forwarding.allow_recursion;
  // The forwarder's cache holds --cache-size answers; each serving thread keeps its
  // share of the recent ones for lock-free hits.
  forwarding.thread_cache_size = std::max<size_t>(
      options->forwarding.cache_size / static_cast<size_t>(std::max(options->server.threads, 1)),
      1);
  for (const char* zone : {"in-addr.arpa.", "ip6.arpa."}) {
    forwarding.served_zones.push_back(*dns::Name::from_text(zone));
  }
  if (auto domain = dns::Name::from_text(options->records.domain)) {
    forwarding.served_zones.push_back(*domain);
  }
  if (options->autopath) {
    forwarding.autopath = true;
    forwarding.cluster_zone = *dns::Name::from_text(options->records.domain);
    forwarding.ttl = options->records.ttl;
    forwarding.host_search_domains = options->autopath_host_domains.domains;
    for (const auto& warning : options->autopath_host_domains.warnings) {
      dns::log_warning("%s", warning.c_str());
    }
    std::string host_domains;
    for (const auto& domain : forwarding.host_search_domains)
      host_domains.append(" ").append(domain.to_text());
    dns::log_info("autopath: pods' search lists are walked on the server; host search "
                  "domains from %s:%s",
                  options->autopath_resolv_conf.c_str(),
                  host_domains.empty() ? " none" : host_domains.c_str());
  }
  ForwardingResponder handler(responder, forwarder.get(), std::move(forwarding));

  dns::Server server(options->listen, handler, options->server);
  if (auto status = server.listen(); !status) {
    dns::log_error("%s", status.error().message.c_str());
    return kExitInputErrors;
  }
  std::atomic<int> exit_code{kExitOk};
  if (forwarder) {
    if (auto status = forwarder->start(); !status) {
      dns::log_error("%s", status.error().message.c_str());
      return kExitInputErrors;
    }
    start_loop_probes(handler, *forwarder, options->forwarding, server, exit_code);
  }
  server.stop_on_signals();
  server.on_reload_signal([&watcher] { watcher.reload_now(); });
  server.run();
  // The serving threads have sent every deferred reply; the forwarder goes last.
  if (forwarder) forwarder->stop();
  watcher.stop();
  dns::log_info("stopped");
  return exit_code.load();
}

}  // namespace clusterdns::cli
