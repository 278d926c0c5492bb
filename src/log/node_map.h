// node_map.h: perfect-subtree hashes held in memory. The enclave fills one with its compact
// range and a batch's new leaves, derives every node those complete, and so builds the batch's
// inclusion proofs without the host; the host does the same to learn which nodes to store.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "log/compact_range.h"
#include "log/node_id.h"
#include "log/proofs.h"

namespace ensign::log {

class NodeMap {
 public:
  // add records one node's hash; fails with InvalidArgument when the hash is not 32 bytes.
  Result<void> add(NodeId id, Bytes hash);

  // add_range records the nodes of a compact range.
  Result<void> add_range(const CompactRange& range);

  // add_leaves records leaves first_leaf, first_leaf + 1, ... and every parent whose two
  // children are then known, and returns the nodes it added (leaves included), lowest first.
  Result<std::vector<std::pair<NodeId, Bytes>>> add_leaves(std::uint64_t first_leaf,
                                                           const std::vector<Bytes>& leaf_hashes);

  // reader reads this map for proofs.h; a missing node fails with NotFound. The map must
  // outlive the reader.
  NodeReader reader() const;

  std::size_t size() const { return nodes_.size(); }

 private:
  std::map<NodeId, Bytes> nodes_;
};

}  // namespace ensign::log
