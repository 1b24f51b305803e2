#pragma once
// A 64-bit fingerprint of what one group of records is derived from (a Service with
// its Endpoints, a Pod), so a reload can tell which groups to derive and encode again
// (cluster_snapshot.h). It covers exactly the fields the record builders read
// (record_builders.h): a builder that starts reading another field must add it here.
// The object's identity (namespace and name) is left to the caller, which hashes it
// anyway to pick the group's bucket.

#include <cstdint>
#include <string_view>

#include "registry/objects.h"

namespace clusterdns::zones {

uint64_t fingerprint(const registry::Service& service, const registry::Endpoints* endpoints);
uint64_t fingerprint(const registry::Pod& pod);
uint64_t fingerprint(std::string_view text);

}  // namespace clusterdns::zones
