// Tests of Statement: bound parameters round-trip exactly, and reads with the wrong storage type
// are DataLoss rather than a silent conversion.
#include "host/store/internal/statement.h"

#include <gtest/gtest.h>

#include "unit/host/store/store_test_support.h"

namespace ensign::host::store::internal {
namespace {

using testing::contains;
using testing::expect_error;

constexpr const char* kMemoryDatabaseName = "memory.db";

class StatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connection_ = testing::memory_connection();
    ASSERT_EQ(sqlite3_exec(connection_.get(),
                           "CREATE TABLE t (i INTEGER, s TEXT, b BLOB, u TEXT UNIQUE)",
                           nullptr,
                           nullptr,
                           nullptr),
              SQLITE_OK);
  }

  Statement prepare(std::string_view sql) {
    auto statement = Statement::prepare(connection_.get(), kMemoryDatabaseName, sql);
    EXPECT_TRUE(statement) << statement.error().message();
    return std::move(*statement);
  }

  // select_row prepares `sql` and steps to its first row.
  Statement select_row(std::string_view sql) {
    Statement statement = prepare(sql);
    auto has_row = statement.step();
    EXPECT_TRUE(has_row && *has_row);
    return statement;
  }

  ConnectionPtr connection_;
};

TEST_F(StatementTest, BoundValuesRoundTrip) {
  Statement insert = prepare("INSERT INTO t (i, s, b) VALUES (?1, ?2, ?3)");
  Bytes blob = {0x00, 0xff, 0x10};
  ASSERT_TRUE(insert.bind_integer(1, -42));
  ASSERT_TRUE(insert.bind_text(2, std::string_view("a\0b", 3)));
  ASSERT_TRUE(insert.bind_blob(3, blob));
  ASSERT_TRUE(insert.run("insert"));
  Statement select = select_row("SELECT i, s, b FROM t");
  EXPECT_EQ(*select.integer(0), -42);
  EXPECT_EQ(*select.text(1), std::string("a\0b", 3));
  EXPECT_EQ(*select.blob(2), blob);
  auto done = select.step();
  ASSERT_TRUE(done);
  EXPECT_FALSE(*done);
}

TEST_F(StatementTest, EmptyValuesStayValuesNotNull) {
  Statement insert = prepare("INSERT INTO t (s, b) VALUES (?1, ?2)");
  ASSERT_TRUE(insert.bind_text(1, ""));
  ASSERT_TRUE(insert.bind_blob(2, Bytes{}));
  ASSERT_TRUE(insert.run("insert"));
  Statement select = select_row("SELECT s, b, i FROM t");
  EXPECT_FALSE(select.is_null(0));
  EXPECT_FALSE(select.is_null(1));
  EXPECT_TRUE(select.is_null(2));
  EXPECT_EQ(*select.text(0), "");
  EXPECT_TRUE(select.blob(1)->empty());
}

TEST_F(StatementTest, TextReadAsIntegerIsDataLossNamingTheColumn) {
  Statement select = select_row("SELECT '12' AS version");
  auto value = select.integer(0);
  expect_error(value, ErrorCode::kDataLoss, "column 'version' holds text, not an integer");
  EXPECT_TRUE(contains(value.error().message(), kMemoryDatabaseName));
}

TEST_F(StatementTest, BlobReadAsTextIsDataLoss) {
  Statement select = select_row("SELECT x'00ff' AS name");
  auto value = select.text(0);
  expect_error(value, ErrorCode::kDataLoss);
}

TEST_F(StatementTest, NullReadAsBlobIsDataLoss) {
  Statement select = select_row("SELECT NULL AS public_key");
  auto value = select.blob(0);
  expect_error(value, ErrorCode::kDataLoss, "holds NULL");
}

TEST_F(StatementTest, RealReadAsIntegerIsDataLoss) {
  Statement select = select_row("SELECT 1.5 AS at");
  EXPECT_EQ(select.integer(0).error().code(), ErrorCode::kDataLoss);
}

TEST_F(StatementTest, BadSqlFailsNamingThePath) {
  auto statement = Statement::prepare(connection_.get(), kMemoryDatabaseName, "SELEC nothing");
  ASSERT_FALSE(statement);
  EXPECT_TRUE(contains(statement.error().message(), kMemoryDatabaseName))
      << statement.error().message();
}

TEST_F(StatementTest, EmptySqlIsInternal) {
  auto statement = Statement::prepare(connection_.get(), kMemoryDatabaseName, "  ");
  expect_error(statement, ErrorCode::kInternal);
}

TEST_F(StatementTest, RunOnAQueryWithRowsIsInternal) {
  Statement select = prepare("SELECT 1");
  auto status = select.run("count");
  expect_error(status, ErrorCode::kInternal);
}

TEST_F(StatementTest, UniqueConflictIsAlreadyExistsWithTheGivenContext) {
  ASSERT_EQ(
      sqlite3_exec(connection_.get(), "INSERT INTO t (u) VALUES ('x')", nullptr, nullptr, nullptr),
      SQLITE_OK);
  Statement insert = prepare("INSERT INTO t (u) VALUES (?1)");
  ASSERT_TRUE(insert.bind_text(1, "x"));
  auto status = insert.run("cannot store fingerprint x");
  expect_error(status, ErrorCode::kAlreadyExists, "cannot store fingerprint x");
}

TEST_F(StatementTest, ParameterOutOfRangeIsInvalidArgument) {
  Statement select = prepare("SELECT ?1");
  auto status = select.bind_integer(2, 1);
  expect_error(status, ErrorCode::kInvalidArgument);
}

TEST_F(StatementTest, ValueOverTheLengthLimitIsResourceExhausted) {
  sqlite3_limit(connection_.get(), SQLITE_LIMIT_LENGTH, 100);
  Statement select = prepare("SELECT ?1");
  auto status = select.bind_text(1, std::string(101, 'x'));
  expect_error(status, ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace ensign::host::store::internal
