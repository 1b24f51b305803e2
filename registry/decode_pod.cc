// Pod → registry::Pod: the spec and status fields the endpoints controller reads.
#include <algorithm>

#include "registry/decode.h"
#include "registry/names.h"

namespace clusterdns::registry {

namespace {

std::optional<PodPhase> parse_phase(const std::string& text) {
  if (text == "Pending") return PodPhase::kPending;
  if (text == "Running") return PodPhase::kRunning;
  if (text == "Succeeded") return PodPhase::kSucceeded;
  if (text == "Failed") return PodPhase::kFailed;
  if (text == "Unknown") return PodPhase::kUnknown;
  return std::nullopt;
}

void decode_label_field(const YamlNode& spec, const char* key, CompactString& into,
                        FieldReader& reader) {
  auto value = reader.string(spec, key, "spec");
  if (!value) return;
  if (!is_dns1123_label(*value)) {
    reader.error(FieldReader::child(spec, key),
                 std::string("spec.") + key + " \"" + *value +
                     "\" must be an RFC 1123 label (lower-case letters, digits and '-', at "
                     "most 63)");
    return;
  }
  into = *value;
}

void decode_spec(const YamlNode& object, Pod& pod, PodDetails& details, FieldReader& reader) {
  const YamlNode spec = FieldReader::child(object, "spec");
  if (!FieldReader::present(spec) || !reader.expect_map(spec, "spec")) return;
  decode_label_field(spec, "hostname", details.hostname, reader);
  decode_label_field(spec, "subdomain", details.subdomain, reader);
  if (auto node = reader.string(spec, "nodeName", "spec")) pod.node_name = *node;
  details.ports = decode_container_ports(spec, "spec", reader);
  const YamlNode containers = FieldReader::child(spec, "containers");
  if (containers.IsSequence()) details.containers = static_cast<uint16_t>(containers.size());
}

void decode_pod_ips(const YamlNode& status, Pod& pod, FieldReader& reader) {
  const YamlNode list = FieldReader::child(status, "podIPs");
  if (FieldReader::present(list) && reader.expect_sequence(list, "status.podIPs")) {
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = index_path("status.podIPs", i);
      if (!reader.expect_map(list[i], path)) continue;
      const YamlNode ip_node = FieldReader::child(list[i], "ip");
      if (!FieldReader::present(ip_node)) {
        reader.error(list[i], path + ".ip is required");
        continue;
      }
      if (auto ip = decode_ip(ip_node, path + ".ip", reader)) pod.ips.push_back(*ip);
    }
  }
  const YamlNode single = FieldReader::child(status, "podIP");
  if (!FieldReader::present(single)) return;
  auto ip = decode_ip(single, "status.podIP", reader);
  if (!ip) return;
  if (pod.ips.empty()) {
    pod.ips.push_back(*ip);
  } else if (pod.ips.front() != *ip) {
    reader.error(single, "status.podIP " + ip->to_string() + " must equal status.podIPs[0] " +
                             pod.ips.front().to_string());
  }
}

void decode_conditions(const YamlNode& status, Pod& pod, FieldReader& reader) {
  const YamlNode list = FieldReader::child(status, "conditions");
  if (!FieldReader::present(list) || !reader.expect_sequence(list, "status.conditions")) return;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = index_path("status.conditions", i);
    if (!reader.expect_map(list[i], path)) continue;
    auto type = reader.string(list[i], "type", path);
    auto value = reader.string(list[i], "status", path);
    if (type == "Ready") pod.ready = value == "True" || value == "true";
  }
}

void decode_container_statuses(const YamlNode& status, const Pod& pod, PodDetails& details,
                               FieldReader& reader) {
  const YamlNode list = FieldReader::child(status, "containerStatuses");
  if (!FieldReader::present(list)) {
    if (pod.ready) details.ready_containers = details.containers;
    return;
  }
  if (!reader.expect_sequence(list, "status.containerStatuses")) return;
  int64_t restarts = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = index_path("status.containerStatuses", i);
    if (!reader.expect_map(list[i], path)) continue;
    if (reader.boolean(list[i], "ready", path).value_or(false)) ++details.ready_containers;
    restarts += reader.integer(list[i], "restartCount", path, 0, INT32_MAX).value_or(0);
  }
  details.restarts = static_cast<int32_t>(std::min<int64_t>(restarts, INT32_MAX));
}

void decode_status(const YamlNode& object, Pod& pod, PodDetails& details, FieldReader& reader) {
  const YamlNode status = FieldReader::child(object, "status");
  if (!FieldReader::present(status) || !reader.expect_map(status, "status")) return;
  if (auto phase = reader.string(status, "phase", "status")) {
    if (auto parsed = parse_phase(*phase)) {
      pod.phase = *parsed;
    } else {
      reader.error(FieldReader::child(status, "phase"),
                   "status.phase must be Pending, Running, Succeeded, Failed or Unknown, not \"" +
                       *phase + "\"");
    }
  }
  decode_pod_ips(status, pod, reader);
  decode_conditions(status, pod, reader);
  decode_container_statuses(status, pod, details, reader);
}

}  // namespace

void decode_pod(const YamlNode& object, FieldReader& reader, FileObjects& out) {
  const size_t errors_before = reader.errors();
  auto meta = decode_metadata(object, reader);
  if (!meta) return;
  if (!is_dns1123_subdomain(meta->name)) {
    reader.error(meta->name_node, "Pod name \"" + meta->name +
                                      "\" must be an RFC 1123 subdomain (lower-case letters, "
                                      "digits, '-' and '.', at most 253)");
  }
  Pod pod;
  pod.namespace_name = meta->namespace_name;
  pod.name = meta->name;
  pod.labels = std::move(meta->labels);
  pod.terminating = meta->deleting;
  pod.where = meta->where;
  PodDetails details;
  decode_spec(object, pod, details, reader);
  decode_status(object, pod, details, reader);
  if (reader.errors() != errors_before) return;
  pod.details = std::move(details);
  out.pods.push_back(std::move(pod));
}

}  // namespace clusterdns::registry
