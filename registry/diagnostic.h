#pragma once
// Problems found in manifests, printed as `FILE:LINE:COL: error: message`.

#include <cstdint>
#include <string>
#include <vector>

namespace clusterdns::registry {

struct Diagnostic {
  enum class Severity : uint8_t { kError, kWarning, kNote };
  Severity severity = Severity::kError;
  std::string file;     // path as the user gave it (DIR/relative/path.yaml)
  uint32_t line = 0;    // 1-based; 0 when the problem is the whole file
  uint32_t column = 0;  // 1-based
  std::string message;

  // "FILE:LINE:COL: error: message" (or "FILE: error: ..." without a position).
  std::string format() const;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

bool has_errors(const std::vector<Diagnostic>& diagnostics);

}  // namespace clusterdns::registry
