#pragma once
// `clusterdns get ... -o yaml`: the (derived) objects as Kubernetes YAML, a single
// object alone or several as `kind: List`, like kubectl.

#include <string>
#include <vector>

#include "registry/objects.h"

namespace clusterdns::cli {

std::string services_yaml(const std::vector<const registry::Service*>& services, bool as_list);
std::string pods_yaml(const std::vector<const registry::Pod*>& pods, bool as_list);
std::string endpoints_yaml(const std::vector<const registry::Endpoints*>& endpoints, bool as_list);

}  // namespace clusterdns::cli
