// Tests of Database (opening, executing, configuration) and of the write transaction that wraps
// every change.
#include "host/store/internal/database.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "unit/host/store/store_test_support.h"

namespace ensign::host::store::internal {
namespace {

using testing::contains;
using testing::expect_error;
using testing::ScratchDirectory;
using testing::write_all;

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = directory_.path("db");
    write_all(path_, "");
    auto opened = Database::open(path_);
    ASSERT_TRUE(opened) << opened.error().message();
    database_ = std::make_unique<Database>(std::move(*opened));
    ASSERT_TRUE(database_->execute("CREATE TABLE t (value INTEGER NOT NULL)", "create"));
  }

  std::int64_t count() {
    auto rows = database_->query_integer("SELECT count(*) FROM t");
    EXPECT_TRUE(rows);
    return rows ? *rows : -1;
  }

  ScratchDirectory directory_;
  std::string path_;
  std::unique_ptr<Database> database_;
};

TEST_F(DatabaseTest, OpenNeverCreatesAFile) {
  std::string missing = directory_.path("missing.db");
  auto opened = Database::open(missing);
  expect_error(opened, ErrorCode::kUnavailable, missing);
  EXPECT_EQ(testing::entries(directory_).count("missing.db"), 0U);
}

TEST_F(DatabaseTest, QueryIntegerReadsTheFirstColumn) {
  ASSERT_TRUE(database_->execute("INSERT INTO t VALUES (7); INSERT INTO t VALUES (8)", "insert"));
  EXPECT_EQ(count(), 2);
  auto sum = database_->query_integer("SELECT sum(value) FROM t");
  ASSERT_TRUE(sum);
  EXPECT_EQ(*sum, 15);
}

TEST_F(DatabaseTest, QueryIntegerWithoutARowIsDataLoss) {
  auto value = database_->query_integer("SELECT value FROM t");
  expect_error(value, ErrorCode::kDataLoss);
}

TEST_F(DatabaseTest, QueryIntegerOfTextIsDataLoss) {
  auto value = database_->query_integer("SELECT 'seven'");
  expect_error(value, ErrorCode::kDataLoss);
}

TEST_F(DatabaseTest, FailedExecuteNamesPathAndWhat) {
  auto status = database_->execute("INSERT INTO t VALUES (NULL)", "cannot add a row");
  expect_error(status, ErrorCode::kInvalidArgument, path_ + ": cannot add a row: ");
}

TEST_F(DatabaseTest, DefensiveModeRefusesSchemaSurgery) {
  auto status = database_->execute(
      "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = 'CREATE TABLE t (x)'",
      "surgery");
  ASSERT_FALSE(status);
  EXPECT_TRUE(contains(status.error().message(), "surgery")) << status.error().message();
}

TEST_F(DatabaseTest, AttachingAnotherFileIsRefused) {
  auto status =
      database_->execute("ATTACH DATABASE '" + directory_.path("other.db") + "' AS x", "attach");
  ASSERT_FALSE(status);
  EXPECT_EQ(testing::entries(directory_).count("other.db"), 0U);
}

TEST_F(DatabaseTest, OversizedValueIsResourceExhausted) {
  auto statement = database_->prepare("SELECT zeroblob(?1)");
  ASSERT_TRUE(statement);
  ASSERT_TRUE(statement->bind_integer(1, kMaxValueBytes + 1));
  auto row = statement->step();
  expect_error(row, ErrorCode::kResourceExhausted);
}

TEST_F(DatabaseTest, InTransactionCommitsOnSuccess) {
  auto status = in_transaction(*database_, [this]() -> Status {
    return database_->execute("INSERT INTO t VALUES (1)", "insert");
  });
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_EQ(count(), 1);
  EXPECT_NE(sqlite3_get_autocommit(database_->connection()), 0);
}

TEST_F(DatabaseTest, InTransactionReturnsTheValue) {
  auto value = in_transaction(*database_, [this]() -> Result<std::int64_t> {
    ENSIGN_CHECK(database_->execute("INSERT INTO t VALUES (5)", "insert"));
    return database_->query_integer("SELECT value FROM t");
  });
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, 5);
}

TEST_F(DatabaseTest, InTransactionRollsBackOnFailure) {
  auto status = in_transaction(*database_, [this]() -> Status {
    ENSIGN_CHECK(database_->execute("INSERT INTO t VALUES (1)", "insert"));
    return fail(ErrorCode::kFailedPrecondition, "changed my mind");
  });
  expect_error(status, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(count(), 0);
  EXPECT_NE(sqlite3_get_autocommit(database_->connection()), 0);
}

TEST_F(DatabaseTest, UncommittedTransactionRollsBackWhenDestroyed) {
  {
    auto transaction = Transaction::begin(*database_);
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(database_->execute("INSERT INTO t VALUES (1)", "insert"));
  }
  EXPECT_EQ(count(), 0);
}

TEST_F(DatabaseTest, NestedBeginFails) {
  auto outer = Transaction::begin(*database_);
  ASSERT_TRUE(outer);
  auto inner = Transaction::begin(*database_);
  ASSERT_FALSE(inner);
  EXPECT_TRUE(contains(inner.error().message(), "cannot begin")) << inner.error().message();
  EXPECT_TRUE(outer->commit());
}

TEST_F(DatabaseTest, WriteLockHeldElsewhereIsWaitedFor) {
  // Another connection holds the write lock for a moment; begin() waits instead of failing.
  auto other = Database::open(path_);
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)", "hold"));
  std::thread holder([&other]() {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(other->execute("COMMIT", "release"));
  });
  auto status = in_transaction(*database_, [this]() -> Status {
    return database_->execute("INSERT INTO t VALUES (2)", "insert");
  });
  holder.join();
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_EQ(count(), 2);
}

}  // namespace
}  // namespace ensign::host::store::internal
