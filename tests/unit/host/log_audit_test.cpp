#include "host/log_audit.h"

#include <gtest/gtest.h>

#include "log_fixture.h"

namespace ensign::host {
namespace {

class LogAuditTest : public LogFixture {
 protected:
  void SetUp() override {
    LogFixture::SetUp();
    sign_batches({1, 3, 2, 5});  // checkpoints of 0, 1, 4, 6 and 11 leaves
  }
};

TEST_F(LogAuditTest, AGoodLogPassesWhateverThePageSize) {
  for (std::size_t page_size : {std::size_t{1}, std::size_t{2}, kAuditPageSize}) {
    auto audit = audit_log(*store_, page_size);
    ASSERT_TRUE(audit) << audit.error().message();
    EXPECT_EQ(audit->size, 11u);
    EXPECT_EQ(audit->checkpoints, 5u);
  }
}

TEST_F(LogAuditTest, ALogWithoutBatchCheckpointsIsCheckedAgainstTheLatest) {
  sql("DELETE FROM log_checkpoints");
  auto audit = audit_log(*store_);
  ASSERT_TRUE(audit) << audit.error().message();
  EXPECT_EQ(audit->checkpoints, 1u);
}

// A tampered entry, and the checkpoint of the batch that logged it.
struct Tampering {
  std::uint64_t index;
  std::uint64_t checkpoint_size;

  friend void PrintTo(const Tampering& tampering, std::ostream* out) {
    *out << "entry " << tampering.index << " of the batch up to " << tampering.checkpoint_size;
  }
};

class LogAuditTamperingTest : public LogAuditTest, public ::testing::WithParamInterface<Tampering> {
 protected:
  // blame is what the audit says of the tampered entry when checked against the tree of `size`.
  std::string blame(std::uint64_t size) const {
    return "log entry " + std::to_string(GetParam().index) +
           " does not match the signed checkpoint of size " + std::to_string(size);
  }
};

TEST_P(LogAuditTamperingTest, ATamperedBodyIsNamed) {
  tamper_entry(GetParam().index, false);
  expect_error(audit_log(*store_, 2), ErrorCode::kDataLoss, blame(GetParam().checkpoint_size));
}

TEST_P(LogAuditTamperingTest, ATamperedBodyIsNamedWhenItsLeafHashWasRewrittenToo) {
  tamper_entry(GetParam().index, true);
  expect_error(audit_log(*store_, 2), ErrorCode::kDataLoss, blame(GetParam().checkpoint_size));
}

TEST_P(LogAuditTamperingTest, WithoutBatchCheckpointsTheLatestNamesIt) {
  tamper_entry(GetParam().index, true);
  sql("DELETE FROM log_checkpoints WHERE size > 0");
  expect_error(audit_log(*store_), ErrorCode::kDataLoss, blame(11));
}

INSTANTIATE_TEST_SUITE_P(EveryBatch,
                         LogAuditTamperingTest,
                         ::testing::Values(Tampering{0, 1},
                                           Tampering{1, 4},
                                           Tampering{3, 4},
                                           Tampering{5, 6},
                                           Tampering{6, 11},
                                           Tampering{10, 11}),
                         [](const ::testing::TestParamInfo<Tampering>& param) {
                           return "Entry" + std::to_string(param.param.index);
                         });

TEST_F(LogAuditTest, TwoTamperedEntriesNameTheFirst) {
  tamper_entry(9, false);
  tamper_entry(7, true);
  expect_error(audit_log(*store_),
               ErrorCode::kDataLoss,
               "log entry 7 does not match the signed checkpoint of size 11");
}

TEST_F(LogAuditTest, RewrittenNodesNarrowItOnlyToTheBatch) {
  tamper_entry(5, true);
  auto rows = store_->log_entries(5, 1);
  ASSERT_TRUE(rows && rows->size() == 1);
  sql("UPDATE log_nodes SET hash = X'" + hex_encode(rows->front().leaf_hash) +
      "' WHERE level = 0 AND idx = 5");
  expect_error(audit_log(*store_),
               ErrorCode::kDataLoss,
               "one of log entries 4 to 5 does not match the signed checkpoint of size 6");
}

TEST_F(LogAuditTest, AStaleLeafHashIsNamed) {
  set_leaf_hash(3, crypto::sha256(as_bytes("stale")));
  expect_error(audit_log(*store_),
               ErrorCode::kDataLoss,
               "the stored leaf hash of log entry 3 is not the hash of its body");
}

TEST_F(LogAuditTest, AMissingEntryIsNamed) {
  sql("DELETE FROM log_entries WHERE idx = 7");
  expect_error(audit_log(*store_, 3), ErrorCode::kDataLoss, "log entry 7 is missing");
  sql("DELETE FROM log_entries WHERE idx >= 7");
  expect_error(audit_log(*store_, 3), ErrorCode::kDataLoss, "log entry 7 is missing");
}

TEST_F(LogAuditTest, AnEntryBeyondTheLatestCheckpointIsNamed) {
  sql("INSERT INTO log_entries (idx, body, leaf_hash) SELECT 11, body, leaf_hash FROM "
      "log_entries WHERE idx = 10");
  expect_error(audit_log(*store_),
               ErrorCode::kDataLoss,
               "log entry 11 is beyond the latest signed checkpoint, of size 11");
}

TEST_F(LogAuditTest, ACheckpointNotSignedByTheLogKeyFails) {
  sql("UPDATE log_checkpoints SET checkpoint = replace(checkpoint, '\n6\n', '\n7\n') WHERE "
      "size = 6");
  expect_error(audit_log(*store_), ErrorCode::kDataLoss, "the stored checkpoint of size 6");
}

TEST(LogAuditWithoutLog, IsAFailedPrecondition) {
  test::ScratchDirectory scratch;
  auto store = open_store(scratch.root(), store::OpenMode::kCreate);
  ASSERT_TRUE(store) << store.error().message();
  expect_error(audit_log(**store), ErrorCode::kFailedPrecondition, "no transparency log yet");
}

}  // namespace
}  // namespace ensign::host
