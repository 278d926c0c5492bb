// Tests of the transparency log's tables through the store's API, on each backend: creating the
// log, appending batches under the write lock, reading leaves, nodes and checkpoints back, and
// every refusal storing nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <vector>

#include "host/store/store.h"
#include "unit/host/store/store_backends.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store {
namespace {

using testing::expect_error;
using testing::next_batch;
using testing::sample_log_head;

class StoreLogTest : public testing::BackendTest {
 protected:
  // append appends `batch` as made from the head it is handed, and returns what append_log did.
  Result<LogAppend> append(const std::function<LogAppend(const LogHead&)>& make) {
    return store_->append_log(
        [&](const LogHead& head, const log::NodeReader&) { return Result<LogAppend>(make(head)); });
  }

  // append_entries appends `entries` and fails the test when the store refuses them.
  void append_entries(const std::vector<std::string>& entries) {
    auto appended = append([&](const LogHead& head) { return next_batch(head, entries); });
    ASSERT_TRUE(appended) << appended.error().message();
  }

  // expect_size checks that the head, the leaves and the checkpoints all stop at `size`.
  void expect_size(std::uint64_t size) {
    auto head = store_->log_head();
    ASSERT_TRUE(head && *head);
    EXPECT_EQ((*head)->size, size);
    auto entries = store_->log_entries(0, 1000);
    ASSERT_TRUE(entries);
    EXPECT_EQ(entries->size(), size);
    EXPECT_TRUE(store_->log_checkpoint(size));
    expect_error(store_->log_checkpoint(size + 1), ErrorCode::kNotFound);
  }
};

TEST_P(StoreLogTest, NoLogBeforeCreateLog) {
  auto head = store_->log_head();
  ASSERT_TRUE(head) << head.error().message();
  EXPECT_FALSE(head->has_value());
  auto appended = append([](const LogHead& now) { return next_batch(now, {"x"}); });
  expect_error(appended, ErrorCode::kNotFound, name() + ": there is no log yet");
}

TEST_P(StoreLogTest, CreatedHeadReadsBackExactly) {
  LogHead created = sample_log_head();
  ASSERT_TRUE(store_->create_log(created));
  reopen(OpenMode::kExisting);
  auto head = store_->log_head();
  ASSERT_TRUE(head && *head);
  EXPECT_EQ((*head)->origin, created.origin);
  EXPECT_EQ((*head)->public_key, created.public_key);
  EXPECT_EQ((*head)->sealed_key, created.sealed_key);
  EXPECT_EQ((*head)->key_attestation, created.key_attestation);
  EXPECT_EQ((*head)->size, 0U);
  EXPECT_EQ((*head)->sealed_state, created.sealed_state);
  EXPECT_EQ((*head)->checkpoint, created.checkpoint);
  auto checkpoint = store_->log_checkpoint(0);
  ASSERT_TRUE(checkpoint) << checkpoint.error().message();
  EXPECT_EQ(*checkpoint, created.checkpoint);
}

TEST_P(StoreLogTest, SecondLogIsAlreadyExists) {
  ASSERT_TRUE(store_->create_log(sample_log_head()));
  auto status = store_->create_log(sample_log_head("other.test/log"));
  expect_error(status, ErrorCode::kAlreadyExists, "'ensign.test/log'");
  auto head = store_->log_head();
  ASSERT_TRUE(head && *head);
  EXPECT_EQ((*head)->origin, "ensign.test/log");
}

TEST_P(StoreLogTest, AppendedBatchesReadBackInOrder) {
  ASSERT_TRUE(store_->create_log(sample_log_head()));
  append_entries({"first", "second"});
  append_entries({"third"});
  expect_size(3);
  auto entries = store_->log_entries(1, 5);
  ASSERT_TRUE(entries) << entries.error().message();
  ASSERT_EQ(entries->size(), 2U);
  EXPECT_EQ((*entries)[0].index, 1U);
  EXPECT_EQ((*entries)[0].body, "second");
  EXPECT_EQ((*entries)[0].leaf_hash, log::leaf_hash(to_bytes("second")));
  EXPECT_EQ((*entries)[1].body, "third");
  auto head = store_->log_head();
  ASSERT_TRUE(head && *head);
  EXPECT_EQ((*head)->sealed_state, to_bytes("state 3"));
  auto checkpoint = store_->log_checkpoint(2);
  ASSERT_TRUE(checkpoint);
  EXPECT_EQ(*checkpoint, "ensign.test/log\n2\n");
}

TEST_P(StoreLogTest, MakeSeesTheHeadAndTheStoredNodes) {
  ASSERT_TRUE(store_->create_log(sample_log_head()));
  append_entries({"first"});
  auto appended = store_->append_log([](const LogHead& head, const log::NodeReader& nodes) {
    EXPECT_EQ(head.size, 1U);
    auto stored = nodes(log::NodeId{.level = 0, .index = 0});
    EXPECT_TRUE(stored) << stored.error().message();
    auto absent = nodes(log::NodeId{.level = 1, .index = 0});
    EXPECT_FALSE(absent);
    return Result<LogAppend>(next_batch(head, {"second"}));
  });
  ASSERT_TRUE(appended) << appended.error().message();
  EXPECT_EQ(appended->first_index, 1U);
}

// A signing batch holds its write through the enclave's work and the commit; the API's reads
// (tokens, keys, proofs) go on beside it, several at once, and see what was committed before it.
TEST_P(StoreLogTest, ReadsGoOnBesideAWriteInProgressAndEachOther) {
  ASSERT_TRUE(store_->create_log(sample_log_head()));
  append_entries({"first"});
  constexpr int kReaders = 4;
  auto appended = store_->append_log([&](const LogHead& head, const log::NodeReader&) {
    std::vector<std::future<Result<std::vector<LogEntryRow>>>> reads;
    for (int i = 0; i < kReaders; ++i) {
      reads.push_back(
          std::async(std::launch::async, [this] { return store_->log_entries(0, 10); }));
    }
    for (auto& read : reads) {
      // Were reads queued behind the write, none would be done before it commits.
      EXPECT_EQ(read.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    }
    for (auto& read : reads) {
      auto entries = read.get();
      EXPECT_TRUE(entries && entries->size() == 1) << (entries ? "" : entries.error().message());
    }
    return Result<LogAppend>(next_batch(head, {"second"}));
  });
  ASSERT_TRUE(appended) << appended.error().message();
}

TEST_P(StoreLogTest, FindsLeavesAndNodesByHash) {
  ASSERT_TRUE(store_->create_log(sample_log_head()));
  append_entries({"a", "b", "c"});
  auto found = store_->find_log_entry(log::leaf_hash(to_bytes("c")));
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ(*found, 2U);
  auto node = store_->log_node(log::NodeId{.level = 0, .index = 1});
  ASSERT_TRUE(node) << node.error().message();
  EXPECT_EQ(*node, log::leaf_hash(to_bytes("b")));
}

TEST_P(StoreLogTest, MissingLeavesNodesAndCheckpointsAreNotFound) {
  ASSERT_TRUE(store_->create_log(sample_log_head()));
  append_entries({"a"});
  expect_error(store_->find_log_entry(log::leaf_hash(to_bytes("z"))), ErrorCode::kNotFound);
  expect_error(
      store_->log_node(log::NodeId{.level = 0, .index = 5}), ErrorCode::kNotFound, "node 0/5");
  expect_error(store_->log_node(log::NodeId{.level = 3, .index = ~std::uint64_t{0}}),
               ErrorCode::kNotFound);
  expect_error(store_->log_checkpoint(7), ErrorCode::kNotFound, "size 7");
  auto beyond = store_->log_entries(~std::uint64_t{0}, ~std::size_t{0});
  ASSERT_TRUE(beyond) << beyond.error().message();
  EXPECT_TRUE(beyond->empty());
}

TEST_P(StoreLogTest, BatchNotAtTheHeadIsFailedPreconditionAndStoresNothing) {
  ASSERT_TRUE(store_->create_log(sample_log_head()));
  append_entries({"a"});
  auto stale = append([](const LogHead& head) {
    LogHead behind = head;
    behind.size = 0;
    return next_batch(behind, {"again"});
  });
  expect_error(stale, ErrorCode::kFailedPrecondition, "the log holds 1");
  expect_size(1);
}

TEST_P(StoreLogTest, EmptyOrUnevenBatchIsFailedPreconditionAndStoresNothing) {
  ASSERT_TRUE(store_->create_log(sample_log_head()));
  auto empty = append([](const LogHead& head) { return next_batch(head, {}); });
  expect_error(empty, ErrorCode::kFailedPrecondition, "one leaf hash per entry");
  auto uneven = append([](const LogHead& head) {
    LogAppend batch = next_batch(head, {"a", "b"});
    batch.leaf_hashes.pop_back();
    return batch;
  });
  expect_error(uneven, ErrorCode::kFailedPrecondition, "one leaf hash per entry");
  expect_size(0);
}

TEST_P(StoreLogTest, MakesErrorIsReturnedAndStoresNothing) {
  ASSERT_TRUE(store_->create_log(sample_log_head()));
  auto refused =
      store_->append_log([](const LogHead&, const log::NodeReader&) -> Result<LogAppend> {
        return fail(ErrorCode::kPermissionDenied, "the enclave refused");
      });
  expect_error(refused, ErrorCode::kPermissionDenied, "the enclave refused");
  expect_size(0);
}

TEST_P(StoreLogTest, ShortLeafHashIsRefusedAndStoresNothing) {
  ASSERT_TRUE(store_->create_log(sample_log_head()));
  auto short_hash = append([](const LogHead& head) {
    LogAppend batch = next_batch(head, {"a"});
    batch.leaf_hashes.front().pop_back();
    return batch;
  });
  expect_error(short_hash, ErrorCode::kInvalidArgument, "log entry 0");
  expect_size(0);
}

TEST_P(StoreLogTest, NegativeStoredSizeIsDataLoss) {
  ASSERT_TRUE(store_->create_log(sample_log_head()));
  store_.reset();
  // The CHECK constraint stands in the way of a plain update, so the row is put back whole.
  execute("ALTER TABLE log_head RENAME TO old_head");
  execute(
      "CREATE TABLE log_head AS SELECT id, origin, public_key, sealed_key, key_attestation, "
      "-1 AS size, sealed_state, checkpoint FROM old_head");
  reopen(OpenMode::kExisting);
  expect_error(store_->log_head(), ErrorCode::kDataLoss, name() + ": log size is negative");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreLogTest, testing::kBackends, testing::backend_name);

}  // namespace
}  // namespace ensign::host::store
