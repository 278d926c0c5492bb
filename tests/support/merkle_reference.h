// merkle_reference.h: RFC 9162's reference constructions of section 2.1.3.1 (PATH) and 2.1.4.1
// (PROOF, SUBPROOF), written recursively from the definitions over a list of leaf hashes, so the
// log's verifiers and proof builders are checked against the text on every shape of tree.
#pragma once

#include <bit>
#include <cstddef>
#include <vector>

#include "core/bytes.h"
#include "log/merkle.h"

namespace ensign::test {

using Leaves = std::vector<Bytes>;

inline Leaves slice(const Leaves& leaves, std::size_t begin, std::size_t end) {
  return {leaves.begin() + static_cast<std::ptrdiff_t>(begin),
          leaves.begin() + static_cast<std::ptrdiff_t>(end)};
}

inline std::size_t split_of(std::size_t n) {
  return std::bit_floor(n - 1);
}

inline Leaves path(std::size_t m, const Leaves& d) {
  using log::tree_root;
  if (d.size() == 1) {
    return {};
  }
  std::size_t k = split_of(d.size());
  Leaves result;
  if (m < k) {
    result = path(m, slice(d, 0, k));
    result.push_back(tree_root(slice(d, k, d.size())));
  } else {
    result = path(m - k, slice(d, k, d.size()));
    result.push_back(tree_root(slice(d, 0, k)));
  }
  return result;
}

inline Leaves subproof(std::size_t m, const Leaves& d, bool whole) {
  using log::tree_root;
  if (m == d.size()) {
    return whole ? Leaves{} : Leaves{tree_root(d)};
  }
  std::size_t k = split_of(d.size());
  Leaves result;
  if (m <= k) {
    result = subproof(m, slice(d, 0, k), whole);
    result.push_back(tree_root(slice(d, k, d.size())));
  } else {
    result = subproof(m - k, slice(d, k, d.size()), false);
    result.push_back(tree_root(slice(d, 0, k)));
  }
  return result;
}

// test_leaves returns `count` distinct leaf hashes.
inline Leaves test_leaves(std::size_t count) {
  Leaves leaves;
  for (std::size_t i = 0; i < count; ++i) {
    leaves.push_back(log::leaf_hash(
        Bytes{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8), 0x42}));
  }
  return leaves;
}

}  // namespace ensign::test
