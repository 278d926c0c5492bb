#include "log/merkle.h"

#include <bit>
#include <string>

#include "crypto/hash.h"

namespace ensign::log {
namespace {

constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;

Error refused(std::string why) {
  return Error(ErrorCode::kUnauthenticated, std::move(why));
}

Result<void> check_hash_sizes(const std::vector<Bytes>& proof) {
  if (proof.size() > kMaxProofHashes) {
    return fail(refused("the proof has " + std::to_string(proof.size()) + " hashes, more than " +
                        std::to_string(kMaxProofHashes) + " (any tree's longest path)"));
  }
  for (std::size_t i = 0; i < proof.size(); ++i) {
    if (proof[i].size() != kHashSize) {
      return fail(refused("proof hash " + std::to_string(i) + " has " +
                          std::to_string(proof[i].size()) + " bytes, not " +
                          std::to_string(kHashSize)));
    }
  }
  return {};
}

// shift_while_odd right-shifts both counters while fn's lowest bit is set: the walk climbs past
// the levels where the node is a right child already accounted for.
void shift_while_odd(std::uint64_t& fn, std::uint64_t& sn) {
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

// shift_while_even right-shifts both counters until fn's lowest bit is set or fn is 0: the walk
// climbs past the levels where the node is the last one of its level, which has no sibling.
void shift_while_even(std::uint64_t& fn, std::uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

Bytes root_of(const std::vector<Bytes>& leaf_hashes, std::size_t begin, std::size_t end) {
  if (end - begin == 1) {
    return leaf_hashes[begin];
  }
  // The left subtree holds the largest power of two smaller than the range.
  std::size_t split = std::bit_floor(end - begin - 1);
  return node_hash(root_of(leaf_hashes, begin, begin + split),
                   root_of(leaf_hashes, begin + split, end));
}

}  // namespace

Bytes leaf_hash(ByteView entry) {
  crypto::Hasher hasher(crypto::HashAlgorithm::kSha256);
  hasher.update(ByteView(&kLeafPrefix, 1));
  hasher.update(entry);
  return hasher.finish();
}

Bytes node_hash(ByteView left, ByteView right) {
  crypto::Hasher hasher(crypto::HashAlgorithm::kSha256);
  hasher.update(ByteView(&kNodePrefix, 1));
  hasher.update(left);
  hasher.update(right);
  return hasher.finish();
}

Bytes empty_root() {
  return crypto::sha256({});
}

Bytes tree_root(const std::vector<Bytes>& leaf_hashes) {
  return leaf_hashes.empty() ? empty_root() : root_of(leaf_hashes, 0, leaf_hashes.size());
}

Result<void> verify_inclusion(std::uint64_t index,
                              std::uint64_t size,
                              ByteView leaf_hash,
                              const std::vector<Bytes>& proof,
                              ByteView root) {
  // RFC 9162 section 2.1.3.2, step by step.
  if (index >= size) {
    return fail(refused("leaf index " + std::to_string(index) + " is not inside a tree of " +
                        std::to_string(size) + " leaves"));
  }
  ENSIGN_CHECK(check_hash_sizes(proof));
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Bytes r(leaf_hash.begin(), leaf_hash.end());
  for (const Bytes& p : proof) {
    if (sn == 0) {
      return fail(refused("the inclusion proof is longer than the path from the leaf to the root"));
    }
    if ((fn & 1) != 0 || fn == sn) {
      r = node_hash(p, r);
      shift_while_even(fn, sn);
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return fail(refused("the inclusion proof is shorter than the path from the leaf to the root"));
  }
  if (!constant_time_equal(r, root)) {
    return fail(refused("the inclusion proof leads to another root: the leaf is not at index " +
                        std::to_string(index) + " of this tree"));
  }
  return {};
}

Result<void> verify_consistency(std::uint64_t size1,
                                std::uint64_t size2,
                                ByteView root1,
                                ByteView root2,
                                const std::vector<Bytes>& proof) {
  if (size1 > size2) {
    return fail(refused("the first tree (" + std::to_string(size1) +
                        " leaves) is larger than the second (" + std::to_string(size2) + ")"));
  }
  if (size1 == 0) {
    return fail(
        refused("every tree extends the empty tree: a consistency proof from size 0 "
                "proves nothing"));
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return fail(refused("trees of equal size need an empty consistency proof"));
    }
    if (!constant_time_equal(root1, root2)) {
      return fail(refused("two trees of " + std::to_string(size1) +
                          " leaves with different roots: the log forked"));
    }
    return {};
  }
  // RFC 9162 section 2.1.4.2, step by step.
  if (proof.empty()) {
    return fail(refused("the consistency proof is empty"));
  }
  ENSIGN_CHECK(check_hash_sizes(proof));
  std::vector<Bytes> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(size1)) {
    path.emplace_back(root1.begin(), root1.end());
  }
  path.insert(path.end(), proof.begin(), proof.end());
  std::uint64_t fn = size1 - 1;
  std::uint64_t sn = size2 - 1;
  shift_while_odd(fn, sn);
  Bytes fr = path[0];
  Bytes sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Bytes& c = path[i];
    if (sn == 0) {
      return fail(refused("the consistency proof is longer than the paths it must cover"));
    }
    if ((fn & 1) != 0 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      shift_while_even(fn, sn);
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return fail(refused("the consistency proof is shorter than the paths it must cover"));
  }
  if (!constant_time_equal(fr, root1)) {
    return fail(refused("the consistency proof does not lead to the first root (" +
                        std::to_string(size1) + " leaves)"));
  }
  if (!constant_time_equal(sr, root2)) {
    return fail(refused("the consistency proof does not lead to the second root (" +
                        std::to_string(size2) + " leaves)"));
  }
  return {};
}

}  // namespace ensign::log
