#pragma once
// A light YAML tree built from yaml-cpp's event API (YAML::Parser::HandleNextDocument)
// instead of its node API: yaml-cpp's nodes cost a shared memory holder, a node_ref
// and a node_data per node, which was half the load time at 50k objects (issue 8).
// The tree keeps what the decoders read: node kind, scalar text, whether a scalar was
// quoted (yaml-cpp's non-specific tag "!"), and each node's mark for FILE:LINE:COL.
// YamlNode mirrors the subset of YAML::Node the decoders use, with the same meaning
// (aliases are the anchored node itself, as yaml-cpp's NodeBuilder makes them).

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace clusterdns::registry {

class YamlTree;

class YamlNode {
 public:
  YamlNode() = default;  // undefined
  YamlNode(const YamlTree* tree, uint32_t index) : tree_(tree), index_(index) {}

  bool IsDefined() const { return tree_ != nullptr; }
  bool IsNull() const;
  bool IsScalar() const;
  bool IsSequence() const;
  bool IsMap() const;
  // The text of a scalar; empty for anything else.
  const std::string& Scalar() const;
  // Quoted scalars carry yaml-cpp's non-specific tag "!" (plain ones "?").
  bool IsQuoted() const;
  // Zero-based line and column in the parsed text; null for an undefined node.
  YAML::Mark Mark() const;
  // Elements of a sequence, pairs of a map, 0 otherwise.
  size_t size() const;
  // Element `i` of a sequence (undefined when out of range or not a sequence).
  YamlNode operator[](size_t i) const;

  // Iteration: a sequence yields its elements, a map its pairs (first, second).
  struct Element;
  class Iterator;
  Iterator begin() const;
  Iterator end() const;

 private:
  const YamlTree* tree_ = nullptr;
  uint32_t index_ = 0;
};

struct YamlNode::Element : YamlNode {
  YamlNode first;
  YamlNode second;
};

class YamlNode::Iterator {
 public:
  Iterator(const YamlTree* tree, uint32_t node, uint32_t position)
      : tree_(tree), node_(node), position_(position) {}
  Element operator*() const;
  Iterator& operator++();
  bool operator==(const Iterator& other) const { return position_ == other.position_; }
  bool operator!=(const Iterator& other) const { return position_ != other.position_; }

 private:
  const YamlTree* tree_;
  uint32_t node_;
  uint32_t position_;
};

// Builds one tree per document. Reusable: the buffers keep their capacity.
class YamlTree final : public YAML::EventHandler {
 public:
  // Parses every document of `in` (yaml-cpp exceptions propagate, as from
  // YAML::LoadAll); roots() then holds one node per document.
  void load_all(std::istream& in);
  const std::vector<YamlNode>& roots() const { return roots_; }

  void OnDocumentStart(const YAML::Mark& mark) override;
  void OnDocumentEnd() override;
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override;
  void OnSequenceEnd() override;
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override;
  void OnMapEnd() override;

 private:
  friend class YamlNode;
  enum class Kind : uint8_t { kNull, kScalar, kSequence, kMap };
  struct Data {
    Kind kind = Kind::kNull;
    bool quoted = false;
    int32_t line = -1;
    int32_t column = -1;
    uint32_t first = 0;  // into children_ (containers, once closed)
    uint32_t count = 0;  // children (a map has two per pair)
    std::string scalar;
  };
  struct Open {
    uint32_t node;
    size_t pending_start;
  };

  uint32_t add(Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor);
  void attach(uint32_t node);
  void close();

  std::vector<Data> nodes_;
  std::vector<uint32_t> children_;
  std::vector<uint32_t> pending_;  // children of the open containers, innermost last
  std::vector<Open> open_;
  std::vector<uint32_t> anchors_;  // anchor_t → node (anchor 0 means none)
  std::vector<YamlNode> roots_;
  bool has_root_ = false;
};

}  // namespace clusterdns::registry
