#include "tools/cli/get_tables.h"

#include <algorithm>
#include <span>

namespace clusterdns::cli {

namespace {

constexpr const char* kNone = "<none>";
// Manifests carry no creation time the way an API server would set it.
constexpr const char* kUnknownAge = "<unknown>";

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty()) text += separator;
    text += item;
  }
  return text;
}

std::string labels_text(const registry::Labels& labels) {
  std::vector<std::string> pairs;
  for (const auto& [key, value] : labels) pairs.push_back(std::string(key) + "=" + std::string(value));
  return pairs.empty() ? kNone : join(pairs, ",");
}

std::string ports_text(const registry::Service& service) {
  std::vector<std::string> ports;
  for (const auto& port : service.ports) {
    std::string text = std::to_string(port.port);
    if (port.node_port != 0) {
      text += ':';
      text += std::to_string(port.node_port);
    }
    text += "/";
    text += registry::protocol_name(port.protocol);
    ports.push_back(text);
  }
  return ports.empty() ? kNone : join(ports, ",");
}

std::string cluster_ip_text(const registry::Service& service) {
  if (service.headless) return "None";
  if (service.cluster_ips.empty()) return kNone;
  return service.cluster_ips.front().to_string();
}

std::string external_ip_text(const registry::Service& service) {
  if (service.type == registry::ServiceType::kExternalName) return service.external->name.str();
  if (!service.external->ips.empty()) {
    return join({service.external->ips.begin(), service.external->ips.end()}, ",");
  }
  return service.type == registry::ServiceType::kLoadBalancer ? "<pending>" : kNone;
}

