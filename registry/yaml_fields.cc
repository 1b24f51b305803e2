#include "registry/yaml_fields.h"

#include <charconv>

namespace clusterdns::registry {

namespace {

// yaml-cpp tags quoted scalars "!" and plain ones "?": a quoted "80" is a JSON string,
// which the API server refuses where an integer belongs.
bool is_quoted(const YamlNode& node) {
  return node.IsQuoted();
}

std::optional<int64_t> parse_integer(const std::string& text) {
  int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  auto [stop, error] = std::from_chars(begin, end, value);
  if (error != std::errc() || stop != end || begin == end) return std::nullopt;
  return value;
}

}  // namespace

SourceRef FieldReader::where(const YamlNode& node) const {
  if (!node.IsDefined()) return {};
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {};
  return SourceRef{0, static_cast<uint32_t>(mark.line) + 1 + line_offset_,
                   static_cast<uint32_t>(mark.column) + 1};
}

void FieldReader::report(Diagnostic::Severity severity, const YamlNode& node, std::string message) {
  report_at(severity, where(node), std::move(message));
}

void FieldReader::report_at(Diagnostic::Severity severity, SourceRef where, std::string message) {
  if (severity == Diagnostic::Severity::kError) ++errors_;
  out_.push_back(Diagnostic{severity, file_, where.line, where.column, std::move(message)});
}

YamlNode FieldReader::child(const YamlNode& map, std::string_view key) {
  if (!map.IsDefined() || !map.IsMap()) return YamlNode();
  // The first pair whose key is this string; non-scalar keys never match.
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) {
      return entry.second.IsNull() ? YamlNode() : entry.second;
    }
  }
  return YamlNode();
}

bool FieldReader::expect_map(const YamlNode& node, std::string_view path) {
  if (node.IsMap()) return true;
  error(node, std::string(path) + " must be a map, not " + describe_value(node));
  return false;
}

bool FieldReader::expect_sequence(const YamlNode& node, std::string_view path) {
  if (node.IsSequence()) return true;
  error(node, std::string(path) + " must be a list, not " + describe_value(node));
  return false;
}

std::optional<std::string> FieldReader::string(const YamlNode& map, std::string_view key,
                                               std::string_view path) {
  const YamlNode node = child(map, key);
  if (!present(node)) return std::nullopt;
  if (!node.IsScalar()) {
    error(node, field_path(path, key) + " must be a string, not " + describe_value(node));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<int64_t> FieldReader::integer(const YamlNode& map, std::string_view key,
                                            std::string_view path, int64_t min, int64_t max) {
  const YamlNode node = child(map, key);
  if (!present(node)) return std::nullopt;
  std::optional<int64_t> value;
  if (node.IsScalar() && !is_quoted(node)) value = parse_integer(node.Scalar());
  if (!value || *value < min || *value > max) {
    error(node, field_path(path, key) + " must be an integer between " + std::to_string(min) +
                    " and " + std::to_string(max) + ", not " + describe_value(node));
    return std::nullopt;
  }
  return value;
}

std::optional<uint16_t> FieldReader::port(const YamlNode& map, std::string_view key,
                                          std::string_view path) {
  auto value = integer(map, key, path, 1, 65535);
  if (!value) return std::nullopt;
  return static_cast<uint16_t>(*value);
}

std::optional<bool> FieldReader::boolean(const YamlNode& map, std::string_view key,
                                         std::string_view path) {
  const YamlNode node = child(map, key);
  if (!present(node)) return std::nullopt;
  if (node.IsScalar() && !is_quoted(node)) {
    const std::string& text = node.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  error(node, field_path(path, key) + " must be true or false, not " + describe_value(node));
  return std::nullopt;
}

std::optional<Labels> FieldReader::string_map(const YamlNode& map, std::string_view key,
                                              std::string_view path) {
  const YamlNode node = child(map, key);
  if (!present(node)) return std::nullopt;
  const std::string here = field_path(path, key);
  if (!expect_map(node, here)) return std::nullopt;
  Labels labels;
  bool ok = true;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) {
      error(entry.first, here + " keys must be strings");
      ok = false;
      continue;
    }
    const std::string& name = entry.first.Scalar();
    if (entry.second.IsNull()) {
      labels.set(name, "");
    } else if (entry.second.IsScalar()) {
      labels.set(name, entry.second.Scalar());
    } else {
      error(entry.second,
            field_path(here, name) + " must be a string, not " + describe_value(entry.second));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return labels;
}

Protocol FieldReader::protocol(const YamlNode& map, std::string_view key, std::string_view path) {
  auto text = string(map, key, path);
  if (!text || *text == "TCP") return Protocol::kTcp;
  if (*text == "UDP") return Protocol::kUdp;
  if (*text == "SCTP") return Protocol::kSctp;
  error(child(map, key),
        field_path(path, key) + " must be TCP, UDP or SCTP, not \"" + *text + "\"");
  return Protocol::kTcp;
}

std::string field_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path(parent);
  path += '.';
  path += key;
  return path;
}

std::string index_path(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string describe_value(const YamlNode& node) {
  if (!node.IsDefined() || node.IsNull()) return "null";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  // One line per diagnostic: control characters are shown escaped.
  std::string text;
  for (const char c : node.Scalar()) {
    if (text.size() >= 40) {
      text += "...";
      break;
    }
    if (c == '\n') {
      text += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      text += '?';
    } else {
      text += c;
    }
  }
  return "\"" + text + "\"";
}

}  // namespace clusterdns::registry
