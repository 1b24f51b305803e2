#include "registry/state_patch.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "registry/endpoints_controller.h"
#include "registry/file_numbering.h"
#include "registry/object_key.h"

namespace clusterdns::registry {

namespace {

template <class T>
bool key_less(const T& a, const T& b) {
  return key_of(a) < key_of(b);
}

// Which old file is which new one, and which files' objects are replaced.
struct FileMap {
  std::vector<bool> old_touched;     // objects of this old file are replaced
  std::vector<std::pair<uint32_t, const FileObjects*>> fresh;  // touched files now: new index
  bool renumber = false;                                       // some kept file's index moved

  bool touched(uint32_t old_file) const {
    return old_file < old_touched.size() && old_touched[old_file];
  }
};

// nullopt when a file appeared or went without being named as touched (not expected).
std::optional<FileMap> map_files(const std::vector<std::string>& old_paths,
                                 std::span<const FileObjects* const> files,
                                 const std::set<std::string_view>& touched) {
  FileMap map;
  map.old_touched.assign(old_paths.size(), false);
  size_t i = 0, j = 0;
  while (i < old_paths.size() || j < files.size()) {
    const bool only_old =
        j == files.size() || (i < old_paths.size() && old_paths[i] < files[j]->path);
    const bool only_new = !only_old && (i == old_paths.size() || files[j]->path < old_paths[i]);
    if (only_old) {
      if (touched.count(old_paths[i]) == 0) return std::nullopt;
      map.old_touched[i++] = true;
      continue;
    }
    const auto index = static_cast<uint32_t>(j);
    if (only_new) {
      if (touched.count(files[j]->path) == 0) return std::nullopt;
      map.fresh.emplace_back(index, files[j++]);
      continue;
    }
    if (index != i) map.renumber = true;
    if (touched.count(old_paths[i]) != 0) {
      map.old_touched[i] = true;
      map.fresh.emplace_back(index, files[j]);
    }
    ++i;
    ++j;
  }
  return map;
}

// A fresh object, numbered with the index of its file.
template <class T>
struct Fresh {
  SharedObject<T> item;
};

template <class T>
using Member = SharedList<T> FileObjects::*;

// The touched files' objects of one kind, sorted; nullopt when one duplicates another
// (fresh, or kept from an untouched file): the duplicate rule is the full assemble's.
template <class T>
std::optional<std::vector<Fresh<T>>> fresh_objects(const SharedList<T>& current, Member<T> member,
                                                   const FileMap& map) {
  std::vector<Fresh<T>> fresh;
  for (const auto& [index, file] : map.fresh) {
    const SharedList<T>& items = file->*member;
    for (size_t i = 0; i < items.size(); ++i) {
      if (has_file(items[i], index)) {
        fresh.push_back({items.shared(i)});  // shared with the file cache: one copy
        continue;
      }
      T numbered = items[i];
      set_file(numbered, index);
      fresh.push_back({SharedObject<T>::make(std::move(numbered))});
    }
  }
  std::sort(fresh.begin(), fresh.end(),
            [](const Fresh<T>& a, const Fresh<T>& b) { return key_less(*a.item, *b.item); });
  for (size_t i = 0; i < fresh.size(); ++i) {
    if (i > 0 && key_of(*fresh[i - 1].item) == key_of(*fresh[i].item)) return std::nullopt;
    const auto it = std::lower_bound(current.begin(), current.end(), *fresh[i].item, key_less<T>);
    if (it != current.end() && key_of(*it) == key_of(*fresh[i].item) &&
        !map.touched(it->where.file)) {
      return std::nullopt;
    }
  }
  return fresh;
}

// Removes the touched files' objects, inserts the fresh ones.
// `namespaces` collects the namespaces of the objects removed and added.
// What a changed object means for endpoints.
void note(const Namespace&, EndpointsChange&) {}
void note(const Pod& pod, EndpointsChange& change) {
  change.namespaces[pod.namespace_name.str()].pod_labels.push_back(pod.labels);
}
void note(const Endpoints& object, EndpointsChange& change) {
  change.namespaces[object.namespace_name.str()].services.insert(object.name.str());
}
void note(const EndpointSlice& slice, EndpointsChange& change) {
  change.namespaces[slice.namespace_name].services.insert(slice.service_name);
}

template <class T>
void patch_kind(SharedList<T>& items, const std::vector<Fresh<T>>& fresh, const FileMap& map,
                EndpointsChange& change) {
  const auto touched = [&map](const T& item) { return map.touched(item.where.file); };
  for (const T& item : items) {
    if (touched(item)) note(item, change);
  }
  for (const auto& entry : fresh) note(*entry.item, change);
  // The usual change (a pod's IP, a rename over the same pods) keeps every name: then the
  // fresh objects take the old ones' places and nothing shifts.
  std::vector<size_t> slots;
  for (size_t i = 0; i < items.size(); ++i) {
    if (touched(items[i])) slots.push_back(i);
  }
  const bool same_names = slots.size() == fresh.size() &&
                          std::equal(slots.begin(), slots.end(), fresh.begin(),
                                     [&](size_t slot, const Fresh<T>& entry) {
                                       return key_of(items[slot]) == key_of(*entry.item);
                                     });
  if (same_names) {
    for (size_t i = 0; i < slots.size(); ++i) items.replace_shared(slots[i], fresh[i].item);
    return;
  }
  erase_if(items, touched);
  // Growing by a sixteenth, not doubling: 24k pods plus one must not hold room for 48k.
  if (items.size() + fresh.size() > items.capacity()) {
    items.reserve(items.size() + fresh.size() + items.size() / 16);
  }
  for (const auto& entry : fresh) {
    const auto at = std::lower_bound(items.begin(), items.end(), *entry.item, key_less<T>);
    items.insert_shared(at, entry.item);
  }
}

bool holds_objects_of_touched(const ClusterState& state, const FileMap& map) {
  return std::any_of(
             state.services.begin(), state.services.end(),
             [&](const Service& s) { return !s.synthesized && map.touched(s.where.file); }) ||
         std::any_of(state.workloads.begin(), state.workloads.end(),
                     [&](const Workload& w) { return map.touched(w.where.file); });
}

void patch_diagnostics(std::vector<Diagnostic>& diagnostics, const FileMap& map,
                       const std::set<std::string_view>& touched) {
  std::erase_if(diagnostics, [&](const Diagnostic& d) { return touched.count(d.file) != 0; });
  for (const auto& [index, file] : map.fresh) {
    if (file->diagnostics.empty()) continue;
    std::vector<Diagnostic> own = file->diagnostics;
    // As the full assemble sorts them: by place, stable (the file is the same).
    std::stable_sort(own.begin(), own.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
    });
    const auto at = std::lower_bound(diagnostics.begin(), diagnostics.end(), own.front(),
                                     [](const Diagnostic& a, const Diagnostic& b) {
                                       return std::tie(a.file, a.line, a.column) <
                                              std::tie(b.file, b.line, b.column);
                                     });
    diagnostics.insert(at, std::make_move_iterator(own.begin()),
                       std::make_move_iterator(own.end()));
  }
}

}  // namespace

