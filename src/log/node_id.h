// node_id.h: names a perfect subtree of the log's Merkle tree by its level and position, as the
// host stores tree nodes and as proofs are built from them.
#pragma once

#include <compare>
#include <cstdint>

namespace ensign::log {

// NodeId is the perfect subtree over leaves [index << level, (index + 1) << level): level 0 is
// a leaf, level 1 a pair of leaves, up to level 63.
struct NodeId {
  std::uint8_t level = 0;
  std::uint64_t index = 0;

  std::uint64_t first_leaf() const { return index << level; }
  std::uint64_t leaf_count() const { return std::uint64_t{1} << level; }

  friend auto operator<=>(const NodeId&, const NodeId&) = default;
};

}  // namespace ensign::log
