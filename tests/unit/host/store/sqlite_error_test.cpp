// Tests of the SQLite-to-ensign error mapping and message format.
#include "host/store/internal/sqlite_error.h"

#include <gtest/gtest.h>

#include "unit/host/store/store_test_support.h"

namespace ensign::host::store::internal {
namespace {

using testing::contains;

TEST(SqliteErrorTest, DamagedFilesAreDataLoss) {
  EXPECT_EQ(error_code_for(SQLITE_CORRUPT), ErrorCode::kDataLoss);
  EXPECT_EQ(error_code_for(SQLITE_NOTADB), ErrorCode::kDataLoss);
  EXPECT_EQ(error_code_for(SQLITE_CORRUPT_INDEX), ErrorCode::kDataLoss);
}

TEST(SqliteErrorTest, ConstraintsMapByKind) {
  EXPECT_EQ(error_code_for(SQLITE_CONSTRAINT_UNIQUE), ErrorCode::kAlreadyExists);
  EXPECT_EQ(error_code_for(SQLITE_CONSTRAINT_PRIMARYKEY), ErrorCode::kAlreadyExists);
  EXPECT_EQ(error_code_for(SQLITE_CONSTRAINT_FOREIGNKEY), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(error_code_for(SQLITE_CONSTRAINT_CHECK), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_code_for(SQLITE_CONSTRAINT_NOTNULL), ErrorCode::kInvalidArgument);
}

TEST(SqliteErrorTest, ContentionAndLimitsMapToRetryableCodes) {
  EXPECT_EQ(error_code_for(SQLITE_BUSY), ErrorCode::kUnavailable);
  EXPECT_EQ(error_code_for(SQLITE_BUSY_SNAPSHOT), ErrorCode::kUnavailable);
  EXPECT_EQ(error_code_for(SQLITE_IOERR_SHORT_READ), ErrorCode::kUnavailable);
  EXPECT_EQ(error_code_for(SQLITE_FULL), ErrorCode::kResourceExhausted);
  EXPECT_EQ(error_code_for(SQLITE_TOOBIG), ErrorCode::kResourceExhausted);
  EXPECT_EQ(error_code_for(SQLITE_READONLY), ErrorCode::kPermissionDenied);
}

TEST(SqliteErrorTest, UnexpectedCodesAreInternal) {
  EXPECT_EQ(error_code_for(SQLITE_ERROR), ErrorCode::kInternal);
  EXPECT_EQ(error_code_for(SQLITE_MISUSE), ErrorCode::kInternal);
  EXPECT_EQ(error_code_for(SQLITE_SCHEMA), ErrorCode::kInternal);
}

TEST(SqliteErrorTest, MessageNamesPathWhatAndSqlite) {
  Error error = sqlite_error(nullptr, SQLITE_BUSY, "/var/lib/ensign/state.db", "cannot begin");
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(error.message(),
            "/var/lib/ensign/state.db: cannot begin: database is locked (SQLite code 5)");
}

TEST(SqliteErrorTest, DataLossMessageSaysNotADatabaseOrCorrupt) {
  Error error = sqlite_error(nullptr, SQLITE_NOTADB, "/tmp/x.db", "query failed");
  EXPECT_EQ(error.code(), ErrorCode::kDataLoss);
  EXPECT_TRUE(contains(error.message(), "/tmp/x.db: " + std::string(kCorruptFile)))
      << error.message();
  EXPECT_EQ(error.message().find('\n'), std::string::npos);
}

TEST(SqliteErrorTest, DataLossHelperPrefixesThePath) {
  Error error = data_loss("/tmp/x.db", "key 'a': unknown key algorithm");
  EXPECT_EQ(error.code(), ErrorCode::kDataLoss);
  EXPECT_EQ(error.message(), "/tmp/x.db: key 'a': unknown key algorithm");
}

}  // namespace
}  // namespace ensign::host::store::internal
