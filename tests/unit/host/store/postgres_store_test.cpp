// Tests of opening a PostgreSQL store on databases it must refuse or migrate: empty, foreign,
// from a newer ensign, with objects that would run foreign SQL, older, or opened by several
// processes at once; and what PostgreSQL refuses that SQLite stores.
#include "host/store/internal/postgres_store.h"

#include <gtest/gtest.h>

#include "host/store/internal/migrations.h"
#include "host/store/store.h"
#include "unit/host/store/store_backends.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store {
namespace {

using testing::expect_error;
using testing::sample_version;

constexpr int kOpeners = 4;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::new_postgres_database(url_); }

  [[nodiscard]] Result<std::unique_ptr<Store>> open(OpenMode mode) const {
    return Store::open_url(url_, mode);
  }

  // create makes the database an up-to-date ensign store, then closes it.
  void create() {
    auto opened = open(OpenMode::kCreate);
    ASSERT_TRUE(opened) << opened.error().message();
    ASSERT_TRUE((*opened)->add_key_version(sample_version("release", 1), "alice"));
  }

  void execute(const std::string& sql) const { test::PostgresCluster::execute(url_, sql); }

  // tables lists the tables of the database's public schema.
  [[nodiscard]] std::string tables() const {
    pqxx::connection connection(url_);
    pqxx::nontransaction transaction(connection);
    auto rows = transaction.exec(
        "SELECT coalesce(string_agg(tablename, ',' ORDER BY tablename), '') FROM pg_tables "
        "WHERE schemaname = 'public'");
    return rows[0][0].c_str();
  }

  // expect_refused opens the database with `mode` and expects `code` with `phrase` in a message
  // naming the database, and the tables left as they were.
  void expect_refused(OpenMode mode, ErrorCode code, const std::string& phrase) {
    std::string before = tables();
    auto opened = open(mode);
    expect_error(opened, code, url_ + ": ");
    expect_error(opened, code, phrase);
    EXPECT_EQ(tables(), before);
  }

  std::string url_;
};

TEST_F(PostgresStoreTest, EmptyDatabaseWithExistingModeAsksForInit) {
  expect_refused(OpenMode::kExisting, ErrorCode::kFailedPrecondition, "run `ensign init`");
  EXPECT_EQ(tables(), "");
}

TEST_F(PostgresStoreTest, EmptyDatabaseWithCreateModeRecordsEveryMigration) {
  create();
  pqxx::connection connection(url_);
  pqxx::nontransaction transaction(connection);
  auto stamp = transaction.exec("SELECT application_id, version FROM ensign_schema");
  ASSERT_EQ(stamp.size(), 1U);
  EXPECT_EQ(stamp[0][0].as<std::int64_t>(), internal::kApplicationId);
  EXPECT_EQ(stamp[0][1].as<std::size_t>(), internal::migrations().size());
}

TEST_F(PostgresStoreTest, AnotherApplicationsTablesAreNotEnsign) {
  execute("CREATE TABLE notes (body TEXT)");
  for (OpenMode mode : {OpenMode::kExisting, OpenMode::kCreate}) {
    expect_refused(mode, ErrorCode::kDataLoss, "not an ensign database");
  }
}

TEST_F(PostgresStoreTest, ForeignApplicationIdIsNotEnsign) {
  create();
  execute("UPDATE ensign_schema SET application_id = 305419896");
  expect_refused(OpenMode::kCreate,
                 ErrorCode::kDataLoss,
                 "not an ensign database (ensign_schema application_id 0x12345678)");
}

TEST_F(PostgresStoreTest, SchemaFromTheFutureIsFailedPrecondition) {
  create();
  execute("UPDATE ensign_schema SET version = version + 1");
  for (OpenMode mode : {OpenMode::kExisting, OpenMode::kCreate}) {
    expect_refused(mode, ErrorCode::kFailedPrecondition, "newer ensign");
  }
}

