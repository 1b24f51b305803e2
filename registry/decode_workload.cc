// Deployment, ReplicaSet, StatefulSet, DaemonSet: what --simulate-pods needs to make
// the pods their controllers would make.
#include "registry/decode.h"
#include "registry/names.h"

namespace clusterdns::registry {

namespace {

std::optional<LabelSelectorRequirement::Operator> parse_operator(const std::string& text) {
  using Op = LabelSelectorRequirement::Operator;
  if (text == "In") return Op::kIn;
  if (text == "NotIn") return Op::kNotIn;
  if (text == "Exists") return Op::kExists;
  if (text == "DoesNotExist") return Op::kDoesNotExist;
  return std::nullopt;
}

void decode_expressions(const YamlNode& selector, LabelSelector& into, FieldReader& reader) {
  const YamlNode list = FieldReader::child(selector, "matchExpressions");
  const std::string here = "spec.selector.matchExpressions";
  if (!FieldReader::present(list) || !reader.expect_sequence(list, here)) return;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = index_path(here, i);
    if (!reader.expect_map(list[i], path)) continue;
    LabelSelectorRequirement requirement;
    requirement.key = reader.string(list[i], "key", path).value_or("");
    if (requirement.key.empty()) reader.error(list[i], path + ".key is required");
    const auto op_text = reader.string(list[i], "operator", path).value_or("");
    if (auto op = parse_operator(op_text)) {
      requirement.op = *op;
    } else {
      reader.error(list[i], path + ".operator must be In, NotIn, Exists or DoesNotExist, not \"" +
                                op_text + "\"");
    }
    const YamlNode values = FieldReader::child(list[i], "values");
    if (FieldReader::present(values) && reader.expect_sequence(values, path + ".values")) {
      for (const auto& value : values) {
        if (value.IsScalar()) requirement.values.push_back(value.Scalar());
      }
    }
    into.match_expressions.push_back(std::move(requirement));
  }
}

void decode_selector(const YamlNode& spec, Workload& workload, FieldReader& reader) {
  const YamlNode selector = FieldReader::child(spec, "selector");
  if (!FieldReader::present(selector)) {
    reader.error(spec, "spec.selector is required");
    return;
  }
  if (!reader.expect_map(selector, "spec.selector")) return;
  if (auto labels = reader.string_map(selector, "matchLabels", "spec.selector")) {
    workload.selector.match_labels = *labels;
  }
  decode_expressions(selector, workload.selector, reader);
  if (workload.selector.match_labels.empty() && workload.selector.match_expressions.empty()) {
    reader.error(selector, "spec.selector must not be empty");
  }
}

void decode_template(const YamlNode& spec, Workload& workload, FieldReader& reader) {
  const YamlNode pod_template = FieldReader::child(spec, "template");
  if (!FieldReader::present(pod_template)) {
    reader.error(spec, "spec.template is required");
    return;
  }
  if (!reader.expect_map(pod_template, "spec.template")) return;
  const YamlNode metadata = FieldReader::child(pod_template, "metadata");
  if (FieldReader::present(metadata) && reader.expect_map(metadata, "spec.template.metadata")) {
    workload.template_labels =
        reader.string_map(metadata, "labels", "spec.template.metadata").value_or(Labels{});
  }
  const YamlNode pod_spec = FieldReader::child(pod_template, "spec");
  if (!FieldReader::present(pod_spec) || !reader.expect_map(pod_spec, "spec.template.spec")) {
    return;
  }
  workload.template_ports = decode_container_ports(pod_spec, "spec.template.spec", reader);
  workload.template_hostname =
      reader.string(pod_spec, "hostname", "spec.template.spec").value_or("");
  workload.template_subdomain =
      reader.string(pod_spec, "subdomain", "spec.template.spec").value_or("");
}

}  // namespace

void decode_workload(const YamlNode& object, WorkloadKind kind, FieldReader& reader,
                     FileObjects& out) {
  const size_t errors_before = reader.errors();
  auto meta = decode_metadata(object, reader);
  if (!meta) return;
  if (!is_dns1123_subdomain(meta->name)) {
    reader.error(meta->name_node, std::string(workload_kind_name(kind)) + " name \"" + meta->name +
                                      "\" must be an RFC 1123 subdomain (lower-case letters, "
                                      "digits, '-' and '.', at most 253)");
  }
  Workload workload;
  workload.kind = kind;
  workload.namespace_name = meta->namespace_name;
  workload.name = meta->name;
  workload.where = meta->where;
  const YamlNode spec = FieldReader::child(object, "spec");
  if (!FieldReader::present(spec)) {
    reader.error(object, "spec is required");
    return;
  }
  if (!reader.expect_map(spec, "spec")) return;
  workload.replicas =
      static_cast<int32_t>(reader.integer(spec, "replicas", "spec", 0, INT32_MAX).value_or(1));
  if (kind == WorkloadKind::kStatefulSet) {
    workload.service_name = reader.string(spec, "serviceName", "spec").value_or("");
  }
  decode_selector(spec, workload, reader);
  if (reader.errors() == errors_before) decode_template(spec, workload, reader);
  if (reader.errors() == errors_before && !workload.selector.matches(workload.template_labels)) {
    reader.error(FieldReader::child(spec, "selector"),
                 "spec.selector does not match spec.template.metadata.labels");
  }
  if (reader.errors() != errors_before) return;
  out.workloads.push_back(std::move(workload));
}

}  // namespace clusterdns::registry
