#include "host/store/internal/database.h"

#include "host/store/internal/sqlite_error.h"

namespace ensign::host::store::internal {
namespace {

// configure applies the settings every connection of the store has. Defensive mode forbids SQL
// that could corrupt the file on purpose (writable_schema, raw page writes); an untrusted schema
// may not call functions with side effects from views or triggers; nothing may be attached.
Status configure(sqlite3* connection, const std::string& path) {
  if (sqlite3_extended_result_codes(connection, 1) != SQLITE_OK ||
      sqlite3_busy_timeout(connection, kBusyTimeoutMilliseconds) != SQLITE_OK) {
    return fail(sqlite_error(connection, sqlite3_errcode(connection), path, "cannot configure"));
  }
  sqlite3_limit(connection, SQLITE_LIMIT_LENGTH, kMaxValueBytes);
  sqlite3_limit(connection, SQLITE_LIMIT_ATTACHED, 0);
  int result_code = sqlite3_db_config(connection, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  if (result_code == SQLITE_OK) {
    result_code = sqlite3_db_config(connection, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  }
  if (result_code != SQLITE_OK) {
    return fail(sqlite_error(connection, result_code, path, "cannot configure"));
  }
  return {};
}

}  // namespace

Result<Database> Database::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int result_code = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  // SQLite hands back a handle even when opening fails; it must be closed all the same.
  ConnectionPtr connection(raw);
  if (result_code != SQLITE_OK) {
    return fail(sqlite_error(connection.get(), result_code, path, "cannot open"));
  }
  ENSIGN_CHECK(configure(connection.get(), path));
  return Database(std::move(connection), path);
}

Result<Statement> Database::prepare(std::string_view sql) const {
  return Statement::prepare_cached(*statements_, connection_.get(), path_, sql);
}

Result<std::unique_ptr<Query>> Database::query(std::string_view sql) const {
  ENSIGN_TRY(statement, prepare(sql));
  return std::unique_ptr<Query>(std::make_unique<Statement>(std::move(statement)));
}

Status Database::execute(const std::string& sql, std::string_view what) const {
  int result_code = sqlite3_exec(connection_.get(), sql.c_str(), nullptr, nullptr, nullptr);
  if (result_code != SQLITE_OK) {
    return fail(sqlite_error(connection_.get(), result_code, path_, what));
  }
  return {};
}

Result<std::int64_t> Database::query_integer(std::string_view sql) const {
  ENSIGN_TRY(statement, prepare(sql));
  ENSIGN_TRY(has_row, statement.step());
  if (!has_row) {
    return fail(data_loss(path_, "no result from '" + std::string(sql) + "'"));
  }
  return statement.integer(0);
}

Result<Transaction> Transaction::begin(const Database& database) {
  ENSIGN_CHECK(database.execute("BEGIN IMMEDIATE", "cannot begin a write transaction"));
  return Transaction(&database);
}

Status Transaction::commit() {
  ENSIGN_CHECK(database_->execute("COMMIT", "cannot commit"));
  database_ = nullptr;
  return {};
}

Transaction::~Transaction() {
  // After some failures (disk full, I/O error) SQLite has already rolled back by itself; a
  // second ROLLBACK would fail, so only roll back a transaction that is still open.
  if (database_ != nullptr && sqlite3_get_autocommit(database_->connection()) == 0) {
    sqlite3_exec(database_->connection(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

}  // namespace ensign::host::store::internal
