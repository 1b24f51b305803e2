#pragma once
// Hand-built cluster states for the record derivation tests, and the records as
// master-file lines (what a user of `clusterdns records` reads).

#include <algorithm>
#include <string>
#include <vector>

#include "registry/objects.h"
#include "zones/master_file.h"
#include "zones/options.h"
#include "zones/records.h"

namespace clusterdns::zones::test {

inline registry::IpAddress ip(const char* text) {
  return *registry::IpAddress::parse(text);
}

inline RecordOptions default_options() {
  RecordOptions options;
  options.dns_ip = ip("10.96.0.10");
  return options;
}

inline registry::ServicePort port(std::string name, uint16_t number,
                                  registry::Protocol protocol = registry::Protocol::kTcp) {
  registry::ServicePort result;
  result.name = std::move(name);
  result.port = number;
  result.target_port = number;
  result.protocol = protocol;
  return result;
}

inline registry::Service cluster_ip_service(std::string ns, std::string name,
                                            std::vector<const char*> ips,
                                            std::vector<registry::ServicePort> ports = {}) {
  registry::Service service;
  service.namespace_name = std::move(ns);
  service.name = std::move(name);
  for (const char* text : ips) service.cluster_ips.push_back(ip(text));
  service.ports = std::move(ports);
  service.selector = registry::Labels{{"app", service.name}};
  return service;
}

inline registry::Service headless_service(std::string ns, std::string name,
                                          std::vector<registry::ServicePort> ports = {}) {
  registry::Service service = cluster_ip_service(std::move(ns), std::move(name), {}, ports);
  service.headless = true;
  return service;
}

inline registry::EndpointAddress address(const char* text, std::string hostname = "") {
  registry::EndpointAddress result;
  result.ip = ip(text);
  result.hostname = std::move(hostname);
  return result;
}

inline registry::EndpointPort endpoint_port(
    std::string name, uint16_t number, registry::Protocol protocol = registry::Protocol::kTcp) {
  return registry::EndpointPort{std::move(name), number, protocol};
}

inline registry::Endpoints endpoints(std::string ns, std::string name,
                                     std::vector<registry::EndpointSubset> subsets) {
  registry::Endpoints result;
  result.namespace_name = std::move(ns);
  result.name = std::move(name);
  result.subsets = std::move(subsets);
  return result;
}

inline registry::Pod pod(std::string ns, std::string name, std::vector<const char*> ips) {
  registry::Pod result;
  result.namespace_name = std::move(ns);
  result.name = std::move(name);
  for (const char* text : ips) result.ips.push_back(ip(text));
  result.phase = registry::PodPhase::kRunning;
  result.ready = true;
  return result;
}

inline std::vector<std::string> listing(const registry::ClusterState& state,
                                        const RecordOptions& options = default_options()) {
  std::vector<std::string> lines;
  for (const auto& record : build_records(state, options)) {
    lines.push_back(to_master_file_line(record));
  }
  return lines;
}

inline bool contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// Lines whose owner is `owner` and type `type`, in listing order.
inline std::vector<std::string> lines_at(const std::vector<std::string>& lines,
                                         const std::string& owner, const std::string& type) {
  std::vector<std::string> found;
  const std::string prefix = owner + "\t";
  const std::string type_field = "\tIN\t" + type + "\t";
  for (const auto& line : lines) {
    if (line.rfind(prefix, 0) == 0 && line.find(type_field) != std::string::npos) {
      found.push_back(line);
    }
  }
  return found;
}

// Lines whose owner is `owner`, any type.
inline std::vector<std::string> lines_owned_by(const std::vector<std::string>& lines,
                                               const std::string& owner) {
  std::vector<std::string> found;
  for (const auto& line : lines) {
    if (line.rfind(owner + "\t", 0) == 0) found.push_back(line);
  }
  return found;
}

}  // namespace clusterdns::zones::test
