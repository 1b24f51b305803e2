// Service → registry::Service with the API server's defaults and validation
// (k8s.io/kubernetes pkg/apis/core/validation ValidateService, the parts DNS cares about).
#include <algorithm>
#include <charconv>
#include <set>

#include "registry/decode.h"
#include "registry/names.h"

namespace clusterdns::registry {

namespace {

constexpr uint16_t kNodePortMin = 30000;
constexpr uint16_t kNodePortMax = 32767;

std::optional<ServiceType> parse_service_type(const std::string& text) {
  if (text == "ClusterIP") return ServiceType::kClusterIP;
  if (text == "NodePort") return ServiceType::kNodePort;
  if (text == "LoadBalancer") return ServiceType::kLoadBalancer;
  if (text == "ExternalName") return ServiceType::kExternalName;
  return std::nullopt;
}

IpFamily family_of(const IpAddress& ip) {
  return ip.v6 ? IpFamily::kIPv6 : IpFamily::kIPv4;
}

// targetPort is an IntOrString: a number 1-65535, or a container port name.
void decode_target_port(const YamlNode& item, const std::string& path, ServicePort& port,
                        FieldReader& reader) {
  const YamlNode node = FieldReader::child(item, "targetPort");
  if (!FieldReader::present(node)) {
    port.target_port = port.port;  // default: targetPort = port
    return;
  }
  const std::string here = field_path(path, "targetPort");
  if (!node.IsScalar()) {
    reader.error(node, here + " must be a port number or a port name, not " + describe_value(node));
    return;
  }
  const std::string& text = node.Scalar();
  int64_t number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (!node.IsQuoted() && error == std::errc() && end == text.data() + text.size()) {
    if (number < 1 || number > 65535) {
      reader.error(node,
                   here + " must be an integer between 1 and 65535, not " + describe_value(node));
      return;
    }
    port.target_port = static_cast<uint16_t>(number);
    return;
  }
  if (!is_iana_service_name(text)) {
    reader.error(node, here + " \"" + text +
                           "\" is neither a port number nor a valid port name (at most 15 "
                           "lower-case letters, digits and '-', with a letter)");
    return;
  }
  port.target_port_name = text;
}

void decode_ports(const YamlNode& spec, Service& service, FieldReader& reader) {
  const YamlNode list = FieldReader::child(spec, "ports");
  if (!FieldReader::present(list)) {
    if (!service.headless && service.type != ServiceType::kExternalName) {
      reader.error(spec,
                   "spec.ports is required (only headless and ExternalName Services may "
                   "have no ports)");
    }
    return;
  }
  if (!reader.expect_sequence(list, "spec.ports")) return;
  std::set<std::string> names;
  std::set<std::pair<uint16_t, Protocol>> numbers;
  for (size_t i = 0; i < list.size(); ++i) {
    const YamlNode item = list[i];
    const std::string path = index_path("spec.ports", i);
    if (!reader.expect_map(item, path)) continue;
    ServicePort port;
    if (auto name = reader.string(item, "name", path)) {
      if (!is_dns1123_label(*name)) {
        reader.error(FieldReader::child(item, "name"),
                     path + ".name \"" + *name + "\" must be an RFC 1123 label");
      } else if (!names.insert(*name).second) {
        reader.error(FieldReader::child(item, "name"),
                     path + ".name \"" + *name + "\" is used by another port");
      }
      port.name = *name;
    } else if (list.size() > 1) {
      reader.error(item, path + ".name is required when a Service has more than one port");
    }
    port.protocol = reader.protocol(item, "protocol", path);
    auto number = reader.port(item, "port", path);
    if (!number && !FieldReader::present(FieldReader::child(item, "port"))) {
      reader.error(item, path + ".port is required");
    }
    port.port = number.value_or(0);
    if (number && !numbers.insert({*number, port.protocol}).second) {
      reader.error(FieldReader::child(item, "port"), path + ".port " + std::to_string(*number) +
                                                         "/" + protocol_name(port.protocol) +
                                                         " is listed twice");
    }
    decode_target_port(item, path, port, reader);
    if (auto node_port = reader.port(item, "nodePort", path)) {
      const YamlNode node = FieldReader::child(item, "nodePort");
      if (service.type != ServiceType::kNodePort && service.type != ServiceType::kLoadBalancer) {
        reader.error(node, path +
                               ".nodePort may only be set on NodePort and LoadBalancer "
                               "Services");
      } else if (*node_port < kNodePortMin || *node_port > kNodePortMax) {
        reader.warning(node, path + ".nodePort " + std::to_string(*node_port) +
                                 " is outside the default node port range 30000-32767");
      }
      port.node_port = *node_port;
    }
    service.ports.push_back(std::move(port));
  }
}

// clusterIP / clusterIPs / ipFamilies / ipFamilyPolicy.
void decode_cluster_ips(const YamlNode& spec, Service& service, FieldReader& reader) {
  const YamlNode single = FieldReader::child(spec, "clusterIP");
  const YamlNode list = FieldReader::child(spec, "clusterIPs");
  std::vector<std::string> texts;
  std::vector<YamlNode> nodes;
  if (FieldReader::present(list) && reader.expect_sequence(list, "spec.clusterIPs")) {
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].IsScalar()) {
        reader.error(list[i], index_path("spec.clusterIPs", i) + " must be a string");
        continue;
      }
      texts.push_back(list[i].Scalar());
      nodes.push_back(list[i]);
    }
    if (texts.size() > 2) reader.error(list, "spec.clusterIPs may hold at most two addresses");
  }
  if (auto text = reader.string(spec, "clusterIP", "spec")) {
    if (!texts.empty() && texts.front() != *text) {
      reader.error(single, "spec.clusterIP \"" + *text + "\" must equal spec.clusterIPs[0] \"" +
                               texts.front() + "\"");
    }
    if (texts.empty()) {
      texts.push_back(*text);
      nodes.push_back(single);
    }
  }
  const SourceRef cluster_ip_where = reader.where(FieldReader::present(single) ? single : list);
  service.cluster_ip_at = {cluster_ip_where.line, cluster_ip_where.column};
  if (texts.empty() || texts.front().empty()) return;  // allocated later
  if (texts.front() == "None") {
    service.headless = true;
    if (service.type != ServiceType::kClusterIP) {
      reader.error(nodes.front(), std::string("spec.clusterIP None (headless) requires type "
                                              "ClusterIP, not ") +
                                      service_type_name(service.type));
    }
    return;
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    auto ip = decode_ip(
        nodes[i],
        i == 0 && !FieldReader::present(list) ? "spec.clusterIP" : index_path("spec.clusterIPs", i),
        reader);
    if (!ip) continue;
    if (!service.cluster_ips.empty() && service.cluster_ips.front().v6 == ip->v6) {
      reader.error(nodes[i], "spec.clusterIPs must hold one IPv4 and one IPv6 address");
      continue;
    }
    service.cluster_ips.push_back(*ip);
  }
}

