#pragma once
// `clusterdns serve` as a pod's only resolver (DESIGN.md §1, §4): the zones answer
// what is ours; names outside them (and reverse names without a PTR, and ExternalName
// targets outside) go to the upstream forwarder, for clients in --allow-recursion only.
// RA is set exactly for those clients.
//
// Serving threads answer cache hits themselves from a per-thread cache (no lock); a
// miss defers the reply, hands the question to the forwarder thread, and the answer
// comes back on the serving thread, which fills its cache and replies.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dns/server/packet_handler.h"
#include "dns/upstream/answer_cache.h"
#include "dns/upstream/forwarder.h"
#include "dns/upstream/upstream_address.h"
#include "tools/cli/autopath.h"
#include "zones/responder.h"

namespace clusterdns::cli {

struct ForwardingConfig {
  std::vector<dns::Cidr> allow_recursion;
  std::vector<dns::Name> served_zones;  // never forwarded (CNAME targets in them)
  size_t thread_cache_size = 10000;     // entries in each serving thread's cache
  // --autopath (tools/cli/autopath.h): walk a pod's search list on NXDOMAIN under
  // "<ns>.svc.<cluster_zone>". Off: the normal path does not even parse twice.
  bool autopath = false;
  dns::Name cluster_zone;
  uint32_t ttl = 5;  // the CNAME autopath adds
  std::vector<dns::Name> host_search_domains;  // tried after the cluster's, forwarded
};

// A start-up probe (CoreDNS `loop`): a random name sent to one upstream; seeing it
// arrive here means that upstream forwards back to us.
struct LoopProbe {
  dns::Name name;
  std::string upstream;  // "127.0.0.1:1053", for the error message
};

class ForwardingResponder : public dns::PacketHandler {
 public:
  // `forwarder` null: forwarding disabled (REFUSED outside our zones, RA never set).
  ForwardingResponder(zones::Responder& zones, dns::Forwarder* forwarder, ForwardingConfig config);

  size_t handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                const dns::ClientInfo& client) override;
  void prefetch(std::span<const std::span<const uint8_t>> queries) override {
    zones_.prefetch(queries);
  }

  // Call before serving starts. The names are "<random>.clusterdns-loop-check.".
  LoopProbe& add_loop_probe(std::string upstream);
  const std::vector<LoopProbe>& loop_probes() const { return probes_; }
  // The probe seen coming back, or null.
  const LoopProbe* loop_detected() const;

 private:
  bool recursion_allowed(const dns::ClientInfo& client) const;
  size_t forward(std::span<const uint8_t> query, std::span<uint8_t> response,
                 const dns::ClientInfo& client, zones::ZoneOutcome outcome, size_t zone_length);
  bool is_served(const dns::Name& name) const;
  dns::AnswerCache& thread_cache(std::shared_ptr<dns::AnswerCache>* share = nullptr);
  // 0: keep the zones' NXDOMAIN in `response`; else the reply length or kDeferred.
  size_t autopath(std::span<const uint8_t> query, std::span<uint8_t> response,
                  const dns::ClientInfo& client, size_t zone_length, bool recursion);
  struct AutopathWalk;
  size_t autopath_upstream(const dns::QueryParse& parsed, const dns::ReplyShape& shape,
                           std::vector<dns::Name> rest, std::span<uint8_t> response,
                           const dns::ClientInfo& client, size_t zone_length);
  size_t autopath_known(AutopathWalk& walk, dns::AnswerCache& cache, std::span<uint8_t> out);
  void autopath_resolve(std::shared_ptr<AutopathWalk> walk);

  zones::Responder& zones_;
  dns::Forwarder* forwarder_;
  const ForwardingConfig config_;
  std::unique_ptr<Autopath> autopath_;  // null unless --autopath
  const uint64_t id_;
  std::vector<LoopProbe> probes_;
  std::atomic<int> looped_{-1};
};

}  // namespace clusterdns::cli
