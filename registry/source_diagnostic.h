#pragma once
// Diagnostics about assembled objects, whose SourceRef::file indexes ClusterState::files.

#include <string>
#include <vector>

#include "registry/diagnostic.h"
#include "registry/objects.h"

namespace clusterdns::registry {

inline Diagnostic diagnostic_at(const std::vector<std::string>& files, SourceRef where,
                                Diagnostic::Severity severity, std::string message) {
  return Diagnostic{severity, where.file < files.size() ? files[where.file] : std::string(),
                    where.line, where.column, std::move(message)};
}

// "FILE:LINE:COL", for messages that point at a second place.
inline std::string source_text(const std::vector<std::string>& files, SourceRef where) {
  std::string text = where.file < files.size() ? files[where.file] : std::string("<built-in>");
  if (where.line != 0) {
    // Appended piece by piece: `":" + std::to_string()` trips a g++ 12 -Wrestrict false positive.
    text += ':';
    text += std::to_string(where.line);
    text += ':';
    text += std::to_string(where.column);
  }
  return text;
}

}  // namespace clusterdns::registry
