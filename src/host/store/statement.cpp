#include "host/store/internal/statement.h"

#include <utility>

#include "host/store/internal/sqlite_error.h"

namespace ensign::host::store::internal {
namespace {

// kEmpty is the non-null address bound for an empty text or blob: SQLite binds a null pointer
// as SQL NULL, which would turn an empty value into a missing one.
constexpr char kEmpty[1] = {'\0'};

std::string_view type_name(int type) {
  switch (type) {
    case SQLITE_INTEGER:
      return "an integer";
    case SQLITE_FLOAT:
      return "a real number";
    case SQLITE_TEXT:
      return "text";
    case SQLITE_BLOB:
      return "a blob";
    default:
      return "NULL";
  }
}

}  // namespace

Statement::Statement(StatementPtr statement, sqlite3* connection, std::string path)
    : statement_(std::move(statement)), connection_(connection), path_(std::move(path)) {}

Statement::~Statement() {
  if (cache_ != nullptr && statement_ != nullptr) {
    cache_->give_back(std::move(sql_), std::move(statement_));
  }
}

Result<Statement> Statement::prepare_cached(StatementCache& cache,
                                            sqlite3* connection,
                                            std::string path,
                                            std::string_view sql) {
  StatementPtr idle = cache.take(sql);
  if (idle != nullptr) {
    Statement statement(std::move(idle), connection, std::move(path));
    statement.cache_ = &cache;
    statement.sql_ = std::string(sql);
    return statement;
  }
  ENSIGN_TRY(statement, prepare(connection, std::move(path), sql));
  statement.cache_ = &cache;
  statement.sql_ = std::string(sql);
  return statement;
}

Result<Statement> Statement::prepare(sqlite3* connection, std::string path, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int result_code =
      sqlite3_prepare_v3(connection, sql.data(), static_cast<int>(sql.size()), 0, &raw, nullptr);
  StatementPtr statement(raw);
  if (result_code != SQLITE_OK) {
    return fail(sqlite_error(connection, result_code, path, "cannot prepare a statement"));
  }
  if (statement == nullptr) {
    return fail(ErrorCode::kInternal, path + ": empty SQL statement");
  }
  return Statement(std::move(statement), connection, std::move(path));
}

Status Statement::check_bind(int result_code, int index) {
  if (result_code != SQLITE_OK) {
    return fail(sqlite_error(
        connection_, result_code, path_, "cannot bind parameter " + std::to_string(index)));
  }
  return {};
}

Status Statement::bind_integer(int index, std::int64_t value) {
  return check_bind(sqlite3_bind_int64(statement_.get(), index, value), index);
}

Status Statement::bind_text(int index, std::string_view text) {
  const char* data = text.empty() ? kEmpty : text.data();
  return check_bind(
      sqlite3_bind_text64(statement_.get(), index, data, text.size(), nullptr, SQLITE_UTF8), index);
}

Status Statement::bind_blob(int index, ByteView blob) {
  const void* data = blob.empty() ? static_cast<const void*>(kEmpty) : blob.data();
  return check_bind(sqlite3_bind_blob64(statement_.get(), index, data, blob.size(), nullptr),
                    index);
}

Status Statement::bind_null(int index) {
  return check_bind(sqlite3_bind_null(statement_.get(), index), index);
}

Result<bool> Statement::step_for(std::string_view what) {
  int result_code = sqlite3_step(statement_.get());
  if (result_code == SQLITE_ROW) {
    return true;
  }
  if (result_code == SQLITE_DONE) {
    return false;
  }
  return fail(sqlite_error(connection_, result_code, path_, what));
}

Status Statement::check_type(int column, int expected_type, std::string_view expected_name) const {
  int type = sqlite3_column_type(statement_.get(), column);
  if (type == expected_type) {
    return {};
  }
  const char* name = sqlite3_column_name(statement_.get(), column);
  return fail(data_loss(path_,
                        "column '" + std::string(name != nullptr ? name : "?") + "' holds " +
                            std::string(type_name(type)) + ", not " + std::string(expected_name)));
}

Status Statement::check_out_of_memory(int column) const {
  // A null pointer is an empty value unless SQLite ran out of memory converting it.
  int result_code = sqlite3_errcode(connection_);
  if (result_code == SQLITE_NOMEM) {
    return fail(sqlite_error(
        connection_, result_code, path_, "cannot read column " + std::to_string(column)));
  }
  return {};
}

Result<std::int64_t> Statement::integer(int column) const {
  ENSIGN_CHECK(check_type(column, SQLITE_INTEGER, type_name(SQLITE_INTEGER)));
  return static_cast<std::int64_t>(sqlite3_column_int64(statement_.get(), column));
}

Result<std::string> Statement::text(int column) const {
  ENSIGN_CHECK(check_type(column, SQLITE_TEXT, type_name(SQLITE_TEXT)));
  // The pointer first, then the size: that is the order SQLite documents as safe.
  const unsigned char* data = sqlite3_column_text(statement_.get(), column);
  auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_.get(), column));
  if (data == nullptr) {
    ENSIGN_CHECK(check_out_of_memory(column));
    return std::string();
  }
  return std::string(reinterpret_cast<const char*>(data), size);
}

Result<Bytes> Statement::blob(int column) const {
  ENSIGN_CHECK(check_type(column, SQLITE_BLOB, type_name(SQLITE_BLOB)));
  const auto* data =
      static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_.get(), column));
  auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_.get(), column));
  if (data == nullptr) {
    ENSIGN_CHECK(check_out_of_memory(column));
    return Bytes();
  }
  return Bytes(data, data + size);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL;
}

}  // namespace ensign::host::store::internal
