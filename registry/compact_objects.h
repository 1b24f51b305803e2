#pragma once
// A freshly parsed file's objects, made to take less memory while they are kept (issue 8):
// names and label sets packed into the file's string blocks (string_arena.h), equal ones
// once; equal port lists and pod details shared; Pods and Services side by side in the
// file's batches (object_arena.h); lists without spare capacity.
//
// This happens one document at a time, right after the document is parsed: the old
// copies' heap space is then reused by the next document instead of leaving holes
// between the objects that stay.

#include <cstddef>

#include "registry/loader.h"
#include "registry/object_arena.h"
#include "registry/shared_array.h"
#include "registry/string_arena.h"

namespace clusterdns::registry {

class ObjectCompactor {
 public:
  // The objects appended to `file` since the last call. Objects reused from an earlier
  // parse (held elsewhere too) are left as they are; new ones share with them.
  void compact_new(FileObjects& file);
  // Once the whole file is parsed.
  static void finish(FileObjects& file);

 private:
  StringArena strings_;
  ObjectArena<Service> services_;
  ObjectArena<Pod> pods_;
  SharingPool<SharedArray<ServicePort>> service_ports_;
  SharingPool<SharedArray<ContainerPort>> container_ports_;
  SharingPool<SharedValue<PodDetails>> pod_details_;
  // Where the objects not compacted yet begin.
  size_t services_done_ = 0;
  size_t pods_done_ = 0;
  size_t endpoint_objects_done_ = 0;
  size_t workloads_done_ = 0;
};

// All of a file's objects at once (what parse_manifest_text does document by document).
void compact_objects(FileObjects& file);

}  // namespace clusterdns::registry
