#include "host/log_checks.h"

#include <gtest/gtest.h>

#include "core/time.h"
#include "crypto/keys.h"
#include "log/checkpoint.h"
#include "log_fixture.h"

namespace ensign::host {
namespace {

class LogChecksTest : public LogFixture {
 protected:
  store::LogHead head() { return store_->log_head().value().value(); }

  // fork_note has a restarted enclave continue the log from `sealed_state`, older than the
  // store's, with `count` new entries, as a host that restarts the enclave can
  // (docs/transparency-log.md), and returns the checkpoint of that other tree.
  std::string fork_note(const Bytes& sealed_state, std::size_t count) {
    auto restarted = EnclaveClient::start({enclave_binary(), home_, false, false, "sim", ""});
    EXPECT_TRUE(restarted) << restarted.error().message();
    std::vector<enclave::protocol::SignItem> items;
    for (std::size_t i = 0; i < count; ++i) {
      items.push_back(item(1000 + i));
    }
    auto reply =
        (*restarted)
            ->sign(
                {head().sealed_key, sealed_state, static_cast<std::uint64_t>(now_unix()), items, {}});
    EXPECT_TRUE(reply) << reply.error().message();
    return reply ? as_string(reply->checkpoint) : "";
  }

  // forged_note returns the latest checkpoint signed as this log by another key.
  std::string forged_note() {
    auto opened = open_log_checkpoint(latest_note(), head()).value();
    auto key = crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256).value();
    return log::sign_checkpoint(opened.checkpoint, head().origin, key.get()).value();
  }

