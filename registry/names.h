#pragma once
// Kubernetes name rules (k8s.io/apimachinery/pkg/util/validation).

#include <string_view>

namespace clusterdns::registry {

// RFC 1035 label: starts with a letter, [a-z0-9-], ends alphanumeric, at most 63.
// Service names (they become DNS labels).
bool is_rfc1035_label(std::string_view name);
// RFC 1123 label: like RFC 1035 but may start with a digit. Namespaces, hostnames.
bool is_dns1123_label(std::string_view name);
// RFC 1123 subdomain: dot-separated labels, at most 253. Pods and workloads.
bool is_dns1123_subdomain(std::string_view name);
// IANA service name (container port names): at most 15, [a-z0-9-], a letter, no "--".
bool is_iana_service_name(std::string_view name);

}  // namespace clusterdns::registry
