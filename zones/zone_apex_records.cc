// The apex records of the three served zones (DESIGN.md §1): the cluster domain with its
// SOA, NS, the name server's address and the spec's version TXT; in-addr.arpa and
// ip6.arpa with their own SOA and NS so negative reverse answers carry an SOA.

#include "dns/wire/types.h"
#include "zones/record_builders.h"

namespace clusterdns::zones {
namespace {

using dns::RRType;
using dns::to_u16;

// Kubernetes DNS spec 1.1.0 §2.2: dns-version.<zone> TXT holds the schema version.
constexpr const char* kSchemaVersion = "1.1.0";

void add_apex(const std::string& apex, RecordSink& sink) {
  const std::string& zone = sink.zone();
  SoaData soa;
  soa.mname = "ns.dns." + zone;
  soa.rname = "hostmaster." + zone;
  soa.serial = sink.options().serial;
  // RFC 2308 §5: negative answers live min(SOA TTL, MINIMUM); keep both at --ttl.
  soa.minimum = sink.options().ttl;
  sink.add(apex, to_u16(RRType::kSOA), std::move(soa));
  sink.add_name(apex, to_u16(RRType::kNS), "ns.dns." + zone);
}

}  // namespace

void RecordSink::add_address(std::string_view owner, const registry::IpAddress& address) {
  Record& record = next(owner, to_u16(address.v6 ? RRType::kAAAA : RRType::kA));
  keep_text(record.data);
  record.data = address;
}

void RecordSink::add_srv(std::string_view owner, uint16_t priority, uint16_t weight, uint16_t port,
                         std::string_view target) {
  RecordData& data = next(owner, to_u16(RRType::kSRV)).data;
  auto* srv = std::get_if<SrvData>(&data);
  if (srv == nullptr) {
    std::string kept = take_text(data);
    srv = &data.emplace<SrvData>();
    srv->target = std::move(kept);
  }
  srv->priority = priority;
  srv->weight = weight;
  srv->port = port;
  srv->target.assign(target);
}

void add_zone_apex_records(RecordSink& sink) {
  const std::string& zone = sink.zone();
  add_apex(zone, sink);
  add_apex("in-addr.arpa.", sink);
  add_apex("ip6.arpa.", sink);
  sink.add_address("ns.dns." + zone, sink.options().dns_ip);
  sink.add("dns-version." + zone, to_u16(RRType::kTXT), std::vector<std::string>{kSchemaVersion});
}

}  // namespace clusterdns::zones