  formats::Bundle sign_bundle(const std::string& payload) {
    auto bundle = keys_->sign_dsse("release", "text/plain", as_bytes(payload), {});
    EXPECT_TRUE(bundle) << bundle.error().message();
    return bundle ? std::move(bundle).value() : formats::Bundle{};
  }
};

TEST_F(LogChecksTest, AKeptCheckpointIsExtendedByTheLatest) {
  sign_batches({2});
  std::string kept = latest_note();
  sign_batches({3, 1});
  LogProofs proofs(*store_);
  auto checked = check_kept_checkpoint(proofs, kept);
  ASSERT_TRUE(checked) << checked.error().message();
  EXPECT_EQ(checked->old_tree.checkpoint.size, 2u);
  EXPECT_EQ(checked->new_tree.checkpoint.size, 6u);
  EXPECT_EQ(checked->old_tree.note, kept);
  EXPECT_TRUE(log::verify_consistency(2,
                                      6,
                                      checked->old_tree.checkpoint.root_hash,
                                      checked->new_tree.checkpoint.root_hash,
                                      checked->hashes));
}

TEST_F(LogChecksTest, TheLatestAndTheEmptyTreeAreConsistentWithTheLatest) {
  ASSERT_TRUE(log_->head());
  std::string empty = latest_note();
  sign_batches({3});
  LogProofs proofs(*store_);
  EXPECT_TRUE(check_kept_checkpoint(proofs, empty));
  auto itself = check_kept_checkpoint(proofs, latest_note());
  ASSERT_TRUE(itself) << itself.error().message();
  EXPECT_TRUE(itself->hashes.empty());
}

TEST_F(LogChecksTest, RefusesAMalformedCheckpoint) {
  sign_batches({1});
  std::string note = latest_note();
  LogProofs proofs(*store_);
  expect_error(check_kept_checkpoint(proofs, note.substr(0, note.size() - 10)),
               ErrorCode::kInvalidArgument,
               "");
  expect_error(
      check_kept_checkpoint(proofs, "not a checkpoint\n"), ErrorCode::kInvalidArgument, "");
}

TEST_F(LogChecksTest, RefusesACheckpointOfAnotherLogOrKey) {
  sign_batches({1});
  test::ScratchDirectory elsewhere;
  auto other_store = open_store(elsewhere.root(), store::OpenMode::kCreate).value();
  LogService other_log(*other_store, *enclave_);
  auto other_head = other_log.head();
  ASSERT_TRUE(other_head) << other_head.error().message();
  LogProofs proofs(*store_);
  expect_error(check_kept_checkpoint(proofs, other_head->checkpoint),
               ErrorCode::kUnauthenticated,
               "is of the log '" + other_head->origin + "', not of this installation's log '" +
                   head().origin + "'");
  expect_error(check_kept_checkpoint(proofs, forged_note()),
               ErrorCode::kUnauthenticated,
               "not signed by the log key");
}

TEST_F(LogChecksTest, RefusesAForkOfTheLog) {
  sign_batches({1});
  Bytes state = head().sealed_state;
  sign_batches({1});
  std::string same_size = fork_note(state, 1);
  std::string newer = fork_note(state, 3);
  LogProofs proofs(*store_);
  expect_error(check_kept_checkpoint(proofs, same_size),
               ErrorCode::kUnauthenticated,
               "the checkpoint of size 2 is not a prefix of the checkpoint of size 2");
  expect_error(check_kept_checkpoint(proofs, newer),
               ErrorCode::kUnauthenticated,
               "newer than the log's latest, of size 2: the log was rolled back");
  sign_batches({3});
  expect_error(check_kept_checkpoint(proofs, same_size),
               ErrorCode::kUnauthenticated,
               "the checkpoint of size 2 is not a prefix of the checkpoint of size 5");
}

TEST_F(LogChecksTest, RefusesALogThatLostTheKeptTree) {
  sign_batches({2});
  std::string kept = latest_note();
  sign_batches({2});
  sql("DELETE FROM log_checkpoints WHERE size = 2");
  LogProofs proofs(*store_);
  expect_error(check_kept_checkpoint(proofs, kept),
               ErrorCode::kUnauthenticated,
               "no signed checkpoint of size 2");
}

TEST_F(LogChecksTest, ABundlesEntryIsInTheLogAndConsistentWithLaterTrees) {
  std::vector<formats::Bundle> bundles;
  for (const char* payload : {"one", "two", "three"}) {
    bundles.push_back(sign_bundle(payload));
  }
  sign_batches({2});
  LogProofs proofs(*store_);
  auto first_tree = open_log_checkpoint(bundles[0].tlog_entries[0].checkpoint, head()).value();
  for (std::size_t i = 0; i < bundles.size(); ++i) {
    auto checked = check_tlog_entry(proofs, bundles[i], nullptr);
    ASSERT_TRUE(checked) << checked.error().message();
    EXPECT_EQ(checked->index, i);
    EXPECT_EQ(checked->tree.checkpoint.size, i + 1);
    EXPECT_EQ(checked->against.checkpoint.size, 5u);
    // An older checkpoint than the bundle's is checked as a prefix of it.
    auto against_older = check_tlog_entry(proofs, bundles[i], &first_tree);
    ASSERT_TRUE(against_older) << against_older.error().message();
  }
}

TEST_F(LogChecksTest, RefusesAnEditedOrForeignEntry) {
  formats::Bundle bundle = sign_bundle("one");
  formats::Bundle other = sign_bundle("two");
  LogProofs proofs(*store_);

  formats::Bundle edited = bundle;
  edited.tlog_entries[0].canonicalized_body.back() ^= 1;
  expect_error(check_tlog_entry(proofs, edited, nullptr),
               ErrorCode::kUnauthenticated,
               "the inclusion proof of log entry 0 in the checkpoint of size 1");

  formats::Bundle moved = bundle;
  moved.tlog_entries = other.tlog_entries;
  expect_error(check_tlog_entry(proofs, moved, nullptr),
               ErrorCode::kUnauthenticated,
               "logs another signature than the bundle's");

  formats::Bundle other_log = bundle;
  other_log.tlog_entries[0].log_id = crypto::sha256(as_bytes("another key"));
  expect_error(
      check_tlog_entry(proofs, other_log, nullptr), ErrorCode::kUnauthenticated, "of another log");

  formats::Bundle other_tree = bundle;
  other_tree.tlog_entries[0].tree_size = 2;
  expect_error(check_tlog_entry(proofs, other_tree, nullptr),
               ErrorCode::kUnauthenticated,
               "tree size and root are not those of its checkpoint of size 1");

  formats::Bundle no_entry = bundle;
  no_entry.tlog_entries.clear();
  expect_error(
      check_tlog_entry(proofs, no_entry, nullptr), ErrorCode::kInvalidArgument, "no tlog entry");
}

TEST_F(LogChecksTest, RefusesABundleOfAForkedTree) {
  formats::Bundle bundle = sign_bundle("one");
  Bytes state = head().sealed_state;
  sign_batches({1});
  LogProofs proofs(*store_);

  formats::Bundle forged = bundle;
  forged.tlog_entries[0].checkpoint = forged_note();
  expect_error(check_tlog_entry(proofs, forged, nullptr),
               ErrorCode::kUnauthenticated,
               "the tlog entry's checkpoint: the checkpoint is not signed by the log key");

  auto fork = open_log_checkpoint(fork_note(state, 1), head()).value();
  expect_error(check_tlog_entry(proofs, bundle, &fork),
               ErrorCode::kUnauthenticated,
               "the checkpoint of size 1 is not a prefix of the checkpoint of size 2");
}

}  // namespace
}  // namespace ensign::host
