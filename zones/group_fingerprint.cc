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
    if (left > 0) std::memcpy(&tail, at, left);  // an empty view's data() may be null
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
  template <typename T>
  void add(const std::vector<T>& items) {
    add(items.size());
    for (const T& item : items) add(item);
  }
  template <typename T>
  void add(const registry::CompactVector<T>& items) {
    add(items.size());
    for (const T& item : items) add(item);
  }
  template <typename T>
  void add(const registry::SharedArray<T>& items) {
    add(items.size());
    for (const T& item : items) add(item);
  }
  void add(const registry::IpList& addresses) {
    add(addresses.size());
    for (const registry::IpAddress& address : addresses) add(address);
  }
  void add(const registry::EndpointAddress& address) {
    add(address.ip);
    add(address.hostname);
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

  uint64_t value() const { return hash_ ^ (hash_ >> 32); }

 private:
  static constexpr uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;
  uint64_t hash_ = 0x2545f4914f6cdd1dULL;
};

}  // namespace

// Exactly the fields record derivation reads (service_records.cc, endpoint_records.cc,
// reverse_records.cc, pod_records.cc): hashing the rest (labels, selectors, node
// names) would cost time on every reload and change no answer.
uint64_t fingerprint(const registry::Service& service, const registry::Endpoints* endpoints) {
  Hasher hasher;
  hasher.add(service.type);
  hasher.add(service.headless);
  hasher.add(service.cluster_ips);
  hasher.add(service.external->name);
  hasher.add(service.ports.size());
  for (const registry::ServicePort& port : service.ports) {
    hasher.add(port.name);
    hasher.add(port.protocol);
    hasher.add(uint64_t{port.port});
  }
  hasher.add(service.publish_not_ready_addresses);
  hasher.add(endpoints != nullptr);
  if (endpoints != nullptr) hasher.add(endpoints->subsets);
  return hasher.value();
}

uint64_t fingerprint(const registry::Pod& pod) {
  Hasher hasher;
  hasher.add(pod.ips);
  hasher.add(pod.terminating);
  return hasher.value();
}

uint64_t fingerprint(std::string_view text) {
  Hasher hasher;
  hasher.add(text);
  return hasher.value();
}

}  // namespace clusterdns::zones
