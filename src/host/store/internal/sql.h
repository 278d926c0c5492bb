// sql.h: the little the store's tables need of a SQL database, so one set of queries serves both
// backends: a Session prepares Queries, a Query binds parameters and steps through its rows, and
// a Row reads a column with its type checked. SQLite implements it with Database and Statement,
// PostgreSQL with PostgresSession and PostgresQuery.
//
// The SQL they are given is the common subset of both dialects, with parameters written `?1`,
// `?2`, ... (PostgreSQL's `$1` is substituted for it) and the store's integer columns BIGINT.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::host::store::internal {

// kBusyTimeoutMilliseconds is how long a call waits for another connection's lock before it
// reports Unavailable.
inline constexpr int kBusyTimeoutMilliseconds = 10'000;

// kMaxValueBytes bounds every stored string, blob and row: a larger value is refused on write
// and a tampered one on read, both with ResourceExhausted.
inline constexpr int kMaxValueBytes = 16 * 1024 * 1024;

// data_loss returns a DataLoss Error "<path>: <message>" for damage the database itself cannot
// see, such as a stored value outside its range.
inline Error data_loss(std::string_view path, std::string_view message) {
  return {ErrorCode::kDataLoss, std::string(path) + ": " + std::string(message)};
}

// Row is the current row of a query.
class Row {
 public:
  Row() = default;
  virtual ~Row() = default;
  Row(const Row&) = delete;
  Row& operator=(const Row&) = delete;

  // integer, text and blob read column `column` (0-based) of the current row. Each fails with
  // DataLoss, naming the database and the column, when the stored value has another type.
  [[nodiscard]] virtual Result<std::int64_t> integer(int column) const = 0;
  [[nodiscard]] virtual Result<std::string> text(int column) const = 0;
  [[nodiscard]] virtual Result<Bytes> blob(int column) const = 0;

  // is_null tells whether column `column` of the current row is NULL.
  [[nodiscard]] virtual bool is_null(int column) const = 0;

  // path names the database in messages: a SQLite file's path, or a PostgreSQL URL without its
  // password.
  [[nodiscard]] virtual const std::string& path() const = 0;

 protected:
  Row(Row&&) = default;
  Row& operator=(Row&&) = default;
};

// Query is one prepared statement: its parameters, then its rows.
class Query : public Row {
 public:
  // bind_integer, bind_text and bind_blob set the 1-based parameter `index`. Text and blobs are
  // not copied: they must stay alive until the query has run. Each fails with ResourceExhausted
  // when the value is over kMaxValueBytes, or with the database's error.
  virtual Status bind_integer(int index, std::int64_t value) = 0;
  virtual Status bind_text(int index, std::string_view text) = 0;
  virtual Status bind_blob(int index, ByteView blob) = 0;

  // step_for runs the query to its next row: true when a row is ready to read, false when the
  // query is done. Fails with the database's error, its message naming the path and `what`.
  virtual Result<bool> step_for(std::string_view what) = 0;

  // step is step_for with a generic `what`, for queries that only read.
  Result<bool> step() { return step_for("query failed"); }

  // run steps a query that returns no rows (INSERT, UPDATE, DDL) to completion. Fails like
  // step_for, or with Internal when the query unexpectedly returns a row.
  Status run(std::string_view what) {
    ENSIGN_TRY(has_row, step_for(what));
    if (has_row) {
      return fail(ErrorCode::kInternal,
                  path() + ": " + std::string(what) + ": the statement unexpectedly returned rows");
    }
    return {};
  }
};

// Session is a connection to the store's database, inside whatever transaction its backend has
// begun.
class Session {
 public:
  Session() = default;
  virtual ~Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // query prepares one SQL statement; fails with the database's error naming the path.
  [[nodiscard]] virtual Result<std::unique_ptr<Query>> query(std::string_view sql) const = 0;

  // path names the database in messages, as Row::path does.
  [[nodiscard]] virtual const std::string& path() const = 0;

 protected:
  Session(Session&&) = default;
  Session& operator=(Session&&) = default;
};

// run_returning runs `function` (taking a const Session& and returning a Status or a Result) as
// the body that `run` takes (such as a backend's transaction, which returns a Status), and
// returns what `function` returned, or `run`'s own error.
template <typename Run, typename Function>
auto run_returning(Run&& run, Function&& function)
    -> decltype(function(std::declval<const Session&>())) {
  std::optional<decltype(function(std::declval<const Session&>()))> result;
  Status status = std::forward<Run>(run)([&](const Session& session) -> Status {
    result.emplace(function(session));
    if (!result->has_value()) {
      return fail(result->error());
    }
    return {};
  });
  if (!status) {
    return fail(status.error());
  }
  return std::move(*result);
}

}  // namespace ensign::host::store::internal
