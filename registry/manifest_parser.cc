// One manifest file → FileObjects. Multi-document YAML is parsed one document at a
// time, so a syntax error in one document does not hide the documents around it.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/exceptions.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <istream>
#include <set>
#include <sstream>
#include <streambuf>
#include <unordered_map>

#include "registry/compact_objects.h"
#include "registry/decode.h"
#include "registry/loader.h"
#include "registry/stable_hash.h"

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

// Reads a string_view in place: the text need not be copied into a stringstream.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // only ever read
    setg(begin, begin, begin + text.size());
  }
};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

void decode_object(const YamlNode& object, FieldReader& reader, FileObjects& out, bool in_list);

void decode_list(const YamlNode& object, FieldReader& reader, FileObjects& out) {
  const YamlNode items = FieldReader::child(object, "items");
  if (!FieldReader::present(items) || !reader.expect_sequence(items, "items")) return;
  for (const auto& item : items) decode_object(item, reader, out, true);
}

void decode_object(const YamlNode& object, FieldReader& reader, FileObjects& out, bool in_list) {
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
                         FileObjects& out, std::vector<Diagnostic>& diagnostics, YamlTree& tree) {
  // Every document of the text is parsed before any is decoded, as YAML::LoadAll did: a
  // syntax error drops the whole text.
  try {
    ViewBuffer buffer(text);
    std::istream stream(&buffer);
    tree.load_all(stream);
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
  for (const auto& document : tree.roots()) {
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
    } else if (fs::is_regular_file(status) && is_manifest_file_name(name)) {
      files.push_back(path);
    }
  }
}

using Counts = std::array<uint32_t, 7>;

Counts counts_of(const FileObjects& file) {
  return {static_cast<uint32_t>(file.namespaces.size()),
          static_cast<uint32_t>(file.services.size()),
          static_cast<uint32_t>(file.pods.size()),
          static_cast<uint32_t>(file.endpoint_objects.size()),
          static_cast<uint32_t>(file.endpoint_slices.size()),
          static_cast<uint32_t>(file.workloads.size()),
          static_cast<uint32_t>(file.diagnostics.size())};
}

void shift(SourceRef& where, int64_t lines) {
  if (where.line != 0) where.line = static_cast<uint32_t>(where.line + lines);
}
template <class T>
void shift(T& item, int64_t lines) {
  shift(item.where, lines);
}
void shift(Service& service, int64_t lines) {
  shift(service.where, lines);
  if (service.cluster_ip_at.line != 0) {
    service.cluster_ip_at.line = static_cast<uint32_t>(service.cluster_ip_at.line + lines);
  }
}
void shift(Diagnostic& diagnostic, int64_t lines) {
  if (diagnostic.line != 0) diagnostic.line = static_cast<uint32_t>(diagnostic.line + lines);
}

// Appends items [from, from + count) of `source` to `into`, moved by `lines` lines.
template <class T>
void append_shifted(const std::vector<T>& source, size_t from, uint32_t count, int64_t lines,
                    std::vector<T>& into) {
  for (size_t i = from; i < from + count; ++i) shift(into.emplace_back(source[i]), lines);
}
// The same for objects: shared with the previous parse when the document did not move.
template <class T>
void append_shifted(const SharedList<T>& source, size_t from, uint32_t count, int64_t lines,
                    SharedList<T>& into) {
  const auto first = source.begin() + static_cast<std::ptrdiff_t>(from);
  if (lines == 0) {
    into.append(first, first + count);
    return;
  }
  for (size_t i = from; i < from + count; ++i) {
    T moved = source[i];
    shift(moved, lines);
    into.push_back(std::move(moved));
  }
}

// The documents of an earlier parse of the same file, by text hash.
class PreviousDocuments {
 public:
  explicit PreviousDocuments(const FileObjects* previous) : previous_(previous) {
    if (previous == nullptr) return;
    Counts start{};
    for (const auto& document : previous->documents) {
      offsets_.emplace(document.hash, Place{&document, start});
      start[0] += document.namespaces;
      start[1] += document.services;
      start[2] += document.pods;
      start[3] += document.endpoint_objects;
      start[4] += document.endpoint_slices;
      start[5] += document.workloads;
      start[6] += document.diagnostics;
    }
    // A FileObjects not made by parse_manifest_text (or changed since) is not reused.
    if (start != counts_of(*previous)) offsets_.clear();
  }

