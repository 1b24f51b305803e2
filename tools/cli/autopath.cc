#include "tools/cli/autopath.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "registry/ip_address.h"
#include "zones/names.h"

namespace clusterdns::cli {
namespace {

std::optional<registry::IpAddress> client_ip(const dns::ClientInfo& client) {
  if (client.address == nullptr) return std::nullopt;
  registry::IpAddress ip;
  if (client.address->sa_family == AF_INET &&
      client.address_length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(client.address);
    std::memcpy(ip.bytes.data(), &in->sin_addr, 4);
    return ip;
  }
  if (client.address->sa_family == AF_INET6 &&
      client.address_length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(client.address);
    ip.v6 = true;
    std::memcpy(ip.bytes.data(), &in6->sin6_addr, 16);
    return ip;
  }
  return std::nullopt;
}

// A Kubernetes namespace name (RFC 1123 label) as it appears lower-cased in a query.
bool is_namespace_label(std::string_view text) {
  if (text.empty() || text.size() > 63) return false;
  for (const char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// A query for `name` (no RD: we ask our own zones), as a resolver would send it.
std::vector<uint8_t> question_packet(const dns::Name& name, dns::RRType type) {
  std::vector<uint8_t> packet(dns::kHeaderSize, 0);
  packet[5] = 1;  // QDCOUNT
  const auto wire = name.wire();
  packet.insert(packet.end(), wire.begin(), wire.end());
  const uint16_t qtype = dns::to_u16(type);
  const uint16_t qclass = dns::to_u16(dns::RRClass::kIN);
  for (const uint16_t value : {qtype, qclass}) {
    packet.push_back(static_cast<uint8_t>(value >> 8));
    packet.push_back(static_cast<uint8_t>(value & 0xff));
  }
  return packet;
}

std::vector<std::string> texts_of(const std::vector<dns::Name>& names) {
  std::vector<std::string> texts;
  for (const dns::Name& name : names) texts.push_back(name.to_text());
  return texts;
}

}  // namespace

HostSearchDomains host_search_domains(const std::vector<std::string>& search,
                                      const dns::Name& zone) {
  HostSearchDomains result;
  const dns::Name cluster = zone.lowered();
  constexpr size_t kClusterDomains = 3;  // <ns>.svc.<zone> svc.<zone> <zone>
  std::vector<std::string> dropped;
  for (const std::string& text : search) {
    std::string absolute = text;
    if (absolute.empty() || absolute.back() != '.') absolute.push_back('.');
    auto name = dns::Name::from_text(absolute);
    if (!name || absolute == ".") {
      result.warnings.push_back("autopath: ignoring host search domain '" + text +
                                "': not a domain name");
      continue;
    }
    const dns::Name lowered = name->lowered();
    if (lowered.is_subdomain_of(cluster)) continue;  // the cluster's own domains cover it
    if (std::find(result.domains.begin(), result.domains.end(), lowered) !=
        result.domains.end()) {
      continue;  // kubelet drops repeats too
    }
    if (kClusterDomains + result.domains.size() >= kMaxSearchDomains) {
      dropped.push_back(lowered.to_text());
      continue;
    }
    result.domains.push_back(lowered);
  }
  if (!dropped.empty()) {
    std::string list;
    for (const std::string& name : dropped) list.append(" ").append(name);
    result.warnings.push_back("autopath: a pod's search list holds at most " +
                              std::to_string(kMaxSearchDomains) +
                              " domains (kubelet); leaving out host search domains" + list);
  }
  return result;
}

Autopath::Autopath(zones::Responder& zones, dns::Name zone, uint32_t ttl,
                   std::vector<dns::Name> host_domains)
    : zones_(zones),
      zone_(zone.lowered()),
      zone_text_(zone_.to_text()),
      ttl_(ttl),
      host_domain_texts_(texts_of(host_domains)) {}

std::optional<AutopathSearch> Autopath::search_for(const dns::QueryParse& query,
                                                   const dns::ClientInfo& client) {
  // "<base>.<ns>.svc.<zone>." → base and ns (the text is lower case and absolute).
  const std::string text = query.qname_lower.to_text();
  const std::string suffix = ".svc." + zone_text_;
  if (text.size() <= suffix.size() ||
      text.compare(text.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  const std::string_view prefix(text.data(), text.size() - suffix.size());
  const size_t dot = prefix.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || prefix[dot - 1] == '\\') return std::nullopt;
  const std::string_view namespace_name = prefix.substr(dot + 1);
  if (!is_namespace_label(namespace_name) || !is_pod_of(client, namespace_name)) {
    return std::nullopt;
  }
  const std::string base(prefix.substr(0, dot + 1));  // "kubernetes.default."
  auto base_name = dns::Name::from_text(base);
  if (!base_name) return std::nullopt;

  // The pod's resolv.conf search list after "<ns>.svc.<zone>" (kubelet writes it: the
  // cluster's domains, then the node's), then the name as given (ndots: it had fewer
  // than 5 dots, so it comes last).
  AutopathSearch search{*base_name, {}};
  const auto add = [&](const std::string& candidate) {
    // A name too long for the wire is one the pod's resolver would skip as well.
    if (auto name = dns::Name::from_text(candidate)) search.candidates.push_back(*name);
  };
  add(base + "svc." + zone_text_);
  add(base + zone_text_);
  for (const std::string& domain : host_domain_texts_) add(base + domain);
  add(base);
  return search;
}

bool Autopath::is_pod_of(const dns::ClientInfo& client, std::string_view namespace_name) {
  const auto ip = client_ip(client);
  if (!ip) return false;
  // "<dashed-ip>.<ns>.pod.<zone>." exists exactly for the pods of <ns> with that IP
  // (--pods verified): the snapshot is our pod index.
  std::string pod_name = zones::dashed_ip_label(*ip);
  pod_name.append(".").append(namespace_name).append(".pod.").append(zone_text_);
  auto name = dns::Name::from_text(pod_name);
  if (!name) return false;
  auto answer = zone_answer(*name, ip->v6 ? dns::RRType::kAAAA : dns::RRType::kA);
  return answer && !answer->answers.empty();
}

std::optional<dns::StoredAnswer> Autopath::zone_answer(const dns::Name& name, dns::RRType type) {
  const std::vector<uint8_t> query = question_packet(name, type);
  std::vector<uint8_t> response(dns::kMaxTcpMessage);
  // As over TCP: no UDP size limit, the caller's reply applies the client's.
  dns::ClientInfo inside;
  inside.transport = dns::Transport::kTcp;
  zones::ZoneOutcome outcome = zones::ZoneOutcome::kAnswered;
  const size_t length = zones_.handle(query, response, inside, outcome);
  if (length < dns::kHeaderSize || length > response.size()) return std::nullopt;
  if (outcome == zones::ZoneOutcome::kOutOfZone) return std::nullopt;
  auto stored = dns::store_answer(std::span<const uint8_t>(response.data(), length));
  if (!stored || stored->rcode != dns::to_u16(dns::Rcode::kNoError)) return std::nullopt;
  return std::move(*stored);
}

dns::ResourceRecord Autopath::cname(const dns::Name& owner, const dns::Name& target) const {
  dns::ResourceRecord record;
  record.owner = owner;
  record.type = dns::RRType::kCNAME;
  record.ttl = ttl_;
  const auto wire = target.wire();
  record.rdata.assign(wire.begin(), wire.end());
  return record;
}

}  // namespace clusterdns::cli