PatchOutcome patch_state(LoadResult& result, std::span<const FileObjects* const> files,
                         const std::vector<std::string>& touched_paths) {
  ClusterState& state = result.state;
  const std::set<std::string_view> touched(touched_paths.begin(), touched_paths.end());
  const auto map = map_files(state.files, files, touched);
  if (!map || holds_objects_of_touched(state, *map)) return PatchOutcome::kNotPatched;
  // A file added or removed before others in path order renumbers their objects: the
  // full assemble shares the file cache's renumbered objects, a patch would copy them.
  if (map->renumber) return PatchOutcome::kNotPatched;
  for (const auto& [index, file] : map->fresh) {
    if (!file->services.empty() || !file->workloads.empty()) return PatchOutcome::kNotPatched;
    // Diagnostics elsewhere than their own file would not be found again when it changes.
    for (const auto& diagnostic : file->diagnostics) {
      if (diagnostic.file != file->path) return PatchOutcome::kNotPatched;
    }
  }
  auto namespaces = fresh_objects(state.namespaces, &FileObjects::namespaces, *map);
  auto pods = fresh_objects(state.pods, &FileObjects::pods, *map);
  auto objects = fresh_objects(state.endpoint_objects, &FileObjects::endpoint_objects, *map);
  auto slices = fresh_objects(state.endpoint_slices, &FileObjects::endpoint_slices, *map);
  if (!namespaces || !pods || !objects || !slices) return PatchOutcome::kNotPatched;

  // Decided: from here on the state changes.
  EndpointsChange change;
  patch_kind(state.namespaces, *namespaces, *map, change);
  patch_kind(state.pods, *pods, *map, change);
  patch_kind(state.endpoint_objects, *objects, *map, change);
  patch_kind(state.endpoint_slices, *slices, *map, change);
  state.files.clear();
  for (const FileObjects* file : files) state.files.push_back(file->path);
  rederive_endpoints(state, change);
  patch_diagnostics(result.diagnostics, *map, touched);
  return PatchOutcome::kPatched;
}

}  // namespace clusterdns::registry
