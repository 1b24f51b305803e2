#include "registry/decode.h"
#include "registry/names.h"

namespace clusterdns::registry {

std::optional<ObjectMeta> decode_metadata(const YamlNode& object, FieldReader& reader) {
  const size_t errors_before = reader.errors();
  ObjectMeta meta;
  meta.where = reader.where(object);
  const YamlNode metadata = FieldReader::child(object, "metadata");
  if (!FieldReader::present(metadata)) {
    reader.error(object, "metadata.name is required");
    return std::nullopt;
  }
  if (!reader.expect_map(metadata, "metadata")) return std::nullopt;
  meta.name_node = FieldReader::child(metadata, "name");
  auto name = reader.string(metadata, "name", "metadata");
  if (!name && reader.errors() == errors_before)
    reader.error(metadata, "metadata.name is required");
  if (name) meta.name = *name;
  if (auto ns = reader.string(metadata, "namespace", "metadata")) {
    if (is_dns1123_label(*ns)) {
      meta.namespace_name = *ns;
    } else {
      reader.error(FieldReader::child(metadata, "namespace"),
                   "metadata.namespace \"" + *ns +
                       "\" is not a valid namespace name (RFC 1123 "
                       "label: lower-case letters, digits and '-', at most 63)");
    }
  }
  if (auto labels = reader.string_map(metadata, "labels", "metadata")) meta.labels = *labels;
  meta.deleting = FieldReader::present(FieldReader::child(metadata, "deletionTimestamp"));
  if (reader.errors() != errors_before) return std::nullopt;
  return meta;
}

std::optional<IpAddress> decode_ip(const YamlNode& node, std::string_view path,
                                   FieldReader& reader) {
  if (node.IsScalar()) {
    if (auto ip = IpAddress::parse(node.Scalar())) return ip;
  }
  reader.error(node, std::string(path) + " must be an IP address, not " + describe_value(node));
  return std::nullopt;
}

std::vector<ContainerPort> decode_container_ports(const YamlNode& pod_spec, std::string_view path,
                                                  FieldReader& reader) {
  std::vector<ContainerPort> ports;
  const YamlNode containers = FieldReader::child(pod_spec, "containers");
  const std::string containers_path = field_path(path, "containers");
  if (!FieldReader::present(containers) || !reader.expect_sequence(containers, containers_path)) {
    return ports;
  }
  for (size_t i = 0; i < containers.size(); ++i) {
    const YamlNode container = containers[i];
    const std::string container_path = index_path(containers_path, i);
    if (!reader.expect_map(container, container_path)) continue;
    const YamlNode list = FieldReader::child(container, "ports");
    const std::string ports_path = field_path(container_path, "ports");
    if (!FieldReader::present(list) || !reader.expect_sequence(list, ports_path)) continue;
    for (size_t j = 0; j < list.size(); ++j) {
      const YamlNode item = list[j];
      const std::string item_path = index_path(ports_path, j);
      if (!reader.expect_map(item, item_path)) continue;
      ContainerPort port;
      if (auto name = reader.string(item, "name", item_path)) {
        if (!is_iana_service_name(*name)) {
          reader.error(FieldReader::child(item, "name"),
                       field_path(item_path, "name") + " \"" + *name +
                           "\" is not a valid port name (at most 15 lower-case letters, digits "
                           "and '-', with a letter)");
        }
        port.name = *name;
      }
      auto number = reader.port(item, "containerPort", item_path);
      if (!number && !FieldReader::present(FieldReader::child(item, "containerPort"))) {
        reader.error(item, field_path(item_path, "containerPort") + " is required");
      }
      port.port = number.value_or(0);
      port.protocol = reader.protocol(item, "protocol", item_path);
      ports.push_back(std::move(port));
    }
  }
  return ports;
}

}  // namespace clusterdns::registry