void decode_ip_families(const YamlNode& spec, Service& service, FieldReader& reader) {
  if (auto policy = reader.string(spec, "ipFamilyPolicy", "spec")) {
    if (*policy == "PreferDualStack" || *policy == "RequireDualStack") {
      service.prefer_dual_stack = true;
    } else if (*policy != "SingleStack") {
      reader.error(FieldReader::child(spec, "ipFamilyPolicy"),
                   "spec.ipFamilyPolicy must be SingleStack, PreferDualStack or "
                   "RequireDualStack, not \"" +
                       *policy + "\"");
    }
  }
  const YamlNode list = FieldReader::child(spec, "ipFamilies");
  if (FieldReader::present(list) && reader.expect_sequence(list, "spec.ipFamilies")) {
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string text = list[i].IsScalar() ? list[i].Scalar() : "";
      if (text == "IPv4" || text == "IPv6") {
        const IpFamily family = text == "IPv6" ? IpFamily::kIPv6 : IpFamily::kIPv4;
        if (std::find(service.ip_families.begin(), service.ip_families.end(), family) !=
            service.ip_families.end()) {
          reader.error(list[i], index_path("spec.ipFamilies", i) + " repeats " + text);
        }
        service.ip_families.push_back(family);
      } else {
        reader.error(list[i], index_path("spec.ipFamilies", i) + " must be IPv4 or IPv6, not " +
                                  describe_value(list[i]));
      }
    }
  }
  for (size_t i = 0; i < service.cluster_ips.size() && i < service.ip_families.size(); ++i) {
    if (family_of(service.cluster_ips[i]) != service.ip_families[i]) {
      reader.error(list, "spec.ipFamilies does not match the families of spec.clusterIPs");
      break;
    }
  }
  if (service.ip_families.empty()) {
    for (const auto& ip : service.cluster_ips) service.ip_families.push_back(family_of(ip));
  }
}

