// compact_range.h: the right edge of the log's Merkle tree, which is all the enclave keeps of
// it: from these at most 64 hashes it appends leaves and computes the root of RFC 9162 section
// 2.1.1 without the host's stored nodes, so a host that loses or alters them cannot change what
// the enclave signs.
#pragma once

#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "log/node_id.h"

namespace ensign::log {

// CompactRange holds the roots of the perfect subtrees that partition leaves [0, size), largest
// (leftmost) first: one per set bit of size.
class CompactRange {
 public:
  // of rebuilds a range from its size and hashes, as kept in sealed state; fails with
  // InvalidArgument when the number of hashes is not the number of set bits of `size` or a hash
  // is not 32 bytes.
  static Result<CompactRange> of(std::uint64_t size, std::vector<Bytes> hashes);

  std::uint64_t size() const { return size_; }
  const std::vector<Bytes>& hashes() const { return hashes_; }

  // node_ids says where each of hashes() sits in the tree, in the same order.
  std::vector<NodeId> node_ids() const;

  // append adds the leaf with `leaf_hash` as leaf number size(); fails with InvalidArgument
  // when the hash is not 32 bytes, or ResourceExhausted when the tree holds 2^64 - 1 leaves.
  Result<void> append(ByteView leaf_hash);

  // root returns the tree's root: the hashes folded from the right, or empty_root() when the
  // tree has no leaves.
  Bytes root() const;

 private:
  std::uint64_t size_ = 0;
  std::vector<Bytes> hashes_;
};

// range_node_ids returns the perfect subtrees that partition leaves [0, size), largest first.
std::vector<NodeId> range_node_ids(std::uint64_t size);

}  // namespace ensign::log
