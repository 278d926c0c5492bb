// Tests of src/log/merkle against the transparency-dev/merkle proof vectors
// (../shared/vectors/merkle) and against proofs built here from RFC 9162's definitions.
#include "log/merkle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/merkle_reference.h"
#include "support/merkle_vectors.h"

namespace ensign::log {
namespace {

// The eight leaves of RFC 6962's reference tree, from which the vectors' trees are built.
std::vector<Bytes> reference_leaf_hashes() {
  std::vector<Bytes> entries = {{},
                                {0x00},
                                {0x10},
                                {0x20, 0x21},
                                {0x30, 0x31},
                                {0x40, 0x41, 0x42, 0x43},
                                {0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57},
                                {0x60,
                                 0x61,
                                 0x62,
                                 0x63,
                                 0x64,
                                 0x65,
                                 0x66,
                                 0x67,
                                 0x68,
                                 0x69,
                                 0x6a,
                                 0x6b,
                                 0x6c,
                                 0x6d,
                                 0x6e,
                                 0x6f}};
  std::vector<Bytes> hashes;
  for (const Bytes& entry : entries) {
    hashes.push_back(leaf_hash(entry));
  }
  return hashes;
}

TEST(Merkle, HashesAsRfc9162) {
  EXPECT_EQ(hex_encode(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_encode(leaf_hash({})),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(hex_encode(tree_root(reference_leaf_hashes())),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  EXPECT_EQ(tree_root({}), empty_root());
}

TEST(Merkle, RootsMatchTheVectorsTrees) {
  ENSIGN_REQUIRE_VECTORS();
  auto leaves = reference_leaf_hashes();
  int checked = 0;
  for (const auto& path : test::merkle_cases("inclusion")) {
    auto vector = test::read_merkle_case(path);
    if (vector["wantErr"].get<bool>() || path.filename() != "happy-path.json") {
      continue;
    }
    auto size = vector["treeSize"].get<std::size_t>();
    ASSERT_LE(size, leaves.size()) << path;
    EXPECT_EQ(tree_root({leaves.begin(), leaves.begin() + static_cast<std::ptrdiff_t>(size)}),
              test::merkle_hash(vector["root"]))
        << path;
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(Merkle, InclusionVectors) {
  ENSIGN_REQUIRE_VECTORS();
  auto files = test::merkle_cases("inclusion");
  ASSERT_GE(files.size(), 60u);
  int accepted = 0;
  for (const auto& path : files) {
    auto vector = test::read_merkle_case(path);
    auto result = verify_inclusion(vector["leafIdx"].get<std::uint64_t>(),
                                   vector["treeSize"].get<std::uint64_t>(),
                                   test::merkle_hash(vector["leafHash"]),
                                   test::merkle_proof(vector["proof"]),
                                   test::merkle_hash(vector["root"]));
    bool want_error = vector["wantErr"].get<bool>();
    EXPECT_EQ(result.has_value(), !want_error) << path << ": " << vector["desc"];
    if (!result) {
      EXPECT_EQ(result.error().code(), ErrorCode::kUnauthenticated) << path;
    }
    accepted += result ? 1 : 0;
  }
  EXPECT_GT(accepted, 0);
}

TEST(Merkle, ConsistencyVectors) {
  ENSIGN_REQUIRE_VECTORS();
  auto files = test::merkle_cases("consistency");
  ASSERT_GE(files.size(), 60u);
  int accepted = 0;
  for (const auto& path : files) {
    auto vector = test::read_merkle_case(path);
    auto result = verify_consistency(vector["size1"].get<std::uint64_t>(),
                                     vector["size2"].get<std::uint64_t>(),
                                     test::merkle_hash(vector["root1"]),
                                     test::merkle_hash(vector["root2"]),
                                     test::merkle_proof(vector["proof"]));
    bool want_error = vector["wantErr"].get<bool>();
    EXPECT_EQ(result.has_value(), !want_error) << path << ": " << vector["desc"];
    accepted += result ? 1 : 0;
  }
  EXPECT_GT(accepted, 0);
}

using test::Leaves;
using test::path;
using test::slice;
using test::subproof;

TEST(Merkle, VerifiesEveryProofOfTreesUpTo33Leaves) {
  Leaves leaves = test::test_leaves(33);
  for (std::size_t size = 1; size <= leaves.size(); ++size) {
    Leaves tree = slice(leaves, 0, size);
    Bytes root = tree_root(tree);
    for (std::size_t index = 0; index < size; ++index) {
      Leaves proof = path(index, tree);
      ASSERT_TRUE(verify_inclusion(index, size, tree[index], proof, root).has_value())
          << index << " of " << size;
      if (!proof.empty()) {
        proof.back()[0] ^= 1;
        EXPECT_FALSE(verify_inclusion(index, size, tree[index], proof, root).has_value());
      }
      if (index + 1 < size) {
        EXPECT_FALSE(
            verify_inclusion(index, size, tree[index + 1], path(index, tree), root).has_value());
      }
    }
    for (std::size_t first = 1; first < size; ++first) {
      Leaves proof = subproof(first, tree, true);
      Bytes first_root = tree_root(slice(tree, 0, first));
      ASSERT_TRUE(verify_consistency(first, size, first_root, root, proof).has_value())
          << first << " to " << size;
      proof.front()[kHashSize - 1] ^= 0x80;
      EXPECT_FALSE(verify_consistency(first, size, first_root, root, proof).has_value());
    }
  }
}

TEST(Merkle, RefusesProofsLongerThanAnyPath) {
  std::vector<Bytes> proof(kMaxProofHashes + 1, Bytes(kHashSize, 0));
  auto result = verify_inclusion(0, UINT64_MAX, Bytes(kHashSize, 0), proof, Bytes(kHashSize, 0));
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message().find("more than 65"), std::string::npos);
  auto short_hash = verify_inclusion(0, 2, Bytes(kHashSize, 0), {Bytes(31, 0)}, Bytes(kHashSize));
  ASSERT_FALSE(short_hash.has_value());
  EXPECT_NE(short_hash.error().message().find("31 bytes"), std::string::npos);
}

}  // namespace
}  // namespace ensign::log
