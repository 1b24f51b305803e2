#include "zones/group_fingerprint.h"

#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace clusterdns::zones {
namespace {

// Eight octets per step, each input length-prefixed so that ("ab","c") and ("a","bc")
// differ. Not cryptographic: objects are not adversaries of their own reloads.
class Hasher {
 public:
  void add(uint64_t value) {
    hash_ = (hash_ ^ value) * kMultiplier;
    hash_ ^= hash_ >> 29;
  }
  void add(std::string_view text) {
    add(text.size());
    const char* at = text.data();
    size_t left = text.size();
    for (; left >= 8; at += 8, left -= 8) {
      uint64_t word;
      std::memcpy(&word, at, 8);
      add(word);
    }
    uint64_t tail = 0;
    std::memcpy(&tail, at, left);
    add(tail);
  }
  void add(const std::string& text) { add(std::string_view(text)); }
  void add(bool value) { add(uint64_t{value}); }
  template <typename Enum>
    requires std::is_enum_v<Enum>
  void add(Enum value) {
    add(static_cast<uint64_t>(value));
  }
  void add(const registry::IpAddress& address) {
    add(address.v6);
    add(std::string_view(reinterpret_cast<const char*>(address.bytes.data()), address.size()));
  }
  void add(const registry::Labels& labels) {
    add(labels.size());
    for (const auto& [key, value] : labels) {
      add(key);
      add(value);
    }
  }
  template <typename T>
  void add(const std::vector<T>& items) {
    add(items.size());
    for (const T& item : items) add(item);
  }
  void add(const registry::ServicePort& port) {
    add(port.name);
    add(port.protocol);
    add(uint64_t{port.port});
    add(uint64_t{port.target_port});
    add(port.target_port_name);
    add(uint64_t{port.node_port});
  }
  void add(const registry::EndpointAddress& address) {
    add(address.ip);
    add(address.hostname);
    add(address.node_name);
    add(address.target_pod);
  }
  void add(const registry::EndpointPort& port) {
    add(port.name);
    add(uint64_t{port.port});
    add(port.protocol);
  }
  void add(const registry::EndpointSubset& subset) {
    add(subset.addresses);
    add(subset.not_ready_addresses);
    add(subset.ports);
  }
  void add(const registry::ContainerPort& port) {
    add(port.name);
    add(uint64_t{port.port});
    add(port.protocol);
  }

  uint64_t value() const { return hash_ ^ (hash_ >> 32); }

 private:
  static constexpr uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;
  uint64_t hash_ = 0x2545f4914f6cdd1dULL;
};

}  // namespace

uint64_t fingerprint(const registry::Service& service, const registry::Endpoints* endpoints) {
  Hasher hasher;
  hasher.add(service.namespace_name);
  hasher.add(service.name);
  hasher.add(service.type);
  hasher.add(service.headless);
  hasher.add(service.cluster_ips);
  hasher.add(service.cluster_ip_allocated);
  hasher.add(service.external_name);
  hasher.add(service.ports);
  hasher.add(service.selector.has_value());
  if (service.selector) hasher.add(*service.selector);
  hasher.add(service.publish_not_ready_addresses);
  hasher.add(service.synthesized);
  hasher.add(service.ip_families);
  hasher.add(service.external_ips);
  hasher.add(service.labels);
  hasher.add(service.prefer_dual_stack);
  hasher.add(endpoints != nullptr);
  if (endpoints != nullptr) {
    hasher.add(endpoints->namespace_name);
    hasher.add(endpoints->name);
    hasher.add(endpoints->subsets);
  }
  return hasher.value();
}

uint64_t fingerprint(const registry::Pod& pod) {
  Hasher hasher;
  hasher.add(pod.namespace_name);
  hasher.add(pod.name);
  hasher.add(pod.labels);
  hasher.add(pod.ips);
  hasher.add(pod.phase);
  hasher.add(pod.ready);
  hasher.add(pod.terminating);
  hasher.add(pod.hostname);
  hasher.add(pod.subdomain);
  hasher.add(pod.node_name);
  hasher.add(pod.ports);
  hasher.add(pod.simulated);
  hasher.add(uint64_t{pod.containers});
  hasher.add(uint64_t{pod.ready_containers});
  hasher.add(static_cast<uint64_t>(pod.restarts));
  return hasher.value();
}

uint64_t fingerprint(std::string_view text) {
  Hasher hasher;
  hasher.add(text);
  return hasher.value();
}

}  // namespace clusterdns::zones
