#pragma once
// The fast path of a reload (issue 6): a change of files that hold only Pods, Endpoints,
// EndpointSlices and Namespaces (a pod renamed into the directory, a pod's IP changed)
// is applied to the assembled state in place, instead of assembling 50k objects again.
// Only the rules those kinds take part in are applied: file order, duplicates (which
// send the change to the full assemble), endpoints of the namespaces they live in.
// Services, workloads, --simulate-pods and states holding cross-file errors always take
// the full assemble, whose result this one equals.

#include <span>
#include <string>
#include <vector>

#include "registry/loader.h"

namespace clusterdns::registry {

enum class PatchOutcome : uint8_t {
  kPatched,     // `result` is now what assemble_cluster(files) gives
  kNotPatched,  // the change needs the full assemble; `result` untouched
};

// `result`: assemble_cluster's result for the files before the change, holding no
// cross-file error (duplicate, ClusterIP clash) and assembled without simulated pods.
// `files`: every file's objects now, sorted by path. `touched`: the paths added,
// changed or removed since `result` was assembled.
// Throws only when out of memory, possibly with `result` half patched.
PatchOutcome patch_state(LoadResult& result, std::span<const FileObjects* const> files,
                         const std::vector<std::string>& touched);

}  // namespace clusterdns::registry
