#include "host/log_proofs.h"

#include <gtest/gtest.h>

#include "crypto/keys.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log_fixture.h"

namespace ensign::host {
namespace {

class LogProofsTest : public LogFixture {
 protected:
  void SetUp() override {
    LogFixture::SetUp();
    sizes_ = sign_batches({1, 3, 2, 5});  // trees of 1, 4, 6 and 11 leaves
  }

  std::vector<std::uint64_t> sizes_;
};

TEST_F(LogProofsTest, EveryLeafIsProvedInEveryCheckpointThatHoldsIt) {
  LogProofs proofs(*store_);
  for (std::uint64_t size : sizes_) {
    for (std::uint64_t index = 0; index < size; ++index) {
      auto proof = proofs.inclusion_proof(index, size);
      ASSERT_TRUE(proof) << proof.error().message();
      EXPECT_EQ(proof->tree.checkpoint.size, size);
      EXPECT_TRUE(log::verify_inclusion(
          index, size, proof->leaf_hash, proof->hashes, proof->tree.checkpoint.root_hash))
          << index << " in " << size;
    }
  }
  auto latest = proofs.inclusion_proof(0, std::nullopt);
  ASSERT_TRUE(latest) << latest.error().message();
  EXPECT_EQ(latest->tree.checkpoint.size, 11u);
  EXPECT_EQ(latest->tree.note, latest_note());
}

TEST_F(LogProofsTest, FindsTheEntryByItsLeafHash) {
  LogProofs proofs(*store_);
  auto rows = store_->log_entries(7, 1);
  ASSERT_TRUE(rows && rows->size() == 1);
  auto proof = proofs.inclusion_proof_of(log::leaf_hash(as_bytes(rows->front().body)), 11);
  ASSERT_TRUE(proof) << proof.error().message();
  EXPECT_EQ(proof->index, 7u);
}

TEST_F(LogProofsTest, AnUnknownLeafOrTreeIsNotFound) {
  LogProofs proofs(*store_);
  expect_error(proofs.inclusion_proof(11, std::nullopt), ErrorCode::kNotFound, "no log entry 11");
  expect_error(proofs.inclusion_proof(4, 4), ErrorCode::kNotFound, "tree of 4 leaves");
  expect_error(
      proofs.inclusion_proof(0, 5), ErrorCode::kNotFound, "no signed checkpoint of size 5");
  expect_error(proofs.inclusion_proof_of(crypto::sha256(as_bytes("none")), std::nullopt),
               ErrorCode::kNotFound,
               "no log entry has leaf hash");
  expect_error(proofs.checkpoint(12), ErrorCode::kNotFound, "latest is of size 11");
}

TEST_F(LogProofsTest, ConsistencyIsProvedBetweenEveryPairOfCheckpoints) {
  LogProofs proofs(*store_);
  for (std::uint64_t old_size : sizes_) {
    for (std::uint64_t new_size : sizes_) {
      if (old_size > new_size) {
        continue;
      }
      auto proof = proofs.consistency_proof(old_size, new_size);
      ASSERT_TRUE(proof) << proof.error().message();
      EXPECT_TRUE(log::verify_consistency(old_size,
                                          new_size,
                                          proof->old_tree.checkpoint.root_hash,
                                          proof->new_tree.checkpoint.root_hash,
                                          proof->hashes));
    }
  }
  auto to_latest = proofs.consistency_proof(4, std::nullopt);
  ASSERT_TRUE(to_latest) << to_latest.error().message();
  EXPECT_EQ(to_latest->new_tree.checkpoint.size, 11u);
}

TEST_F(LogProofsTest, ConsistencyNeedsAnOlderNonEmptyTreeWithACheckpoint) {
  LogProofs proofs(*store_);
  expect_error(proofs.consistency_proof(0, 4), ErrorCode::kInvalidArgument, "tree of 0 leaves");
  expect_error(proofs.consistency_proof(6, 4), ErrorCode::kInvalidArgument, "to one of 4");
  expect_error(
      proofs.consistency_proof(12, std::nullopt), ErrorCode::kInvalidArgument, "to one of 11");
  expect_error(proofs.consistency_proof(2, 6), ErrorCode::kNotFound, "checkpoint of size 2");
}

TEST_F(LogProofsTest, ATamperedEntryIsDataLossNotAProof) {
  tamper_entry(5, true);
  LogProofs proofs(*store_);
  expect_error(proofs.inclusion_proof(5, std::nullopt),
               ErrorCode::kDataLoss,
               "does not prove log entry 5 in the signed checkpoint of size 11");
  EXPECT_TRUE(proofs.inclusion_proof(4, std::nullopt));
}

TEST_F(LogProofsTest, ARewrittenLeafHashIsDataLoss) {
  set_leaf_hash(2, crypto::sha256(as_bytes("x")));
  LogProofs proofs(*store_);
  expect_error(proofs.inclusion_proof_of(crypto::sha256(as_bytes("x")), std::nullopt),
               ErrorCode::kDataLoss,
               "stored leaf hash of log entry 2");
}

TEST_F(LogProofsTest, ATamperedNodeIsDataLoss) {
  // Leaves 0..3, on the path of leaf 5 and in the proof from 6 leaves to 11.
  sql("UPDATE log_nodes SET hash = X'" + hex_encode(crypto::sha256(as_bytes("x"))) +
      "' WHERE level = 2 AND idx = 0");
  LogProofs proofs(*store_);
  expect_error(proofs.inclusion_proof(5, std::nullopt), ErrorCode::kDataLoss, "does not prove");
  expect_error(proofs.consistency_proof(6, 11), ErrorCode::kDataLoss, "does not prove");
  EXPECT_TRUE(proofs.consistency_proof(1, 4));  // whose proof does not need it
}

TEST_F(LogProofsTest, ATamperedStoredCheckpointIsDataLoss) {
  sql("UPDATE log_checkpoints SET checkpoint = (SELECT checkpoint FROM log_checkpoints WHERE "
      "size = 4) WHERE size = 6");
  LogProofs proofs(*store_);
  expect_error(
      proofs.checkpoint(6), ErrorCode::kDataLoss, "stored checkpoint of size 6 is of size 4");
  sql("UPDATE log_checkpoints SET checkpoint = replace(checkpoint, '\n4\n', '\n5\n') WHERE "
      "size = 4");
  expect_error(proofs.checkpoint(4), ErrorCode::kDataLoss, "not signed by the log key");
}

TEST_F(LogProofsTest, OpensOnlyCheckpointsOfThisLogAndKey) {
  auto head = store_->log_head().value().value();
  std::string note = latest_note();
  auto opened = open_log_checkpoint(note, head);
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_EQ(opened->checkpoint.size, 11u);

  expect_error(
      open_log_checkpoint(note.substr(0, note.size() / 2), head), ErrorCode::kInvalidArgument, "");

  // The same tree, signed as this log by another key.
  auto other_key = crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256).value();
  auto forged = log::sign_checkpoint(opened->checkpoint, head.origin, other_key.get()).value();
  expect_error(
      open_log_checkpoint(forged, head), ErrorCode::kUnauthenticated, "not signed by the log key");

  // Another log's checkpoint.
  log::Checkpoint other = opened->checkpoint;
  other.origin = "ensign.local/log-0000000000000000";
  auto foreign = log::sign_checkpoint(other, other.origin, other_key.get()).value();
  expect_error(open_log_checkpoint(foreign, head),
               ErrorCode::kUnauthenticated,
               "of the log 'ensign.local/log-0000000000000000', not of this installation's");
}

TEST(LogProofsWithoutLog, IsAFailedPrecondition) {
  test::ScratchDirectory scratch;
  auto store = open_store(scratch.root(), store::OpenMode::kCreate);
  ASSERT_TRUE(store) << store.error().message();
  LogProofs proofs(**store);
  expect_error(proofs.latest(), ErrorCode::kFailedPrecondition, "no transparency log yet");
}

}  // namespace
}  // namespace ensign::host
