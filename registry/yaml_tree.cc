#include "registry/yaml_tree.h"

#include <yaml-cpp/parser.h>

namespace clusterdns::registry {

namespace {

const std::string kEmpty;

}  // namespace

bool YamlNode::IsNull() const {
  return tree_ != nullptr && tree_->nodes_[index_].kind == YamlTree::Kind::kNull;
}

bool YamlNode::IsScalar() const {
  return tree_ != nullptr && tree_->nodes_[index_].kind == YamlTree::Kind::kScalar;
}

bool YamlNode::IsSequence() const {
  return tree_ != nullptr && tree_->nodes_[index_].kind == YamlTree::Kind::kSequence;
}

bool YamlNode::IsMap() const {
  return tree_ != nullptr && tree_->nodes_[index_].kind == YamlTree::Kind::kMap;
}

const std::string& YamlNode::Scalar() const {
  return IsScalar() ? tree_->nodes_[index_].scalar : kEmpty;
}

bool YamlNode::IsQuoted() const {
  return IsScalar() && tree_->nodes_[index_].quoted;
}

YAML::Mark YamlNode::Mark() const {
  if (tree_ == nullptr) return YAML::Mark::null_mark();
  YAML::Mark mark;
  mark.line = tree_->nodes_[index_].line;
  mark.column = tree_->nodes_[index_].column;
  return mark;
}

size_t YamlNode::size() const {
  if (IsSequence()) return tree_->nodes_[index_].count;
  if (IsMap()) return tree_->nodes_[index_].count / 2;
  return 0;
}

YamlNode YamlNode::operator[](size_t i) const {
  if (!IsSequence() || i >= size()) return {};
  return YamlNode(tree_, tree_->children_[tree_->nodes_[index_].first + i]);
}

YamlNode::Iterator YamlNode::begin() const {
  if (!IsSequence() && !IsMap()) return Iterator(tree_, index_, 0);
  return Iterator(tree_, index_, tree_->nodes_[index_].first);
}

YamlNode::Iterator YamlNode::end() const {
  if (!IsSequence() && !IsMap()) return Iterator(tree_, index_, 0);
  const auto& data = tree_->nodes_[index_];
  return Iterator(tree_, index_, data.first + data.count);
}

YamlNode::Element YamlNode::Iterator::operator*() const {
  Element element;
  const uint32_t child = tree_->children_[position_];
  if (tree_->nodes_[node_].kind == YamlTree::Kind::kMap) {
    element.first = YamlNode(tree_, child);
    element.second = YamlNode(tree_, tree_->children_[position_ + 1]);
  } else {
    static_cast<YamlNode&>(element) = YamlNode(tree_, child);
  }
  return element;
}

YamlNode::Iterator& YamlNode::Iterator::operator++() {
  position_ += tree_->nodes_[node_].kind == YamlTree::Kind::kMap ? 2 : 1;
  return *this;
}

void YamlTree::load_all(std::istream& in) {
  nodes_.clear();
  children_.clear();
  roots_.clear();
  YAML::Parser parser(in);
  for (;;) {
    pending_.clear();
    open_.clear();
    anchors_.clear();  // anchors are numbered per document
    has_root_ = false;
    if (!parser.HandleNextDocument(*this)) break;
  }
}

void YamlTree::OnDocumentStart(const YAML::Mark&) {}

void YamlTree::OnDocumentEnd() {
  // A document without any node reads as null, like YAML::Node().
  if (!has_root_) roots_.emplace_back(this, add(Kind::kNull, YAML::Mark::null_mark(), 0));
}

uint32_t YamlTree::add(Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
  const auto index = static_cast<uint32_t>(nodes_.size());
  Data& data = nodes_.emplace_back();
  data.kind = kind;
  data.line = mark.line;
  data.column = mark.column;
  if (anchor != 0) {
    if (anchors_.size() <= anchor) anchors_.resize(anchor + 1, 0);
    anchors_[anchor] = index;
  }
  return index;
}

void YamlTree::attach(uint32_t node) {
  if (!open_.empty()) {
    pending_.push_back(node);
  } else if (!has_root_) {
    has_root_ = true;
    roots_.emplace_back(this, node);
  }
}

void YamlTree::close() {
  const Open open = open_.back();
  open_.pop_back();
  Data& data = nodes_[open.node];
  data.first = static_cast<uint32_t>(children_.size());
  data.count = static_cast<uint32_t>(pending_.size() - open.pending_start);
  children_.insert(children_.end(), pending_.begin() + static_cast<ptrdiff_t>(open.pending_start),
                   pending_.end());
  pending_.resize(open.pending_start);
}

void YamlTree::OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) {
  attach(add(Kind::kNull, mark, anchor));
}

void YamlTree::OnAlias(const YAML::Mark&, YAML::anchor_t anchor) {
  // The parser refuses unknown anchors, so the node exists.
  if (anchor < anchors_.size()) attach(anchors_[anchor]);
}

void YamlTree::OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                        const std::string& value) {
  const uint32_t index = add(Kind::kScalar, mark, anchor);
  nodes_[index].quoted = tag == "!";
  nodes_[index].scalar = value;
  attach(index);
}

void YamlTree::OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                               YAML::EmitterStyle::value) {
  const uint32_t index = add(Kind::kSequence, mark, anchor);
  attach(index);
  open_.push_back({index, pending_.size()});
}

void YamlTree::OnSequenceEnd() {
  close();
}

void YamlTree::OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                          YAML::EmitterStyle::value) {
  const uint32_t index = add(Kind::kMap, mark, anchor);
  attach(index);
  open_.push_back({index, pending_.size()});
}

void YamlTree::OnMapEnd() {
  close();
}

}  // namespace clusterdns::registry
