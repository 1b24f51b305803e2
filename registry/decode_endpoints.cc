// Endpoints (v1) and EndpointSlice (discovery.k8s.io/v1) objects given in manifests:
// they feed Services without a selector.
#include "registry/decode.h"
#include "registry/names.h"

namespace clusterdns::registry {

namespace {

constexpr std::string_view kServiceNameLabel = "kubernetes.io/service-name";

std::vector<EndpointPort> decode_endpoint_ports(const YamlNode& parent, std::string_view path,
                                                FieldReader& reader) {
  std::vector<EndpointPort> ports;
  const YamlNode list = FieldReader::child(parent, "ports");
  const std::string here = field_path(path, "ports");
  if (!FieldReader::present(list) || !reader.expect_sequence(list, here)) return ports;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string item_path = index_path(here, i);
    if (!reader.expect_map(list[i], item_path)) continue;
    EndpointPort port;
    port.name = reader.string(list[i], "name", item_path).value_or("");
    auto number = reader.port(list[i], "port", item_path);
    if (!number && !FieldReader::present(FieldReader::child(list[i], "port"))) {
      reader.error(list[i], item_path + ".port is required");
    }
    port.port = number.value_or(0);
    port.protocol = reader.protocol(list[i], "protocol", item_path);
    ports.push_back(std::move(port));
  }
  return ports;
}

std::string target_pod(const YamlNode& item, std::string_view path, FieldReader& reader) {
  const YamlNode ref = FieldReader::child(item, "targetRef");
  if (!FieldReader::present(ref) || !reader.expect_map(ref, field_path(path, "targetRef"))) {
    return "";
  }
  if (reader.string(ref, "kind", field_path(path, "targetRef")).value_or("Pod") != "Pod") return "";
  return reader.string(ref, "name", field_path(path, "targetRef")).value_or("");
}

std::vector<EndpointAddress> decode_addresses(const YamlNode& subset, std::string_view key,
                                              std::string_view path, FieldReader& reader) {
  std::vector<EndpointAddress> addresses;
  const YamlNode list = FieldReader::child(subset, key);
  const std::string here = field_path(path, key);
  if (!FieldReader::present(list) || !reader.expect_sequence(list, here)) return addresses;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string item_path = index_path(here, i);
    if (!reader.expect_map(list[i], item_path)) continue;
    const YamlNode ip_node = FieldReader::child(list[i], "ip");
    if (!FieldReader::present(ip_node)) {
      reader.error(list[i], item_path + ".ip is required");
      continue;
    }
    auto ip = decode_ip(ip_node, item_path + ".ip", reader);
    if (!ip) continue;
    EndpointAddress address;
    address.ip = *ip;
    address.hostname = reader.string(list[i], "hostname", item_path).value_or("");
    if (!address.hostname.empty() && !is_dns1123_label(address.hostname)) {
      reader.error(FieldReader::child(list[i], "hostname"),
                   item_path + ".hostname \"" + address.hostname + "\" must be an RFC 1123 label");
    }
    address.node_name = reader.string(list[i], "nodeName", item_path).value_or("");
    address.target_pod = target_pod(list[i], item_path, reader);
    addresses.push_back(std::move(address));
  }
  return addresses;
}

}  // namespace

void decode_endpoints(const YamlNode& object, FieldReader& reader, FileObjects& out) {
  const size_t errors_before = reader.errors();
  auto meta = decode_metadata(object, reader);
  if (!meta) return;
  Endpoints endpoints;
  endpoints.namespace_name = meta->namespace_name;
  endpoints.name = meta->name;
  endpoints.where = meta->where;
  const YamlNode list = FieldReader::child(object, "subsets");
  if (FieldReader::present(list) && reader.expect_sequence(list, "subsets")) {
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = index_path("subsets", i);
      if (!reader.expect_map(list[i], path)) continue;
      EndpointSubset subset;
      subset.addresses = decode_addresses(list[i], "addresses", path, reader);
      subset.not_ready_addresses = decode_addresses(list[i], "notReadyAddresses", path, reader);
      subset.ports = decode_endpoint_ports(list[i], path, reader);
      endpoints.subsets.push_back(std::move(subset));
    }
    endpoints.subsets.shrink_to_fit();
  }
  if (reader.errors() != errors_before) return;
  out.endpoint_objects.push_back(std::move(endpoints));
}

void decode_endpoint_slice(const YamlNode& object, FieldReader& reader, FileObjects& out) {
  const size_t errors_before = reader.errors();
  auto meta = decode_metadata(object, reader);
  if (!meta) return;
  EndpointSlice slice;
  slice.namespace_name = meta->namespace_name;
  slice.name = meta->name;
  slice.where = meta->where;
  if (auto it = meta->labels.find(std::string(kServiceNameLabel)); it != meta->labels.end()) {
    slice.service_name = it->second;
  } else {
    reader.warning(object, "EndpointSlice " + meta->name +
                               " has no kubernetes.io/service-name label; no Service uses it");
  }
  const auto address_type = reader.string(object, "addressType", "").value_or("IPv4");
  if (address_type != "IPv4" && address_type != "IPv6" && address_type != "FQDN") {
    reader.error(FieldReader::child(object, "addressType"),
                 "addressType must be IPv4, IPv6 or FQDN, not \"" + address_type + "\"");
  }
  const YamlNode list = FieldReader::child(object, "endpoints");
  if (FieldReader::present(list) && reader.expect_sequence(list, "endpoints")) {
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = index_path("endpoints", i);
      if (!reader.expect_map(list[i], path)) continue;
      EndpointSlice::Endpoint endpoint;
      const YamlNode addresses = FieldReader::child(list[i], "addresses");
      if (FieldReader::present(addresses) &&
          reader.expect_sequence(addresses, path + ".addresses")) {
        for (size_t j = 0; j < addresses.size() && address_type != "FQDN"; ++j) {
          auto ip = decode_ip(addresses[j], index_path(path + ".addresses", j), reader);
          if (ip && ip->v6 != (address_type == "IPv6")) {
            reader.error(addresses[j], index_path(path + ".addresses", j) + " " + ip->to_string() +
                                           " is not an " + address_type + " address");
          } else if (ip) {
            endpoint.addresses.push_back(*ip);
          }
        }
      }
      const YamlNode conditions = FieldReader::child(list[i], "conditions");
      if (FieldReader::present(conditions) && reader.expect_map(conditions, path + ".conditions")) {
        endpoint.ready = reader.boolean(conditions, "ready", path + ".conditions").value_or(true);
        endpoint.terminating =
            reader.boolean(conditions, "terminating", path + ".conditions").value_or(false);
      }
      endpoint.hostname = reader.string(list[i], "hostname", path).value_or("");
      endpoint.node_name = reader.string(list[i], "nodeName", path).value_or("");
      endpoint.target_pod = target_pod(list[i], path, reader);
      slice.endpoints.push_back(std::move(endpoint));
    }
  }
  slice.ports = decode_endpoint_ports(object, "", reader);
  if (reader.errors() != errors_before) return;
  out.endpoint_slices.push_back(std::move(slice));
}

}  // namespace clusterdns::registry