std::string pod_status(const registry::Pod& pod) {
  if (pod.terminating) return "Terminating";
  switch (pod.phase) {
    case registry::PodPhase::kPending:
      return "Pending";
    case registry::PodPhase::kRunning:
      return "Running";
    case registry::PodPhase::kSucceeded:
      return "Completed";
    case registry::PodPhase::kFailed:
      return "Error";
    case registry::PodPhase::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

std::vector<std::string> address_ips(std::span<const registry::EndpointAddress> addresses) {
  std::vector<std::string> ips;
  for (const auto& address : addresses) ips.push_back(address.ip.to_string());
  return ips;
}

// net.JoinHostPort: brackets around IPv6 addresses.
std::string host_port(const registry::IpAddress& ip, uint16_t port) {
  std::string text;
  if (ip.v6) text += '[';
  text += ip.to_string();
  if (ip.v6) text += ']';
  text += ':';
  text += std::to_string(port);
  return text;
}

}  // namespace

std::string align_columns(const std::vector<TableRow>& lines, size_t min_width, size_t padding) {
  std::string out;
  for (size_t begin = 0; begin < lines.size();) {
    size_t end = begin;
    std::vector<size_t> widths;
    while (end < lines.size() && lines[end].size() > 1) {
      for (size_t column = 0; column + 1 < lines[end].size(); ++column) {
        if (widths.size() <= column) widths.resize(column + 1, 0);
        widths[column] = std::max(widths[column], lines[end][column].size());
      }
      ++end;
    }
    if (end == begin) {  // a line without columns
      if (!lines[begin].empty()) out += lines[begin].front();
      out += '\n';
      ++begin;
      continue;
    }
    for (size_t line = begin; line < end; ++line) {
      for (size_t column = 0; column < lines[line].size(); ++column) {
        const std::string& cell = lines[line][column];
        out += cell;
        if (column + 1 == lines[line].size()) break;
        const size_t width = std::max(min_width, widths[column] + padding);
        out.append(width - cell.size(), ' ');
      }
      out += '\n';
    }
    begin = end;
  }
  return out;
}

TableRow service_header(bool wide) {
  TableRow row = {"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"};
  if (wide) row.push_back("SELECTOR");
  return row;
}

TableRow service_row(const registry::Service& service, bool wide) {
  TableRow row = {service.name.str(),
                  registry::service_type_name(service.type),
                  cluster_ip_text(service),
                  external_ip_text(service),
                  ports_text(service),
                  kUnknownAge};
  if (wide) row.push_back(service.selector ? labels_text(*service.selector) : kNone);
  return row;
}

TableRow pod_header(bool wide) {
  TableRow row = {"NAME", "READY", "STATUS", "RESTARTS", "AGE"};
  if (wide) row.insert(row.end(), {"IP", "NODE", "NOMINATED NODE", "READINESS GATES"});
  return row;
}

TableRow pod_row(const registry::Pod& pod, bool wide) {
  TableRow row = {
      pod.name.str(),
      std::to_string(pod.details->ready_containers) + "/" + std::to_string(pod.details->containers),
      pod_status(pod), std::to_string(pod.details->restarts), kUnknownAge};
  if (wide) {
    row.push_back(pod.ips.empty() ? kNone : pod.ips.front().to_string());
    row.push_back(pod.node_name.empty() ? kNone : pod.node_name.str());
    row.push_back(kNone);
    row.push_back(kNone);
  }
  return row;
}

TableRow endpoints_header() {
  return {"NAME", "ENDPOINTS", "AGE"};
}

TableRow endpoints_row(const registry::Endpoints& endpoints) {
  return {endpoints.name.str(), format_endpoints(endpoints), kUnknownAge};
}

std::string format_endpoints(const registry::Endpoints& endpoints) {
  if (endpoints.subsets.empty()) return kNone;
  constexpr size_t kMax = 3;
  std::vector<std::string> list;
  size_t count = 0;
  bool more = false;
  for (const auto& subset : endpoints.subsets) {
    if (subset.ports.empty()) {  // headless Services may have no ports
      count += subset.addresses.size();
      for (const auto& address : subset.addresses) {
        if (list.size() == kMax) {
          more = true;
          break;
        }
        list.push_back(address.ip.to_string());
      }
      continue;
    }
    for (const auto& port : subset.ports) {
      count += subset.addresses.size();
      for (const auto& address : subset.addresses) {
        if (list.size() == kMax) {
          more = true;
          break;
        }
        list.push_back(host_port(address.ip, port.port));
      }
    }
  }
  std::string text = join(list, ",");
  if (more) text += " + " + std::to_string(count - kMax) + " more...";
  return text;
}

std::string describe_endpoints(const registry::Endpoints& endpoints,
                               const registry::Service* service) {
  std::vector<TableRow> lines;
  lines.push_back({"Name:", endpoints.name.str()});
  lines.push_back({"Namespace:", endpoints.namespace_name.str()});
  registry::Labels labels;
  if (service != nullptr) {
    labels = service->labels;
    if (service->headless) labels.set("service.kubernetes.io/headless", "");
  }
  if (labels.empty()) lines.push_back({"Labels:", kNone});
  for (auto it = labels.begin(); it != labels.end(); ++it) {
    lines.push_back({it == labels.begin() ? "Labels:" : "",
                     std::string(it->first) + "=" + std::string(it->second)});
  }
  lines.push_back({"Annotations:", kNone});
  lines.push_back({"Subsets:"});
  for (const auto& subset : endpoints.subsets) {
    const std::string ready = join(address_ips(subset.addresses), ",");
    const std::string not_ready = join(address_ips(subset.not_ready_addresses), ",");
    lines.push_back({"  Addresses:", ready.empty() ? kNone : ready});
    lines.push_back({"  NotReadyAddresses:", not_ready.empty() ? kNone : not_ready});
    if (!subset.ports.empty()) {
      lines.push_back({"  Ports:"});
      lines.push_back({"    Name", "Port", "Protocol"});
      lines.push_back({"    ----", "----", "--------"});
      for (const auto& port : subset.ports) {
        lines.push_back({"    " + (port.name.empty() ? std::string("<unset>") : port.name),
                         std::to_string(port.port), registry::protocol_name(port.protocol)});
      }
    }
    lines.push_back({""});
  }
  lines.push_back({"Events:", kNone});
  return align_columns(lines, 0, 2);
}

}  // namespace clusterdns::cli
