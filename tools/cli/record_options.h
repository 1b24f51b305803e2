#pragma once
// The record flags (--domain, --ttl, --pods, plus the DNS address from the cluster
// options) → zones::RecordOptions, shared by `records` and `serve`.

#include <string>
#include <string_view>

#include "dns/result.h"
#include "registry/options.h"
#include "tools/cli/arguments.h"
#include "zones/options.h"

namespace clusterdns::cli {

// Errors name the flag and the bad value, one line, for a usage error (exit 2).
// The SOA serial is left at its default (1); `serve` sets its own.
Result<zones::RecordOptions> record_options(const Arguments& arguments,
                                            const registry::ClusterOptions& cluster);

// --domain: a DNS name of letters, digits and hyphens (RFC 1123 §2.1 host names),
// lower-cased, a trailing dot dropped: "Cluster.Local." → "cluster.local".
Result<std::string> parse_domain(std::string_view text);

}  // namespace clusterdns::cli
