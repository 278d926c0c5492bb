// statement.h: one prepared SQLite statement with typed, checked parameter binding and column
// reading. Every value crosses into SQL as a bound parameter, never as SQL text, and every column
// is read with its storage type checked, so a tampered row is DataLoss instead of a silent
// conversion.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "host/store/internal/sql.h"
#include "host/store/internal/sqlite_handles.h"
#include "host/store/internal/statement_cache.h"

namespace ensign::host::store::internal {

// Statement is SQLite's Query (sql.h).
class Statement final : public Query {
 public:
  // prepare compiles the single SQL statement `sql` on `connection`, which must outlive the
  // Statement. Fails with the SQLite error, naming `path`, when the SQL does not compile.
  static Result<Statement> prepare(sqlite3* connection, std::string path, std::string_view sql);

  // prepare_cached is prepare through `cache`: it reuses an idle compiled statement of `sql`
  // when the cache has one, and the Statement goes back to the cache when destroyed. The cache
  // must outlive the Statement.
  static Result<Statement> prepare_cached(StatementCache& cache,
                                          sqlite3* connection,
                                          std::string path,
                                          std::string_view sql);

  // bind_integer, bind_text, bind_blob and bind_null set the 1-based parameter `index`. Text and
  // blobs are not copied: they must stay alive until the statement has run. Each fails with the
  // SQLite error (ResourceExhausted when the value is over the length limit).
  Status bind_integer(int index, std::int64_t value) override;
  Status bind_text(int index, std::string_view text) override;
  Status bind_blob(int index, ByteView blob) override;
  Status bind_null(int index);

  // step_for runs the statement to its next row (sql.h); fails with the mapped SQLite error.
  Result<bool> step_for(std::string_view what) override;

  // integer, text and blob read column `column` (0-based) of the current row. Each fails with
  // DataLoss, naming the file and the column, when the stored value has another type.
  [[nodiscard]] Result<std::int64_t> integer(int column) const override;
  [[nodiscard]] Result<std::string> text(int column) const override;
  [[nodiscard]] Result<Bytes> blob(int column) const override;

  // is_null tells whether column `column` of the current row is NULL.
  [[nodiscard]] bool is_null(int column) const override;

  // path returns the database file the statement runs on, for error messages.
  [[nodiscard]] const std::string& path() const override { return path_; }

  ~Statement() override;
  Statement(Statement&&) = default;
  Statement& operator=(Statement&&) = delete;

 private:
  Statement(StatementPtr statement, sqlite3* connection, std::string path);

  Status check_bind(int result_code, int index);
  [[nodiscard]] Status check_type(int column,
                                  int expected_type,
                                  std::string_view expected_name) const;
  [[nodiscard]] Status check_out_of_memory(int column) const;

  StatementPtr statement_;
  sqlite3* connection_;
  std::string path_;
  StatementCache* cache_ = nullptr;  // where the statement goes back to, with its SQL
  std::string sql_;
};

}  // namespace ensign::host::store::internal
