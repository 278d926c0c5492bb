// proofs.h: builds the log's inclusion and consistency proofs from stored tree nodes, as RFC
// 9162 sections 2.1.3.1 (PATH) and 2.1.4.1 (PROOF, SUBPROOF) define them. The host builds them
// from its node table, the enclave from the compact range and the leaves of a batch: one
// construction serves both, and merkle.h's checks verify what it builds.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "log/node_id.h"

namespace ensign::log {

// NodeReader returns the hash of a perfect subtree. The proofs below ask only for subtrees
// inside the tree they are built for; a reader fails (NotFound, DataLoss...) when it lacks one.
using NodeReader = std::function<Result<Bytes>(NodeId)>;

// subtree_root returns the root of leaves [begin, end) (RFC 9162's MTH of that range), where
// `begin` is a multiple of the largest power of two not above end - begin, as every subtree of
// an RFC 9162 tree is. Fails with InvalidArgument on an empty or unaligned range.
Result<Bytes> subtree_root(std::uint64_t begin, std::uint64_t end, const NodeReader& read);

// inclusion_proof returns the audit path of leaf `index` in the tree of `size` leaves, from the
// leaf's sibling up. Fails with InvalidArgument when index >= size.
Result<std::vector<Bytes>> inclusion_proof(std::uint64_t index,
                                           std::uint64_t size,
                                           const NodeReader& read);

// consistency_proof returns the proof that the tree of `size1` leaves is a prefix of the tree
// of `size2` leaves. Empty when the sizes are equal; fails with InvalidArgument unless
// 0 < size1 <= size2.
Result<std::vector<Bytes>> consistency_proof(std::uint64_t size1,
                                             std::uint64_t size2,
                                             const NodeReader& read);

}  // namespace ensign::log
