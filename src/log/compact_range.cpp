#include "log/compact_range.h"

#include <bit>
#include <string>
#include <utility>

#include "log/merkle.h"

namespace ensign::log {

std::vector<NodeId> range_node_ids(std::uint64_t size) {
  std::vector<NodeId> ids;
  std::uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    std::uint64_t count = std::uint64_t{1} << level;
    if ((size & count) != 0) {
      ids.push_back(NodeId{static_cast<std::uint8_t>(level), begin >> level});
      begin += count;
    }
  }
  return ids;
}

Result<CompactRange> CompactRange::of(std::uint64_t size, std::vector<Bytes> hashes) {
  auto expected = static_cast<std::size_t>(std::popcount(size));
  if (hashes.size() != expected) {
    return fail(ErrorCode::kInvalidArgument,
                "a compact range of " + std::to_string(size) + " leaves has " +
                    std::to_string(expected) + " hashes, not " + std::to_string(hashes.size()));
  }
  for (const Bytes& hash : hashes) {
    if (hash.size() != kHashSize) {
      return fail(ErrorCode::kInvalidArgument,
                  "a compact range hash has " + std::to_string(hash.size()) + " bytes, not 32");
    }
  }
  CompactRange range;
  range.size_ = size;
  range.hashes_ = std::move(hashes);
  return range;
}

std::vector<NodeId> CompactRange::node_ids() const {
  return range_node_ids(size_);
}

Result<void> CompactRange::append(ByteView leaf_hash) {
  if (leaf_hash.size() != kHashSize) {
    return fail(ErrorCode::kInvalidArgument,
                "a leaf hash has " + std::to_string(leaf_hash.size()) + " bytes, not 32");
  }
  if (size_ == UINT64_MAX) {
    return fail(ErrorCode::kResourceExhausted, "the log holds 2^64 - 1 leaves, its maximum");
  }
  // Each trailing one bit of the old size is a subtree of the new leaf's size that it completes.
  Bytes carry(leaf_hash.begin(), leaf_hash.end());
  for (std::uint64_t bits = size_; (bits & 1) != 0; bits >>= 1) {
    carry = node_hash(hashes_.back(), carry);
    hashes_.pop_back();
  }
  hashes_.push_back(std::move(carry));
  ++size_;
  return {};
}

Bytes CompactRange::root() const {
  if (hashes_.empty()) {
    return empty_root();
  }
  Bytes root = hashes_.back();
  for (auto it = hashes_.rbegin() + 1; it != hashes_.rend(); ++it) {
    root = node_hash(*it, root);
  }
  return root;
}

}  // namespace ensign::log
