#include "registry/file_numbering.h"

namespace clusterdns::registry {

namespace {

template <class T>
void number_all(SharedList<T>& items, uint32_t index) {
  items.mutate_where([index](const T& item) { return !has_file(item, index); },
                     [index](T& item) { set_file(item, index); });
}

}  // namespace

void number_objects(FileObjects& file, uint32_t index) {
  number_all(file.namespaces, index);
  number_all(file.services, index);
  number_all(file.pods, index);
  number_all(file.endpoint_objects, index);
  number_all(file.endpoint_slices, index);
  number_all(file.workloads, index);
}

}  // namespace clusterdns::registry
