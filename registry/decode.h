#pragma once
// YAML → registry objects, one decoder per kind (decode_<kind>.cc). Each decoder
// appends the object to `out` only when it decoded without errors, so one bad object
// never hides the others.

#include <string>
#include <vector>

#include "registry/loader.h"
#include "registry/yaml_fields.h"
#include "registry/yaml_tree.h"

namespace clusterdns::registry {

struct ObjectMeta {
  std::string name;
  std::string namespace_name = "default";
  Labels labels;
  bool deleting = false;  // deletionTimestamp set
  SourceRef where;        // the object itself
  YamlNode name_node;     // for name validation messages
};

// metadata.{name,namespace,labels,deletionTimestamp}; nullopt (with errors) when unusable.
std::optional<ObjectMeta> decode_metadata(const YamlNode& object, FieldReader& reader);

// spec.containers[].ports[] of a pod spec (also a workload's template spec).
std::vector<ContainerPort> decode_container_ports(const YamlNode& pod_spec, std::string_view path,
                                                  FieldReader& reader);
// An IP address field ("<path> must be an IP address").
std::optional<IpAddress> decode_ip(const YamlNode& node, std::string_view path,
                                   FieldReader& reader);

void decode_namespace(const YamlNode& object, FieldReader& reader, FileObjects& out);
void decode_service(const YamlNode& object, FieldReader& reader, FileObjects& out);
void decode_pod(const YamlNode& object, FieldReader& reader, FileObjects& out);
void decode_endpoints(const YamlNode& object, FieldReader& reader, FileObjects& out);
void decode_endpoint_slice(const YamlNode& object, FieldReader& reader, FileObjects& out);
void decode_workload(const YamlNode& object, WorkloadKind kind, FieldReader& reader,
                     FileObjects& out);

}  // namespace clusterdns::registry
