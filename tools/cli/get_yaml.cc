#include "tools/cli/get_yaml.h"

#include <yaml-cpp/yaml.h>

#include <span>

namespace clusterdns::cli {

namespace {

void emit_metadata(YAML::Emitter& out, const std::string& ns, const std::string& name,
                   const registry::Labels& labels) {
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
  if (!labels.empty()) {
    out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
    for (const auto& [key, value] : labels) {
      out << YAML::Key << std::string(key) << YAML::Value << std::string(value);
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "name" << YAML::Value << name;
  out << YAML::Key << "namespace" << YAML::Value << ns;
  out << YAML::EndMap;
}

void emit_service(YAML::Emitter& out, const registry::Service& service) {
  out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "v1";
  out << YAML::Key << "kind" << YAML::Value << "Service";
  emit_metadata(out, service.namespace_name.str(), service.name.str(), service.labels);
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  if (service.headless) {
    out << YAML::Key << "clusterIP" << YAML::Value << "None";
    out << YAML::Key << "clusterIPs" << YAML::Value << YAML::Flow << YAML::BeginSeq << "None"
        << YAML::EndSeq;
  } else if (!service.cluster_ips.empty()) {
    out << YAML::Key << "clusterIP" << YAML::Value << service.cluster_ips.front().to_string();
    out << YAML::Key << "clusterIPs" << YAML::Value << YAML::BeginSeq;
    for (const auto& ip : service.cluster_ips) out << ip.to_string();
    out << YAML::EndSeq;
  }
  if (!service.external->name.empty()) {
    out << YAML::Key << "externalName" << YAML::Value << service.external->name.str();
  }
  if (!service.ip_families.empty()) {
    out << YAML::Key << "ipFamilies" << YAML::Value << YAML::BeginSeq;
    for (auto family : service.ip_families) out << registry::ip_family_name(family);
    out << YAML::EndSeq;
  }
  if (!service.ports.empty()) {
    out << YAML::Key << "ports" << YAML::Value << YAML::BeginSeq;
    for (const auto& port : service.ports) {
      out << YAML::BeginMap;
      if (!port.name.empty()) out << YAML::Key << "name" << YAML::Value << port.name;
      if (port.node_port != 0) out << YAML::Key << "nodePort" << YAML::Value << port.node_port;
      out << YAML::Key << "port" << YAML::Value << port.port;
      out << YAML::Key << "protocol" << YAML::Value << registry::protocol_name(port.protocol);
      out << YAML::Key << "targetPort" << YAML::Value;
      if (port.target_port_name.empty()) {
        out << port.target_port;
      } else {
        out << port.target_port_name;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (service.publish_not_ready_addresses) {
    out << YAML::Key << "publishNotReadyAddresses" << YAML::Value << true;
  }
  if (service.selector) {
    out << YAML::Key << "selector" << YAML::Value << YAML::BeginMap;
    for (const auto& [key, value] : *service.selector) {
      out << YAML::Key << std::string(key) << YAML::Value << std::string(value);
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "type" << YAML::Value << registry::service_type_name(service.type);
  out << YAML::EndMap << YAML::EndMap;
}

const char* phase_name(registry::PodPhase phase) {
  switch (phase) {
    case registry::PodPhase::kPending:
      return "Pending";
    case registry::PodPhase::kRunning:
      return "Running";
    case registry::PodPhase::kSucceeded:
      return "Succeeded";
    case registry::PodPhase::kFailed:
      return "Failed";
    case registry::PodPhase::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

void emit_pod(YAML::Emitter& out, const registry::Pod& pod) {
  out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "v1";
  out << YAML::Key << "kind" << YAML::Value << "Pod";
  emit_metadata(out, pod.namespace_name.str(), pod.name.str(), pod.labels);
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  if (!pod.details->ports.empty()) {
    out << YAML::Key << "containers" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out << YAML::Key << "ports" << YAML::Value << YAML::BeginSeq;
    for (const auto& port : pod.details->ports) {
      out << YAML::BeginMap;
      out << YAML::Key << "containerPort" << YAML::Value << port.port;
      if (!port.name.empty()) out << YAML::Key << "name" << YAML::Value << port.name;
      out << YAML::Key << "protocol" << YAML::Value << registry::protocol_name(port.protocol);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap << YAML::EndSeq;
  }
  if (!pod.details->hostname.empty()) {
    out << YAML::Key << "hostname" << YAML::Value << pod.details->hostname.str();
  }
  if (!pod.node_name.empty()) out << YAML::Key << "nodeName" << YAML::Value << pod.node_name.str();
  if (!pod.details->subdomain.empty()) {
    out << YAML::Key << "subdomain" << YAML::Value << pod.details->subdomain.str();
  }
  out << YAML::EndMap;
  out << YAML::Key << "status" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "conditions" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  out << YAML::Key << "status" << YAML::Value << YAML::DoubleQuoted
      << (pod.ready ? "True" : "False");
  out << YAML::Key << "type" << YAML::Value << "Ready" << YAML::EndMap << YAML::EndSeq;
  out << YAML::Key << "phase" << YAML::Value << phase_name(pod.phase);
  if (!pod.ips.empty()) {
    out << YAML::Key << "podIP" << YAML::Value << pod.ips.front().to_string();
    out << YAML::Key << "podIPs" << YAML::Value << YAML::BeginSeq;
    for (const auto& ip : pod.ips) {
      out << YAML::BeginMap << YAML::Key << "ip" << YAML::Value << ip.to_string() << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap << YAML::EndMap;
}

void emit_addresses(YAML::Emitter& out, const char* key, const std::string& ns,
                    std::span<const registry::EndpointAddress> addresses) {
  if (addresses.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const auto& address : addresses) {
    out << YAML::BeginMap;
    if (!address.hostname.empty())
      out << YAML::Key << "hostname" << YAML::Value << address.hostname.str();
    out << YAML::Key << "ip" << YAML::Value << address.ip.to_string();
    if (!address.node_name.empty()) {
      out << YAML::Key << "nodeName" << YAML::Value << address.node_name.str();
    }
    if (!address.target_pod.empty()) {
      out << YAML::Key << "targetRef" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "kind" << YAML::Value << "Pod";
      out << YAML::Key << "name" << YAML::Value << address.target_pod.str();
      out << YAML::Key << "namespace" << YAML::Value << ns << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void emit_endpoints(YAML::Emitter& out, const registry::Endpoints& endpoints) {
  out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "v1";
  out << YAML::Key << "kind" << YAML::Value << "Endpoints";
  emit_metadata(out, endpoints.namespace_name.str(), endpoints.name.str(), {});
  if (!endpoints.subsets.empty()) {
    out << YAML::Key << "subsets" << YAML::Value << YAML::BeginSeq;
    for (const auto& subset : endpoints.subsets) {
      out << YAML::BeginMap;
      emit_addresses(out, "addresses", endpoints.namespace_name.str(), subset.addresses);
      emit_addresses(out, "notReadyAddresses", endpoints.namespace_name.str(),
                     subset.not_ready_addresses);
      if (!subset.ports.empty()) {
        out << YAML::Key << "ports" << YAML::Value << YAML::BeginSeq;
        for (const auto& port : subset.ports) {
          out << YAML::BeginMap;
          if (!port.name.empty()) out << YAML::Key << "name" << YAML::Value << port.name;
          out << YAML::Key << "port" << YAML::Value << port.port;
          out << YAML::Key << "protocol" << YAML::Value << registry::protocol_name(port.protocol);
          out << YAML::EndMap;
        }
        out << YAML::EndSeq;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

template <class T, class Emit>
std::string render(const std::vector<const T*>& items, bool as_list, Emit emit) {
  YAML::Emitter out;
  if (!as_list && items.size() == 1) {
    emit(out, *items.front());
  } else {
    out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "v1";
    out << YAML::Key << "items" << YAML::Value << YAML::BeginSeq;
    for (const T* item : items) emit(out, *item);
    out << YAML::EndSeq;
    out << YAML::Key << "kind" << YAML::Value << "List";
    out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key
        << "resourceVersion" << YAML::Value << YAML::DoubleQuoted << "" << YAML::EndMap;
    out << YAML::EndMap;
  }
  return std::string(out.c_str()) + "\n";
}

}  // namespace

std::string services_yaml(const std::vector<const registry::Service*>& services, bool as_list) {
  return render(services, as_list, emit_service);
}

std::string pods_yaml(const std::vector<const registry::Pod*>& pods, bool as_list) {
  return render(pods, as_list, emit_pod);
}

std::string endpoints_yaml(const std::vector<const registry::Endpoints*>& endpoints, bool as_list) {
  return render(endpoints, as_list, emit_endpoints);
}

}  // namespace clusterdns::cli
