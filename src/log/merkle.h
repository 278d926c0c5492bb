// merkle.h: the Merkle tree of the transparency log, hashed as RFC 9162 section 2.1 (SHA-256,
// leaf prefix 0x00, interior node prefix 0x01), and the client-side checks of its proofs: an
// inclusion proof (section 2.1.3.2) and a consistency proof (section 2.1.4.2). Both checks
// follow the RFC's verification algorithms step by step; their failures say which step failed.
#pragma once

#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::log {

// kHashSize is the size of every tree hash (SHA-256).
inline constexpr std::size_t kHashSize = 32;

// kMaxProofHashes bounds a proof: a tree of 2^64 leaves needs at most 64 hashes on a path (and
// a consistency proof one more, its seed). Longer proofs are refused before any hashing.
inline constexpr std::size_t kMaxProofHashes = 65;

// leaf_hash returns SHA-256(0x00 || entry), the hash of one log entry.
Bytes leaf_hash(ByteView entry);

// node_hash returns SHA-256(0x01 || left || right), the hash of an interior node.
Bytes node_hash(ByteView left, ByteView right);

// empty_root returns the root of the tree of no leaves, SHA-256 of the empty string.
Bytes empty_root();

// tree_root returns the root over the given leaf hashes (RFC 9162 section 2.1.1), the
// reference the proofs are checked against. It is linear in the number of leaves.
Bytes tree_root(const std::vector<Bytes>& leaf_hashes);

// verify_inclusion checks that the leaf with `leaf_hash` is at `index` of the tree of `size`
// leaves whose root is `root`. Fails with Unauthenticated saying which check failed.
Result<void> verify_inclusion(std::uint64_t index,
                              std::uint64_t size,
                              ByteView leaf_hash,
                              const std::vector<Bytes>& proof,
                              ByteView root);

// verify_consistency checks that the tree of `size1` leaves with `root1` is a prefix of the
// tree of `size2` leaves with `root2`. A tree is consistent with itself (equal sizes, equal
// roots, an empty proof); consistency with the empty tree proves nothing and is refused, as
// RFC 9162 requires 0 < first < second for a proof. Fails with Unauthenticated saying why.
Result<void> verify_consistency(std::uint64_t size1,
                                std::uint64_t size2,
                                ByteView root1,
                                ByteView root2,
                                const std::vector<Bytes>& proof);

}  // namespace ensign::log
