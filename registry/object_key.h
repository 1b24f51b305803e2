#pragma once
// The (namespace, name) identity of a registry object, as the duplicate rule and the
// state's sort order see it (a Namespace has no namespace: ""). Views into the object.
// assemble.cc and state_patch.cc must agree on it: the patch equals the full assemble.

#include <string_view>
#include <utility>

#include "registry/objects.h"

namespace clusterdns::registry {

template <class T>
std::string_view namespace_of(const T& item) {
  return item.namespace_name;
}
inline std::string_view namespace_of(const Namespace&) {
  return "";
}

using ObjectKey = std::pair<std::string_view, std::string_view>;

template <class T>
ObjectKey key_of(const T& item) {
  return {namespace_of(item), item.name};
}

}  // namespace clusterdns::registry
