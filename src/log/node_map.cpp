#include "log/node_map.h"

#include <string>

#include "log/merkle.h"

namespace ensign::log {

Result<void> NodeMap::add(NodeId id, Bytes hash) {
  if (hash.size() != kHashSize) {
    return fail(ErrorCode::kInvalidArgument,
                "a tree node hash has " + std::to_string(hash.size()) + " bytes, not 32");
  }
  nodes_.insert_or_assign(id, std::move(hash));
  return {};
}

Result<void> NodeMap::add_range(const CompactRange& range) {
  auto ids = range.node_ids();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ENSIGN_CHECK(add(ids[i], range.hashes()[i]));
  }
  return {};
}

Result<std::vector<std::pair<NodeId, Bytes>>> NodeMap::add_leaves(
    std::uint64_t first_leaf, const std::vector<Bytes>& leaf_hashes) {
  if (leaf_hashes.size() > UINT64_MAX - first_leaf) {
    return fail(ErrorCode::kInvalidArgument, "the leaves run past the log's largest index");
  }
  std::vector<std::pair<NodeId, Bytes>> added;
  for (std::size_t i = 0; i < leaf_hashes.size(); ++i) {
    NodeId id{0, first_leaf + i};
    ENSIGN_CHECK(add(id, leaf_hashes[i]));
    added.emplace_back(id, leaf_hashes[i]);
  }
  // Climb level by level over the span of new nodes: a parent is new when a child is.
  std::uint64_t first = first_leaf;
  std::uint64_t last = first_leaf + leaf_hashes.size();  // one past the last new node
  for (std::uint8_t level = 0; level < 63 && first < last; ++level) {
    std::uint64_t parent_first = first / 2;
    std::uint64_t parent_last = (last + 1) / 2;
    for (std::uint64_t parent = parent_first; parent < parent_last; ++parent) {
      auto left = nodes_.find(NodeId{level, 2 * parent});
      auto right = nodes_.find(NodeId{level, 2 * parent + 1});
      if (left == nodes_.end() || right == nodes_.end()) {
        continue;
      }
      NodeId id{static_cast<std::uint8_t>(level + 1), parent};
      Bytes hash = node_hash(left->second, right->second);
      nodes_.insert_or_assign(id, hash);
      added.emplace_back(id, std::move(hash));
    }
    first = parent_first;
    last = parent_last;
  }
  return added;
}

NodeReader NodeMap::reader() const {
  return [this](NodeId id) -> Result<Bytes> {
    auto found = nodes_.find(id);
    if (found == nodes_.end()) {
      return fail(ErrorCode::kNotFound,
                  "the tree node at level " + std::to_string(id.level) + ", index " +
                      std::to_string(id.index) + " is not known");
    }
    return found->second;
  };
}

}  // namespace ensign::log