TEST_F(PostgresStoreTest, SchemaTableWithoutItsRowIsDataLoss) {
  create();
  execute("DELETE FROM ensign_schema");
  expect_refused(OpenMode::kCreate, ErrorCode::kDataLoss, "ensign_schema has no row");
}

TEST_F(PostgresStoreTest, InjectedTriggerIsDataLoss) {
  create();
  execute(
      "CREATE FUNCTION erase() RETURNS trigger LANGUAGE plpgsql AS "
      "'BEGIN DELETE FROM audit; RETURN NULL; END'");
  execute("CREATE TRIGGER erase AFTER INSERT ON audit EXECUTE FUNCTION erase()");
  expect_refused(OpenMode::kExisting, ErrorCode::kDataLoss, "trigger 'erase'");
}

TEST_F(PostgresStoreTest, InjectedViewAndRuleAreDataLoss) {
  create();
  execute("CREATE VIEW everything AS SELECT * FROM keys");
  expect_refused(OpenMode::kExisting, ErrorCode::kDataLoss, "view 'everything'");
  execute("DROP VIEW everything");
  execute("CREATE RULE forget AS ON INSERT TO audit DO INSTEAD NOTHING");
  expect_refused(OpenMode::kExisting, ErrorCode::kDataLoss, "rule 'forget'");
}

TEST_F(PostgresStoreTest, DroppedTableIsDataLoss) {
  create();
  execute("DROP TABLE meta");
  expect_refused(OpenMode::kExisting, ErrorCode::kDataLoss, "table 'meta' is missing");
}

TEST_F(PostgresStoreTest, OlderSchemaIsMigratedKeepingItsRows) {
  create();
  execute("DROP TABLE tokens");
  execute("UPDATE ensign_schema SET version = 2");
  auto opened = open(OpenMode::kExisting);
  ASSERT_TRUE(opened) << opened.error().message();
  auto version = (*opened)->schema_version();
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, static_cast<int>(internal::migrations().size()));
  EXPECT_TRUE((*opened)->get_key("release"));
  EXPECT_TRUE((*opened)->list_tokens());
}

TEST_F(PostgresStoreTest, RacingOpenersOfAnEmptyDatabaseMigrateItOnce) {
  testing::expect_children_succeed(kOpeners, [this](int index) {
    auto opened = open(OpenMode::kCreate);
    return opened && (*opened)->add_key_version(sample_version("k" + std::to_string(index), 1),
                                                "alice")
               ? 0
               : 1;
  });
  auto opened = open(OpenMode::kExisting);
  ASSERT_TRUE(opened) << opened.error().message();
  auto keys = (*opened)->list_keys();
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->size(), static_cast<std::size_t>(kOpeners));
}

TEST_F(PostgresStoreTest, TextWithANulByteIsInvalidArgument) {
  create();
  auto opened = open(OpenMode::kExisting);
  ASSERT_TRUE(opened);
  auto status = (*opened)->set_meta("platform", std::string("s\0m", 3));
  expect_error(status, ErrorCode::kInvalidArgument, "NUL byte");
  auto platform = (*opened)->get_meta("platform");
  ASSERT_TRUE(platform);
  EXPECT_FALSE(platform->has_value());
}

TEST_F(PostgresStoreTest, ConnectionEndedByTheServerIsReconnected) {
  create();
  auto opened = open(OpenMode::kExisting);
  ASSERT_TRUE(opened);
  execute(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  // The first call may find the connection gone (Unavailable); libpqxx reconnects for the next.
  auto first = (*opened)->get_key("release");
  if (!first) {
    EXPECT_EQ(first.error().code(), ErrorCode::kUnavailable) << first.error().message();
  }
  auto second = (*opened)->get_key("release");
  EXPECT_TRUE(second) << second.error().message();
  // Reads and writes are on connections of their own: the writing one is found ended only now,
  // as its transaction begins, which begins again on a new connection.
  auto written = (*opened)->add_key_version(sample_version("release", 2), "alice");
  EXPECT_TRUE(written) << written.error().message();
}

}  // namespace
}  // namespace ensign::host::store
