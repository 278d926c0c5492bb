// Tests of the schema: migrations, and the read-only inspection that tells an ensign database from
// an empty file, a foreign or damaged one, and a newer ensign's.
#include "host/store/internal/schema.h"

#include <gtest/gtest.h>

#include "host/store/internal/sqlite_error.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store::internal {
namespace {

using testing::contains;
using testing::expect_error;
using testing::raw_execute;
using testing::raw_text;
using testing::ScratchDirectory;
using testing::write_all;

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = directory_.path("state.db");
    write_all(path_, "");
  }

  // open connects to path_, failing the test when it cannot.
  Database open() {
    auto database = Database::open(path_);
    EXPECT_TRUE(database) << database.error().message();
    return std::move(*database);
  }

  ScratchDirectory directory_;
  std::string path_;
};

// expect_inspect_fails inspects `database` and expects `code` with `phrase` in the message.
void expect_inspect_fails(const Database& database, ErrorCode code, const std::string& phrase) {
  expect_error(inspect(database), code, database.path() + ": " + phrase);
}

TEST_F(SchemaTest, EmptyFileInspectsAsEmpty) {
  auto inspection = inspect(open());
  ASSERT_TRUE(inspection) << inspection.error().message();
  EXPECT_TRUE(inspection->empty);
  EXPECT_EQ(inspection->schema_version, 0);
}

TEST_F(SchemaTest, MigrateAppliesEveryStepAndStampsTheFile) {
  Database database = open();
  ASSERT_TRUE(migrate(database));
  auto inspection = inspect(database);
  ASSERT_TRUE(inspection);
  EXPECT_FALSE(inspection->empty);
  EXPECT_EQ(inspection->schema_version, static_cast<std::int64_t>(migrations().size()));
  EXPECT_TRUE(check_objects(database));
  EXPECT_TRUE(check_integrity(database));
  EXPECT_EQ(raw_text(path_, "PRAGMA application_id"), std::to_string(kApplicationId));
}

TEST_F(SchemaTest, MigrateIsIdempotent) {
  Database database = open();
  ASSERT_TRUE(migrate(database));
  ASSERT_TRUE(migrate(database));
  EXPECT_EQ(*database.query_integer("PRAGMA user_version"),
            static_cast<std::int64_t>(migrations().size()));
}

TEST_F(SchemaTest, MigrateResumesAnEnsignFileWithPendingSteps) {
  ASSERT_EQ(raw_execute(path_, "PRAGMA application_id = " + std::to_string(kApplicationId)),
            SQLITE_OK);
  Database database = open();
  auto inspection = inspect(database);
  ASSERT_TRUE(inspection);
  EXPECT_FALSE(inspection->empty);
  EXPECT_EQ(inspection->schema_version, 0);
  ASSERT_TRUE(migrate(database));
  EXPECT_TRUE(check_objects(database));
}

TEST_F(SchemaTest, FailedStepChangesNothing) {
  // A table in the way makes migration 1 fail; the stamp must not be written either.
  ASSERT_EQ(raw_execute(path_,
                        "PRAGMA application_id = " + std::to_string(kApplicationId) +
                            "; CREATE TABLE audit (x)"),
            SQLITE_OK);
  Database database = open();
  auto status = migrate(database);
  ASSERT_FALSE(status);
  EXPECT_TRUE(contains(status.error().message(), "schema migration 1")) << status.error().message();
  EXPECT_EQ(raw_text(path_, "PRAGMA user_version"), "0");
  EXPECT_EQ(raw_text(path_, "SELECT count(*) FROM sqlite_schema"), "1");
}

TEST_F(SchemaTest, TablesWithoutApplicationIdAreForeign) {
  ASSERT_EQ(raw_execute(path_, "CREATE TABLE notes (body)"), SQLITE_OK);
  expect_inspect_fails(open(), ErrorCode::kDataLoss, "not an ensign database");
}

TEST_F(SchemaTest, UserVersionWithoutApplicationIdIsForeign) {
  ASSERT_EQ(raw_execute(path_, "PRAGMA user_version = 3"), SQLITE_OK);
  expect_inspect_fails(open(), ErrorCode::kDataLoss, "not an ensign database");
}

TEST_F(SchemaTest, OtherApplicationIdIsForeignAndNamed) {
  ASSERT_EQ(raw_execute(path_, "PRAGMA application_id = 305419896"), SQLITE_OK);
  expect_inspect_fails(
      open(), ErrorCode::kDataLoss, "not an ensign database (SQLite application_id 0x12345678)");
}

TEST_F(SchemaTest, NewerSchemaIsFailedPrecondition) {
  Database database = open();
  ASSERT_TRUE(migrate(database));
  ASSERT_TRUE(database.execute("PRAGMA user_version = 99", "bump"));
  expect_inspect_fails(database, ErrorCode::kFailedPrecondition, "schema version 99");
  auto status = migrate(database);
  expect_error(status, ErrorCode::kFailedPrecondition);
}

TEST_F(SchemaTest, NegativeSchemaVersionIsDataLoss) {
  ASSERT_EQ(raw_execute(path_,
                        "PRAGMA application_id = " + std::to_string(kApplicationId) +
                            "; PRAGMA user_version = -5"),
            SQLITE_OK);
  expect_inspect_fails(open(), ErrorCode::kDataLoss, "invalid schema version -5");
}

TEST_F(SchemaTest, NonDatabaseIsDataLoss) {
  write_all(path_, std::string(4096, 'z'));
  expect_inspect_fails(open(), ErrorCode::kDataLoss, std::string(kCorruptFile));
}

TEST_F(SchemaTest, ViewIsAnUnexpectedObject) {
  Database database = open();
  ASSERT_TRUE(migrate(database));
  ASSERT_TRUE(database.execute("CREATE VIEW everything AS SELECT * FROM keys", "view"));
  auto status = check_objects(database);
  expect_error(status, ErrorCode::kDataLoss, "view 'everything'");
}

TEST_F(SchemaTest, MissingTableIsDataLoss) {
  Database database = open();
  ASSERT_TRUE(migrate(database));
  ASSERT_TRUE(database.execute("DROP TABLE audit", "drop"));
  auto status = check_objects(database);
  ASSERT_FALSE(status);
  EXPECT_TRUE(contains(status.error().message(), "table 'audit' is missing"));
}

TEST_F(SchemaTest, DamagedPageFailsTheIntegrityCheck) {
  {
    Database database = open();
    ASSERT_TRUE(migrate(database));
    ASSERT_TRUE(database.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
        "INSERT INTO meta SELECT 'name' || i, hex(randomblob(40)) FROM n",
        "fill"));
  }
  std::string bytes = testing::read_all(path_);
  constexpr std::ptrdiff_t kThirdPage = std::ptrdiff_t{2} * 4096;
  ASSERT_GT(bytes.size(), static_cast<std::size_t>(kThirdPage + 4096));
  // Scribble over the cell area of the third page, leaving its header intact.
  std::fill(bytes.begin() + kThirdPage + 1000, bytes.begin() + kThirdPage + 3000, '\x7f');
  write_all(path_, bytes);
  auto status = check_integrity(open());
  expect_error(status, ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace ensign::host::store::internal
