#pragma once
// Which file an object came from: SourceRef::file, an index into ClusterState::files
// (the manifest files sorted by path). The assembled state shares the parsed objects
// (shared_list.h), so objects are numbered where they are kept, before assembling, and
// the assemble copies only objects whose number is wrong.

#include <cstdint>

#include "registry/loader.h"
#include "registry/objects.h"

namespace clusterdns::registry {

// Whether every position the object carries names file `file`.
template <class T>
bool has_file(const T& item, uint32_t file) {
  return item.where.file == file;
}

template <class T>
void set_file(T& item, uint32_t file) {
  item.where.file = file;
}

// Numbers every object of `file` as file `index`; copies only objects shared elsewhere
// whose number changes.
void number_objects(FileObjects& file, uint32_t index);

}  // namespace clusterdns::registry
