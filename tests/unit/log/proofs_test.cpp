// Tests of src/log's compact range, node map and proof builders: against RFC 9162's reference
// constructions (support/merkle_reference.h) and merkle.h's checks, on every tree shape up to
// a few dozen leaves, and in the enclave's situation: a compact range plus a batch of leaves.
#include "log/proofs.h"

#include <gtest/gtest.h>

#include <vector>

#include "log/compact_range.h"
#include "log/merkle.h"
#include "log/node_map.h"
#include "support/merkle_reference.h"

namespace ensign::log {
namespace {

using test::Leaves;
using test::slice;

constexpr std::size_t kLargestTree = 40;

CompactRange range_of(const Leaves& leaves) {
  CompactRange range;
  for (const Bytes& leaf : leaves) {
    EXPECT_TRUE(range.append(leaf).has_value());
  }
  return range;
}

NodeMap map_of(const Leaves& leaves) {
  NodeMap nodes;
  EXPECT_TRUE(nodes.add_leaves(0, leaves).has_value());
  return nodes;
}

TEST(CompactRange, RootIsTheTreeRootAtEverySize) {
  Leaves leaves = test::test_leaves(kLargestTree);
  CompactRange range;
  EXPECT_EQ(range.root(), empty_root());
  for (std::size_t size = 1; size <= leaves.size(); ++size) {
    ASSERT_TRUE(range.append(leaves[size - 1]).has_value());
    EXPECT_EQ(range.size(), size);
    EXPECT_EQ(range.root(), tree_root(slice(leaves, 0, size))) << size;
    // Each hash is the root of the subtree its node id names.
    auto ids = range.node_ids();
    ASSERT_EQ(ids.size(), range.hashes().size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto first = static_cast<std::size_t>(ids[i].first_leaf());
      EXPECT_EQ(
          range.hashes()[i],
          tree_root(slice(leaves, first, first + static_cast<std::size_t>(ids[i].leaf_count()))));
    }
  }
}

TEST(CompactRange, RebuildsFromItsHashesAndGoesOn) {
  Leaves leaves = test::test_leaves(13);
  CompactRange first_part = range_of(slice(leaves, 0, 11));
  auto rebuilt = CompactRange::of(first_part.size(), first_part.hashes());
  ASSERT_TRUE(rebuilt.has_value());
  ASSERT_TRUE(rebuilt->append(leaves[11]).has_value());
  ASSERT_TRUE(rebuilt->append(leaves[12]).has_value());
  EXPECT_EQ(rebuilt->root(), tree_root(leaves));
}

TEST(CompactRange, RefusesHashesThatDoNotFitItsSize) {
  Leaves leaves = test::test_leaves(3);
  EXPECT_FALSE(CompactRange::of(3, {leaves[0]}).has_value());  // 3 = 2 + 1 needs two
  EXPECT_FALSE(CompactRange::of(4, {leaves[0], leaves[1]}).has_value());
  EXPECT_FALSE(CompactRange::of(1, {Bytes(31, 0)}).has_value());
  EXPECT_TRUE(CompactRange::of(0, {}).has_value());
  auto full = CompactRange::of(UINT64_MAX, Leaves(64, Bytes(kHashSize, 0)));
  ASSERT_TRUE(full.has_value());
  auto overflow = full->append(leaves[0]);
  ASSERT_FALSE(overflow.has_value());
  EXPECT_EQ(overflow.error().code(), ErrorCode::kResourceExhausted);
  CompactRange range;
  EXPECT_FALSE(range.append(Bytes(33, 0)).has_value());
}

TEST(Proofs, MatchRfc9162AndVerifyOnEveryTreeShape) {
  Leaves leaves = test::test_leaves(kLargestTree);
  NodeMap nodes = map_of(leaves);
  for (std::size_t size = 1; size <= leaves.size(); ++size) {
    Leaves tree = slice(leaves, 0, size);
    Bytes root = tree_root(tree);
    auto whole = subtree_root(0, size, nodes.reader());
    ASSERT_TRUE(whole.has_value());
    EXPECT_EQ(*whole, root);
    for (std::size_t index = 0; index < size; ++index) {
      auto proof = inclusion_proof(index, size, nodes.reader());
      ASSERT_TRUE(proof.has_value()) << proof.error().message();
      EXPECT_EQ(*proof, test::path(index, tree)) << index << " of " << size;
      EXPECT_TRUE(verify_inclusion(index, size, tree[index], *proof, root).has_value());
    }
    for (std::size_t first = 1; first <= size; ++first) {
      auto proof = consistency_proof(first, size, nodes.reader());
      ASSERT_TRUE(proof.has_value()) << proof.error().message();
      EXPECT_EQ(*proof, test::subproof(first, tree, true)) << first << " to " << size;
      EXPECT_TRUE(verify_consistency(first, size, tree_root(slice(tree, 0, first)), root, *proof)
                      .has_value());
    }
  }
}

TEST(Proofs, RefuseWhatNoTreeHas) {
  NodeMap nodes = map_of(test::test_leaves(4));
  EXPECT_EQ(inclusion_proof(4, 4, nodes.reader()).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(consistency_proof(0, 4, nodes.reader()).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(consistency_proof(5, 4, nodes.reader()).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(subtree_root(1, 3, nodes.reader()).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(subtree_root(2, 2, nodes.reader()).error().code(), ErrorCode::kInvalidArgument);
  // A node the store lacks is the reader's failure, passed on.
  auto missing = inclusion_proof(0, 8, nodes.reader());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

// The enclave's case: all it has of the old tree is the compact range, and from it and a batch
// of new leaves it builds every new leaf's inclusion proof and the proof from the old size.
TEST(Proofs, BuildFromACompactRangeAndABatch) {
  Leaves leaves = test::test_leaves(kLargestTree);
  for (std::size_t old_size = 0; old_size < leaves.size(); ++old_size) {
    for (std::size_t new_size = old_size + 1; new_size <= leaves.size(); ++new_size) {
      CompactRange range = range_of(slice(leaves, 0, old_size));
      NodeMap nodes;
      ASSERT_TRUE(nodes.add_range(range).has_value());
      auto added = nodes.add_leaves(old_size, slice(leaves, old_size, new_size));
      ASSERT_TRUE(added.has_value());
      for (std::size_t i = old_size; i < new_size; ++i) {
        ASSERT_TRUE(range.append(leaves[i]).has_value());
      }
      Bytes root = range.root();
      ASSERT_EQ(root, tree_root(slice(leaves, 0, new_size)));
      for (std::size_t index = old_size; index < new_size; ++index) {
        auto proof = inclusion_proof(index, new_size, nodes.reader());
        ASSERT_TRUE(proof.has_value()) << index << " of " << new_size << " from " << old_size
                                       << ": " << proof.error().message();
        EXPECT_TRUE(verify_inclusion(index, new_size, leaves[index], *proof, root).has_value());
      }
      if (old_size > 0) {
        auto proof = consistency_proof(old_size, new_size, nodes.reader());
        ASSERT_TRUE(proof.has_value()) << old_size << " to " << new_size;
        EXPECT_TRUE(verify_consistency(
                        old_size, new_size, tree_root(slice(leaves, 0, old_size)), root, *proof)
                        .has_value());
      }
    }
  }
}

// What add_leaves reports as added is exactly what a map of the whole tree has and the old
// tree's map lacks: the host stores these after each batch.
TEST(NodeMap, ReportsEveryNodeABatchCompletes) {
  Leaves leaves = test::test_leaves(kLargestTree);
  for (std::size_t old_size = 0; old_size < leaves.size(); old_size += 3) {
    NodeMap before = map_of(slice(leaves, 0, old_size));
    NodeMap after = map_of(slice(leaves, 0, old_size));
    auto added = after.add_leaves(old_size, slice(leaves, old_size, leaves.size()));
    ASSERT_TRUE(added.has_value());
    EXPECT_EQ(before.size() + added->size(), after.size()) << old_size;
    EXPECT_EQ(after.size(), map_of(leaves).size());
    for (const auto& [id, hash] : *added) {
      auto first = static_cast<std::size_t>(id.first_leaf());
      EXPECT_EQ(hash,
                tree_root(slice(leaves, first, first + static_cast<std::size_t>(id.leaf_count()))));
    }
  }
  NodeMap nodes;
  EXPECT_FALSE(nodes.add(NodeId{0, 0}, Bytes(31, 0)).has_value());
  EXPECT_FALSE(nodes.add_leaves(UINT64_MAX, test::test_leaves(2)).has_value());
}

}  // namespace
}  // namespace ensign::log
