#pragma once
// kubectl-shaped tables for `clusterdns get` and `clusterdns describe`.

#include <string>
#include <vector>

#include "registry/objects.h"

namespace clusterdns::cli {

using TableRow = std::vector<std::string>;

// Go text/tabwriter as kubectl configures it: each cell but the last of a line is
// padded to its column's width (widest cell + padding, at least min_width); a line
// with a single cell ends the current block of aligned lines.
std::string align_columns(const std::vector<TableRow>& lines, size_t min_width, size_t padding);

// `kubectl get` columns (wide adds the -o wide ones). The caller prepends NAMESPACE.
TableRow service_header(bool wide);
TableRow service_row(const registry::Service& service, bool wide);
TableRow pod_header(bool wide);
TableRow pod_row(const registry::Pod& pod, bool wide);
TableRow endpoints_header();
TableRow endpoints_row(const registry::Endpoints& endpoints);

// "10.244.1.194:53,10.244.1.195:53,10.244.2.205:53 + 6 more..." (printers formatEndpoints).
std::string format_endpoints(const registry::Endpoints& endpoints);

// `kubectl describe endpoints` text. `service` supplies the labels the controller
// copies onto the Endpoints (nullptr: none).
std::string describe_endpoints(const registry::Endpoints& endpoints,
                               const registry::Service* service);

}  // namespace clusterdns::cli