  // Appends what the document with this text (hash and size) produced before; false when there is
  // no such document. A document that moved is reused only without diagnostics: those
  // may quote positions in their text.
  bool copy(const ParsedDocument& now, FileObjects& out) const {
    const auto it = offsets_.find(now.hash);
    if (it == offsets_.end() || it->second.document->size != now.size) return false;
    const ParsedDocument& document = *it->second.document;
    const Counts& start = it->second.start;
    const int64_t lines = int64_t{now.first_line} - int64_t{document.first_line};
    if (lines != 0 && document.diagnostics != 0) return false;
    const FileObjects& from = *previous_;
    append_shifted(from.namespaces, start[0], document.namespaces, lines, out.namespaces);
    append_shifted(from.services, start[1], document.services, lines, out.services);
    append_shifted(from.pods, start[2], document.pods, lines, out.pods);
    append_shifted(from.endpoint_objects, start[3], document.endpoint_objects, lines,
                   out.endpoint_objects);
    append_shifted(from.endpoint_slices, start[4], document.endpoint_slices, lines,
                   out.endpoint_slices);
    append_shifted(from.workloads, start[5], document.workloads, lines, out.workloads);
    append_shifted(from.diagnostics, start[6], document.diagnostics, lines, out.diagnostics);
    return true;
  }

 private:
  struct Place {
    const ParsedDocument* document;
    Counts start;
  };
  const FileObjects* previous_;
  std::unordered_map<uint64_t, Place> offsets_;  // the first document with each hash
};

}  // namespace

bool is_manifest_file_name(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  return ends_with(name, ".yaml") || ends_with(name, ".yml") || ends_with(name, ".json");
}

std::vector<fs::path> list_manifest_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::set<fs::path> visited;
  list_directory(dir, 0, visited, files);
  std::sort(files.begin(), files.end());
  return files;
}

FileObjects parse_manifest_text(std::string path, std::string_view text,
                                const FileObjects* previous) {
  FileObjects out;
  out.path = std::move(path);
  FieldReader reader(out.path, 0, out.diagnostics);
  YamlTree tree;
  // JSON has no "---" documents; a JSON file is one document (or a List).
  if (ends_with(out.path, ".json")) {
    parse_document_text(text, 0, reader, out, out.diagnostics, tree);
    compact_objects(out);
    return out;
  }
  const PreviousDocuments reusable(previous);
  ObjectCompactor compactor;
  bool recordable = true;  // every document's sizes fit a ParsedDocument
  for (const auto& document : split_documents(text)) {
    ParsedDocument parsed;
    parsed.hash = fnv1a64(document.text);
    parsed.size = static_cast<uint32_t>(document.text.size());
    parsed.first_line = document.line_offset;
    if (document.text.size() > UINT32_MAX) recordable = false;
    const Counts before = counts_of(out);
    if (!reusable.copy(parsed, out)) {
      FieldReader document_reader(out.path, document.line_offset, out.diagnostics);
      parse_document_text(document.text, document.line_offset, document_reader, out,
                          out.diagnostics, tree);
    }
    compactor.compact_new(out);
    Counts added = counts_of(out);
    for (size_t i = 0; i < added.size(); ++i) {
      added[i] -= before[i];
      if (added[i] > ParsedDocument::kMaxDocumentCount) recordable = false;
    }
    parsed.namespaces = added[0];
    parsed.services = added[1];
    parsed.pods = added[2];
    parsed.endpoint_objects = added[3];
    parsed.endpoint_slices = added[4];
    parsed.workloads = added[5];
    parsed.diagnostics = added[6];
    out.documents.push_back(parsed);
  }
  // Without every document recorded, the next parse of this file reuses none.
  if (!recordable) out.documents.clear();
  ObjectCompactor::finish(out);
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
