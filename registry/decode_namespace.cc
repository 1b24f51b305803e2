#include "registry/decode.h"
#include "registry/names.h"

namespace clusterdns::registry {

void decode_namespace(const YamlNode& object, FieldReader& reader, FileObjects& out) {
  auto meta = decode_metadata(object, reader);
  if (!meta) return;
  if (!is_dns1123_label(meta->name)) {
    reader.error(meta->name_node, "Namespace name \"" + meta->name +
                                      "\" must be an RFC 1123 label (lower-case letters, digits "
                                      "and '-', at most 63)");
    return;
  }
  out.namespaces.push_back(Namespace{meta->name, meta->where});
}

}  // namespace clusterdns::registry
