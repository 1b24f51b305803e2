#include "registry/diagnostic.h"

#include <algorithm>

namespace clusterdns::registry {

namespace {

const char* severity_name(Diagnostic::Severity severity) {
  switch (severity) {
    case Diagnostic::Severity::kError:
      return "error";
    case Diagnostic::Severity::kWarning:
      return "warning";
    case Diagnostic::Severity::kNote:
      return "note";
  }
  return "error";
}

}  // namespace

std::string Diagnostic::format() const {
  std::string text = file;
  if (line != 0) {
    text += ':';
    text += std::to_string(line);
    text += ':';
    text += std::to_string(column);
  }
  text += ": ";
  text += severity_name(severity);
  text += ": ";
  text += message;
  return text;
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& diagnostic) {
    return diagnostic.severity == Diagnostic::Severity::kError;
  });
}

}  // namespace clusterdns::registry