void decode_external(const YamlNode& spec, Service& service, FieldReader& reader) {
  if (auto name = reader.string(spec, "externalName", "spec"))
    service.external.mutate().name = *name;
  if (service.type == ServiceType::kExternalName) {
    std::string name = service.external->name.str();
    if (!name.empty() && name.back() == '.') name.pop_back();
    if (service.external->name.empty()) {
      reader.error(spec, "spec.externalName is required for an ExternalName Service");
    } else if (!is_dns1123_subdomain(name)) {
      reader.error(
          FieldReader::child(spec, "externalName"),
          "spec.externalName \"" + service.external->name + "\" must be a lower-case DNS name");
    }
    service.cluster_ips.clear();
    service.headless = false;
  }
  const YamlNode ips = FieldReader::child(spec, "externalIPs");
  if (FieldReader::present(ips) && reader.expect_sequence(ips, "spec.externalIPs")) {
    for (size_t i = 0; i < ips.size(); ++i) {
      if (auto ip = decode_ip(ips[i], index_path("spec.externalIPs", i), reader)) {
        service.external.mutate().ips.push_back(ip->to_string());
      }
    }
  }
}

}  // namespace

void decode_service(const YamlNode& object, FieldReader& reader, FileObjects& out) {
  const size_t errors_before = reader.errors();
  auto meta = decode_metadata(object, reader);
  if (!meta) return;
  if (!is_rfc1035_label(meta->name)) {
    reader.error(meta->name_node, "Service name \"" + meta->name +
                                      "\" must be an RFC 1035 label (start with a lower-case "
                                      "letter; letters, digits and '-'; at most 63)");
  }
  Service service;
  service.namespace_name = meta->namespace_name;
  service.name = meta->name;
  service.labels = meta->labels;
  service.where = meta->where;
  const YamlNode spec = FieldReader::child(object, "spec");
  if (!FieldReader::present(spec)) {
    reader.error(object, "spec is required for a Service");
    return;
  }
  if (!reader.expect_map(spec, "spec")) return;
  if (auto type = reader.string(spec, "type", "spec")) {
    if (auto parsed = parse_service_type(*type)) {
      service.type = *parsed;
    } else {
      reader.error(FieldReader::child(spec, "type"),
                   "spec.type must be ClusterIP, NodePort, LoadBalancer or ExternalName, not \"" +
                       *type + "\"");
    }
  }
  decode_cluster_ips(spec, service, reader);
  decode_ip_families(spec, service, reader);
  decode_external(spec, service, reader);
  decode_ports(spec, service, reader);
  // An empty selector is stored as no selector by the API server: the endpoints
  // controller then leaves the Service alone (its Endpoints come from manifests).
  // ExternalName Services have none.
  auto selector = reader.string_map(spec, "selector", "spec");
  if (selector && !selector->empty() && service.type != ServiceType::kExternalName) {
    service.selector = std::move(selector);
  }
  service.publish_not_ready_addresses =
      reader.boolean(spec, "publishNotReadyAddresses", "spec").value_or(false);
  if (reader.errors() != errors_before) return;
  out.services.push_back(std::move(service));
}

}  // namespace clusterdns::registry
