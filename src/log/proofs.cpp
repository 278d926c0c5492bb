#include "log/proofs.h"

#include <bit>
#include <string>

#include "log/merkle.h"

namespace ensign::log {
namespace {

// split returns k, the size of the left subtree of a tree of n > 1 leaves: the largest power
// of two smaller than n.
std::uint64_t split(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

// Inclusion path of leaf m of [begin, end), appended leaf-side first.
Result<void> append_path(std::uint64_t m,
                         std::uint64_t begin,
                         std::uint64_t end,
                         const NodeReader& read,
                         std::vector<Bytes>& proof) {
  std::uint64_t n = end - begin;
  if (n == 1) {
    return {};
  }
  std::uint64_t k = split(n);
  if (m < k) {
    ENSIGN_CHECK(append_path(m, begin, begin + k, read, proof));
    ENSIGN_TRY(right, subtree_root(begin + k, end, read));
    proof.push_back(std::move(right));
  } else {
    ENSIGN_CHECK(append_path(m - k, begin + k, end, read, proof));
    ENSIGN_TRY(left, subtree_root(begin, begin + k, read));
    proof.push_back(std::move(left));
  }
  return {};
}

// SUBPROOF(m, D[begin:end], whole): `whole` says [begin, begin + m) is the entire older tree,
// whose root the verifier already has.
Result<void> append_subproof(std::uint64_t m,
                             std::uint64_t begin,
                             std::uint64_t end,
                             bool whole,
                             const NodeReader& read,
                             std::vector<Bytes>& proof) {
  std::uint64_t n = end - begin;
  if (m == n) {
    if (!whole) {
      ENSIGN_TRY(root, subtree_root(begin, end, read));
      proof.push_back(std::move(root));
    }
    return {};
  }
  std::uint64_t k = split(n);
  if (m <= k) {
    ENSIGN_CHECK(append_subproof(m, begin, begin + k, whole, read, proof));
    ENSIGN_TRY(right, subtree_root(begin + k, end, read));
    proof.push_back(std::move(right));
  } else {
    ENSIGN_CHECK(append_subproof(m - k, begin + k, end, false, read, proof));
    ENSIGN_TRY(left, subtree_root(begin, begin + k, read));
    proof.push_back(std::move(left));
  }
  return {};
}

}  // namespace

Result<Bytes> subtree_root(std::uint64_t begin, std::uint64_t end, const NodeReader& read) {
  if (end <= begin) {
    return fail(ErrorCode::kInvalidArgument, "an empty range of leaves has no subtree root");
  }
  std::uint64_t n = end - begin;
  if (std::has_single_bit(n)) {
    auto level = static_cast<std::uint8_t>(std::countr_zero(n));
    if (begin % n != 0) {
      return fail(ErrorCode::kInvalidArgument,
                  "leaves [" + std::to_string(begin) + ", " + std::to_string(end) +
                      ") are not a subtree of the log");
    }
    return read(NodeId{level, begin >> level});
  }
  std::uint64_t k = split(n);
  ENSIGN_TRY(left, subtree_root(begin, begin + k, read));
  ENSIGN_TRY(right, subtree_root(begin + k, end, read));
  return node_hash(left, right);
}

Result<std::vector<Bytes>> inclusion_proof(std::uint64_t index,
                                           std::uint64_t size,
                                           const NodeReader& read) {
  if (index >= size) {
    return fail(ErrorCode::kInvalidArgument,
                "leaf " + std::to_string(index) + " is not in a tree of " + std::to_string(size) +
                    " leaves");
  }
  std::vector<Bytes> proof;
  ENSIGN_CHECK(append_path(index, 0, size, read, proof));
  return proof;
}

Result<std::vector<Bytes>> consistency_proof(std::uint64_t size1,
                                             std::uint64_t size2,
                                             const NodeReader& read) {
  if (size1 == 0 || size1 > size2) {
    return fail(ErrorCode::kInvalidArgument,
                "no consistency proof from a tree of " + std::to_string(size1) +
                    " leaves to one of " + std::to_string(size2));
  }
  std::vector<Bytes> proof;
  ENSIGN_CHECK(append_subproof(size1, 0, size2, true, read, proof));
  return proof;
}

}  // namespace ensign::log
