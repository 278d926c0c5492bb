// database.h: one SQLite connection to the store's file, configured the same way every time
// (extended result codes, 10 s busy timeout, length limit, defensive mode), and the IMMEDIATE
// write transaction every change runs in.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"
#include "host/store/internal/sql.h"
#include "host/store/internal/sqlite_handles.h"
#include "host/store/internal/statement.h"

namespace ensign::host::store::internal {

// Database is SQLite's Session (sql.h).
class Database final : public Session {
 public:
  // open connects to the existing file at `path` for reading and writing; it never creates the
  // file and reads nothing yet, so it does not tell whether the file is a database. Fails with the
  // SQLite error naming the path (Unavailable when the file cannot be opened).
  static Result<Database> open(const std::string& path);

  // prepare compiles one SQL statement; fails with the SQLite error naming the path.
  [[nodiscard]] Result<Statement> prepare(std::string_view sql) const;

  // query is prepare for the tables' shared code.
  [[nodiscard]] Result<std::unique_ptr<Query>> query(std::string_view sql) const override;

  // execute runs SQL text without parameters or result rows (DDL, pragmas, several statements
  // separated by semicolons); fails with the SQLite error, naming the path and `what`.
  [[nodiscard]] Status execute(const std::string& sql, std::string_view what) const;

  // query_integer returns the first column of the first row of `sql`, which must be an integer;
  // fails with the SQLite error, or DataLoss when there is no row or another type.
  [[nodiscard]] Result<std::int64_t> query_integer(std::string_view sql) const;

  // path returns the file the connection is on.
  [[nodiscard]] const std::string& path() const override { return path_; }

  // connection returns the raw handle, still owned by the Database.
  [[nodiscard]] sqlite3* connection() const { return connection_.get(); }

  ~Database() override = default;
  Database(Database&&) = default;
  Database& operator=(Database&&) = delete;

 private:
  Database(ConnectionPtr connection, std::string path)
      : connection_(std::move(connection)),
        path_(std::move(path)),
        statements_(std::make_unique<StatementCache>()) {}

  ConnectionPtr connection_;
  std::string path_;
  // After connection_, so that the idle statements are finalized before the connection closes.
  std::unique_ptr<StatementCache> statements_;
};

// Transaction is one BEGIN IMMEDIATE ... COMMIT: it takes the write lock up front (waiting up to
// the busy timeout), so a write never fails halfway with SQLITE_BUSY because another connection
// wrote first. It rolls back when destroyed uncommitted.
class Transaction {
 public:
  // begin starts the transaction; fails with Unavailable when the lock stays taken.
  static Result<Transaction> begin(const Database& database);

  // commit makes the changes durable; fails with the SQLite error, after which the destructor
  // rolls back whatever is left.
  Status commit();

  ~Transaction();
  Transaction(Transaction&& other) noexcept : database_(std::exchange(other.database_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  explicit Transaction(const Database* database) : database_(database) {}

  const Database* database_;  // null once committed or moved from
};

// in_transaction runs `function` (returning a Status or Result) inside a Transaction and commits
// when it succeeds; on its failure, or a failure to begin or commit, nothing is changed and that
// error is returned.
template <typename Function>
auto in_transaction(const Database& database, Function&& function) -> decltype(function()) {
  ENSIGN_TRY(transaction, Transaction::begin(database));
  auto result = std::forward<Function>(function)();
  if (!result.has_value()) {
    return result;
  }
  ENSIGN_CHECK(transaction.commit());
  return result;
}

}  // namespace ensign::host::store::internal
