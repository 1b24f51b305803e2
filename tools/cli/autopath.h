#pragma once
// Server-side search-list expansion for pods (`--autopath`, CoreDNS's `autopath
// @kubernetes` with `pods verified`).
//
// A pod's resolv.conf says `search <ns>.svc.<zone> svc.<zone> <zone>` and `ndots:5`,
// so a pod in `web` asking for `kubernetes.default` first sends
// `kubernetes.default.web.svc.<zone>`, gets NXDOMAIN, and walks on: up to four round
// trips for an external name. When such a first query comes from a pod of `<ns>` and
// its answer is NXDOMAIN, we walk the rest of the pod's search list here and answer
// with the first name that exists, as a CNAME from the question name to it followed by
// its records (the shape CoreDNS sends).
//
// "A pod of <ns>": the pod index is the snapshot itself. Under `--pods verified` the
// snapshot holds `<dashed-ip>.<ns>.pod.<zone>` exactly for the (non-terminating) pods
// of the current ClusterState, so asking it for the client's pod name is a lookup in
// an immutable IP → namespace index built at each publish and published atomically
// with the answers it belongs to, read without a lock. That is also why `--autopath`
// requires `--pods verified`, as CoreDNS's does.
//
// Off the hot path: this code runs only for NXDOMAIN answers to clients when
// `--autopath` is on, and allocates (names, one parsed answer).

#include <optional>
#include <span>
#include <vector>

#include "dns/server/packet_handler.h"
#include "dns/upstream/stored_answer.h"
#include "dns/wire/message.h"
#include "zones/responder.h"

namespace clusterdns::cli {

// The rest of a pod's search list for one question.
struct AutopathSearch {
  dns::Name base;                     // what the pod asked for: "kubernetes.default."
  std::vector<dns::Name> candidates;  // "<base>.svc.<zone>.", "<base>.<zone>.", "<base>."
};

class Autopath {
 public:
  // `zone`: the cluster domain; `ttl`: the TTL of the CNAME we add (--ttl).
  Autopath(zones::Responder& zones, dns::Name zone, uint32_t ttl);

  // The search to walk when `query` is "<base>.<ns>.svc.<zone>" (base at least one
  // label) and the client is a pod of <ns>; nullopt otherwise.
  std::optional<AutopathSearch> search_for(const dns::QueryParse& query,
                                           const dns::ClientInfo& client);

  // Our zones' answer for (name, type), unless it is NXDOMAIN or an error.
  std::optional<dns::StoredAnswer> zone_answer(const dns::Name& name, dns::RRType type);

  // "<owner> CNAME <target>" with our TTL.
  dns::ResourceRecord cname(const dns::Name& owner, const dns::Name& target) const;

  const dns::Name& zone() const { return zone_; }

 private:
  bool is_pod_of(const dns::ClientInfo& client, std::string_view namespace_name);

  zones::Responder& zones_;
  const dns::Name zone_;
  const std::string zone_text_;  // "cluster.local."
  const uint32_t ttl_;
};

}  // namespace clusterdns::cli
