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
// The node's search domains come after the cluster's: kubelet appends the search
// domains of the node's resolv.conf to every pod's, and CoreDNS appends those of its
// own /etc/resolv.conf (`searchFromResolvConf`) to the autopath search list. Names
// under them are forwarded, one after another, before the bare name.
//
// Off the hot path: this code runs only for NXDOMAIN answers to clients when
// `--autopath` is on, and allocates (names, one parsed answer).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/server/packet_handler.h"
#include "dns/upstream/stored_answer.h"
#include "dns/wire/message.h"
#include "zones/responder.h"

namespace clusterdns::cli {

// The rest of a pod's search list for one question.
struct AutopathSearch {
  dns::Name base;  // what the pod asked for: "kubernetes.default."
  // "<base>.svc.<zone>.", "<base>.<zone>.", "<base>.<host domain>." for each host
  // search domain, "<base>."
  std::vector<dns::Name> candidates;
};

// kubelet's limit on a pod's whole search list (MaxDNSSearchPaths): the three cluster
// domains plus the node's; the rest are left out (kubelet warns with an event).
inline constexpr size_t kMaxSearchDomains = 32;


// The host search domains a pod's search list would carry after the cluster's.
struct HostSearchDomains {
  std::vector<dns::Name> domains;     // absolute, lower case, in order
  std::vector<std::string> warnings;  // one line each: what was left out and why
};

// `search` as kubelet composes it: invalid names, the cluster zone and names below it
// (the cluster's own search domains cover them) and repeats are left out silently but
// for invalid ones; past kMaxSearchDomains in all, the rest are dropped with a warning.
HostSearchDomains host_search_domains(const std::vector<std::string>& search,
                                      const dns::Name& zone);

class Autopath {
 public:
  // `zone`: the cluster domain; `ttl`: the TTL of the CNAME we add (--ttl);
  // `host_domains`: from host_search_domains().
  Autopath(zones::Responder& zones, dns::Name zone, uint32_t ttl,
           std::vector<dns::Name> host_domains = {});

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
  const std::vector<std::string> host_domain_texts_;  // "corp.example." ...
};

}  // namespace clusterdns::cli
