// One manifest file → FileObjects. Multi-document YAML is parsed one document at a
// time, so a syntax error in one document does not hide the documents around it.
#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "registry/decode.h"
#include "registry/loader.h"

namespace clusterdns::registry {

namespace {

namespace fs = std::filesystem;

// Bounds the directory walk: symlinked directories may form cycles.
constexpr int kMaxDirectoryDepth = 32;

struct DocumentText {
  std::string_view text;
  uint32_t line_offset = 0;  // lines before `text` in the file
};

// A line "---" (optionally followed by a space or content) at column 0 starts a document.
bool is_document_start(std::string_view line) {
  return line.substr(0, 3) == "---" &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

std::vector<DocumentText> split_documents(std::string_view text) {
  std::vector<DocumentText> documents;
  size_t start = 0;
  uint32_t start_line = 0;
  uint32_t line_number = 0;
  for (size_t position = 0; position < text.size(); ++line_number) {
    size_t end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    if (position != start && is_document_start(text.substr(position, end - position))) {
      documents.push_back({text.substr(start, position - start), start_line});
      start = position;
      start_line = line_number;
    }
    position = end + 1;
  }
  if (start < text.size()) documents.push_back({text.substr(start), start_line});
  return documents;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_manifest_name(const std::string& name) {
  return ends_with(name, ".yaml") || ends_with(name, ".yml") || ends_with(name, ".json");
}

void decode_object(const YAML::Node& object, FieldReader& reader, FileObjects& out, bool in_list);

void decode_list(const YAML::Node& object, FieldReader& reader, FileObjects& out) {
  const YAML::Node items = FieldReader::child(object, "items");
  if (!FieldReader::present(items) || !reader.expect_sequence(items, "items")) return;
  for (const auto& item : items) decode_object(item, reader, out, true);
}

void decode_object(const YAML::Node& object, FieldReader& reader, FileObjects& out, bool in_list) {
  if (!object.IsDefined() || object.IsNull()) return;  // empty document
  if (!object.IsMap()) {
    reader.error(object, "a manifest must be a map with apiVersion, kind and metadata, not " +
                             describe_value(object));
    return;
  }
  const size_t errors_before = reader.errors();
  const auto kind = reader.string(object, "kind", "");
  if (!kind) {
    if (reader.errors() == errors_before) reader.error(object, "kind is required");
    return;
  }
  if (!reader.string(object, "apiVersion", "") && reader.errors() == errors_before) {
    reader.error(object, "apiVersion is required");
    return;
  }
  if (*kind == "Namespace") return decode_namespace(object, reader, out);
  if (*kind == "Service") return decode_service(object, reader, out);
  if (*kind == "Pod") return decode_pod(object, reader, out);
  if (*kind == "Endpoints") return decode_endpoints(object, reader, out);
  if (*kind == "EndpointSlice") return decode_endpoint_slice(object, reader, out);
  if (*kind == "Deployment") return decode_workload(object, WorkloadKind::kDeployment, reader, out);
  if (*kind == "ReplicaSet") return decode_workload(object, WorkloadKind::kReplicaSet, reader, out);
  if (*kind == "StatefulSet") {
    return decode_workload(object, WorkloadKind::kStatefulSet, reader, out);
  }
  if (*kind == "DaemonSet") return decode_workload(object, WorkloadKind::kDaemonSet, reader, out);
  // kubectl prints "List"; typed lists (PodList, ...) come from the API directly.
  if (!in_list && ends_with(*kind, "List")) return decode_list(object, reader, out);
  reader.note(object, "kind " + *kind + " is not used by clusterdns; ignored");
}

void parse_document_text(std::string_view text, uint32_t line_offset, FieldReader& reader,
                         FileObjects& out, std::vector<Diagnostic>& diagnostics) {
  std::vector<YAML::Node> documents;
  try {
    std::istringstream stream{std::string(text)};
    documents = YAML::LoadAll(stream);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's depth guard reports "bad file"; say what is wrong.
    diagnostics.push_back(Diagnostic{Diagnostic::Severity::kError, out.path,
                                     static_cast<uint32_t>(e.mark.line + 1) + line_offset,
                                     static_cast<uint32_t>(e.mark.column + 1),
                                     "invalid YAML: nested too deeply"});
    return;
  } catch (const YAML::Exception& e) {
    diagnostics.push_back(Diagnostic{Diagnostic::Severity::kError, out.path,
                                     static_cast<uint32_t>(e.mark.line + 1) + line_offset,
                                     static_cast<uint32_t>(e.mark.column + 1),
                                     "invalid YAML: " + e.msg});
    return;
  }
  for (const auto& document : documents) {
    try {
      decode_object(document, reader, out, false);
    } catch (const YAML::Exception& e) {  // defensive: decoders avoid throwing conversions
      reader.report_at(Diagnostic::Severity::kError,
                       {0, static_cast<uint32_t>(e.mark.line + 1) + line_offset,
                        static_cast<uint32_t>(e.mark.column + 1)},
                       "cannot decode: " + e.msg);
    }
  }
}

void list_directory(const fs::path& dir, int depth, std::set<fs::path>& visited,
                    std::vector<fs::path>& files) {
  std::error_code error;
  const fs::path canonical = fs::canonical(dir, error);
  if (error || depth > kMaxDirectoryDepth || !visited.insert(canonical).second) return;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    // ConfigMap volumes keep their data in "..data" and "..2024_..." directories and
    // point top-level symlinks at them; the symlinks are the files to read.
    if (name.empty() || name.front() == '.') continue;
    std::error_code status_error;
    const fs::file_status status = fs::status(path, status_error);  // follows symlinks
    if (status_error) continue;                                     // dangling symlink
    if (fs::is_directory(status)) {
      list_directory(path, depth + 1, visited, files);
    } else if (fs::is_regular_file(status) && is_manifest_name(name)) {
      files.push_back(path);
    }
  }
}

}  // namespace

std::vector<fs::path> list_manifest_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::set<fs::path> visited;
  list_directory(dir, 0, visited, files);
  std::sort(files.begin(), files.end());
  return files;
}

FileObjects parse_manifest_text(std::string path, std::string_view text) {
  FileObjects out;
  out.path = std::move(path);
  FieldReader reader(out.path, 0, out.diagnostics);
  // JSON has no "---" documents; a JSON file is one document (or a List).
  if (ends_with(out.path, ".json")) {
    parse_document_text(text, 0, reader, out, out.diagnostics);
    return out;
  }
  for (const auto& document : split_documents(text)) {
    FieldReader document_reader(out.path, document.line_offset, out.diagnostics);
    parse_document_text(document.text, document.line_offset, document_reader, out, out.diagnostics);
  }
  return out;
}

FileObjects parse_manifest_file(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    FileObjects out;
    out.path = file.string();
    out.diagnostics.push_back(
        Diagnostic{Diagnostic::Severity::kError, out.path, 0, 0, "cannot read file"});
    return out;
  }
  std::ostringstream contents;
  contents << stream.rdbuf();
  return parse_manifest_text(file.string(), contents.str());
}

}  // namespace clusterdns::registry
