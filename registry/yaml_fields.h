#pragma once
// Typed access to the fields of one decoded YAML document. Every mismatch (a string
// where an integer belongs, a list where a map belongs, a missing required field)
// becomes a Diagnostic at the offending node's 1-based line:column, so the per-kind
// decoders stay short and never throw.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/diagnostic.h"
#include "registry/objects.h"
#include "registry/yaml_tree.h"

namespace clusterdns::registry {

class FieldReader {
 public:
  // line_offset: lines before the text yaml-cpp saw (a multi-document file is parsed one
  // document at a time).
  FieldReader(const std::string& file, uint32_t line_offset, std::vector<Diagnostic>& out)
      : file_(file), line_offset_(line_offset), out_(out) {}

  SourceRef where(const YamlNode& node) const;
  void error(const YamlNode& node, std::string message) {
    report(Diagnostic::Severity::kError, node, std::move(message));
  }
  void warning(const YamlNode& node, std::string message) {
    report(Diagnostic::Severity::kWarning, node, std::move(message));
  }
  void note(const YamlNode& node, std::string message) {
    report(Diagnostic::Severity::kNote, node, std::move(message));
  }
  void report(Diagnostic::Severity severity, const YamlNode& node, std::string message);
  void report_at(Diagnostic::Severity severity, SourceRef where, std::string message);
  // Errors reported so far; a decoder compares before/after to drop a bad object.
  size_t errors() const { return errors_; }

  // map[key] when present and not null; an undefined node otherwise.
  static YamlNode child(const YamlNode& map, std::string_view key);
  static bool present(const YamlNode& node) { return node.IsDefined() && !node.IsNull(); }

  // Type checks on present nodes: false (with an error naming `path`) on mismatch.
  bool expect_map(const YamlNode& node, std::string_view path);
  bool expect_sequence(const YamlNode& node, std::string_view path);

  // Field readers: nullopt when absent/null, or (with an error) when of the wrong type.
  std::optional<std::string> string(const YamlNode& map, std::string_view key,
                                    std::string_view path);
  std::optional<int64_t> integer(const YamlNode& map, std::string_view key, std::string_view path,
                                 int64_t min, int64_t max);
  // A port number 1-65535 ("<path> must be an integer between 1 and 65535").
  std::optional<uint16_t> port(const YamlNode& map, std::string_view key, std::string_view path);
  std::optional<bool> boolean(const YamlNode& map, std::string_view key, std::string_view path);
  // A map of strings to strings (labels, selectors).
  std::optional<Labels> string_map(const YamlNode& map, std::string_view key,
                                   std::string_view path);
  // TCP (default), UDP or SCTP.
  Protocol protocol(const YamlNode& map, std::string_view key, std::string_view path);

  const std::string& file() const { return file_; }

 private:
  const std::string& file_;
  uint32_t line_offset_;
  std::vector<Diagnostic>& out_;
  size_t errors_ = 0;
};

// "spec.ports" + 2 → "spec.ports[2]"; "spec" + "ports" → "spec.ports".
std::string field_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, size_t index);

// Quotes a scalar for messages ("eighty"), or names the node type for non-scalars.
std::string describe_value(const YamlNode& node);

}  // namespace clusterdns::registry
