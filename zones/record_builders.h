#pragma once
// Internal to zones/: the per-concern record builders build_records() wires together,
// one file each (zone_apex_records.cc, service_records.cc, endpoint_records.cc,
// reverse_records.cc, pod_records.cc), as CoreDNS splits plugin/kubernetes.
// The object fields they read are fingerprinted in group_fingerprint.cc, which decides
// what a reload re-encodes: keep the two in step.

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "registry/objects.h"
#include "zones/names.h"
#include "zones/options.h"
#include "zones/record.h"

namespace clusterdns::zones {

// One endpoint address published in DNS: ready, or not ready under
// publishNotReadyAddresses.
struct PublishedEndpoint {
  const registry::EndpointAddress* address = nullptr;
  const registry::EndpointSubset* subset = nullptr;
  uint32_t name_offset = 0;  // "<host>.<svc>.<ns>.svc.<zone>." in the view's endpoint_names
  uint32_t name_length = 0;
};

// A Service with its DNS name and published endpoints. One view serves every Service
// a sink derives (view_service overwrites it), so its buffers keep their capacity.
struct ServiceView {
  const registry::Service* service = nullptr;
  std::string name;  // "<svc>.<ns>.svc.<zone>."
  std::vector<PublishedEndpoint> endpoints;
  std::string endpoint_names;  // the endpoints' names, back to back

  std::string_view endpoint_name(const PublishedEndpoint& endpoint) const {
    return std::string_view(endpoint_names).substr(endpoint.name_offset, endpoint.name_length);
  }
};

// Appends records with the TTL of the options. Records already in `out` beyond the
// start are overwritten in place rather than replaced: the snapshot builder derives a
// thousand buckets through one list per thread, and assigning into the strings left
// there spares an allocation and a free for nearly every record.
class RecordSink {
 public:
  // Writes from out[start] on (records past it are reused, then left as they are).
  RecordSink(const RecordOptions& options, std::vector<Record>& out, size_t start)
      : options_(options), zone_(absolute_name(options.domain)), out_(out), size_(start) {}
  // Appends to `out`.
  RecordSink(const RecordOptions& options, std::vector<Record>& out)
      : RecordSink(options, out, out.size()) {}
  // Writes from out[start] on, and keeps the strings of records an address overwrites
  // in `spares` for later names: record i holds a name in one bucket and an address in
  // the next, and moving its string aside spares a free now and an allocation later.
  RecordSink(const RecordOptions& options, std::vector<Record>& out, size_t start,
             std::vector<std::string>& spares)
      : RecordSink(options, out, start) {
    spares_ = &spares;
  }

  const RecordOptions& options() const { return options_; }
  const std::string& zone() const { return zone_; }  // "cluster.local."
  // Buffers the builders reuse from group to group (a bucket derives dozens): the
  // Service being derived, and a name being put together.
  ServiceView& service_view() { return service_view_; }
  std::string& name_buffer() { return name_buffer_; }
  // The records written so far: out[0, size()).
  size_t size() const { return size_; }

  void add(std::string_view owner, uint16_t type, RecordData data) {
    next(owner, type).data = std::move(data);
  }
  // A for IPv4, AAAA for IPv6.
  void add_address(std::string_view owner, const registry::IpAddress& address);
  // NS, CNAME, PTR.
  void add_name(std::string_view owner, uint16_t type, std::string_view target) {
    assign_text(next(owner, type).data, target);
  }
  void add_srv(std::string_view owner, uint16_t priority, uint16_t weight, uint16_t port,
               std::string_view target);

 private:
  Record& next(std::string_view owner, uint16_t type) {
    if (size_ == out_.size()) out_.emplace_back();
    Record& record = out_[size_++];
    record.owner.assign(owner);
    record.type = type;
    record.ttl = options_.ttl;
    return record;
  }
  void assign_text(RecordData& data, std::string_view text) {
    if (auto* held = std::get_if<std::string>(&data)) {
      held->assign(text);
      return;
    }
    data.emplace<std::string>(take_text(data)).assign(text);
  }
  // A buffer for a name about to replace `data`: the SRV target it holds, else a
  // spare one, taken over rather than freed or allocated.
  std::string take_text(RecordData& data) {
    if (auto* srv = std::get_if<SrvData>(&data)) return std::move(srv->target);
    if (auto* held = std::get_if<std::string>(&data)) return std::move(*held);
    if (spares_ == nullptr || spares_->empty()) return {};
    std::string spare = std::move(spares_->back());
    spares_->pop_back();
    return spare;
  }
  // Before an address replaces `data`: its name's buffer, if it has one of its own.
  void keep_text(RecordData& data) {
    if (spares_ == nullptr) return;
    std::string* text = std::get_if<std::string>(&data);
    if (auto* srv = std::get_if<SrvData>(&data)) text = &srv->target;
    if (text != nullptr && text->capacity() > std::string().capacity()) {
      spares_->push_back(std::move(*text));
    }
  }

  const RecordOptions& options_;
  std::string zone_;
  std::vector<Record>& out_;
  size_t size_ = 0;
  std::vector<std::string>* spares_ = nullptr;
  ServiceView service_view_;
  std::string name_buffer_;
};

// endpoint_records.cc
// Overwrites `view` with the Service's.
void view_service(const registry::Service& service, const registry::Endpoints* endpoints,
                  const std::string& zone, ServiceView& view);
void add_endpoint_records(const ServiceView& view, RecordSink& sink);

// zone_apex_records.cc
void add_zone_apex_records(RecordSink& sink);

// service_records.cc
void add_service_records(const ServiceView& view, RecordSink& sink);

// reverse_records.cc
void add_reverse_records(const ServiceView& view, RecordSink& sink);

// pod_records.cc: one pod's names (nothing unless pods are verified).
void add_pod_records(const registry::Pod& pod, RecordSink& sink);

// records.cc: one Service's records: its names, its endpoints' names, their PTRs.
void add_service_group(const registry::Service& service, const registry::Endpoints* endpoints,
                       RecordSink& sink);

}  // namespace clusterdns::zones
