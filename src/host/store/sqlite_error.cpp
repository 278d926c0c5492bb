#include "host/store/internal/sqlite_error.h"

#include <string>

namespace ensign::host::store::internal {

ErrorCode error_code_for(int result_code) {
  switch (result_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return ErrorCode::kAlreadyExists;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ErrorCode::kFailedPrecondition;
    default:
      break;
  }
  switch (result_code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kDataLoss;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return ErrorCode::kUnavailable;
    case SQLITE_FULL:
    case SQLITE_TOOBIG:
    case SQLITE_NOMEM:
      return ErrorCode::kResourceExhausted;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return ErrorCode::kPermissionDenied;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return ErrorCode::kInvalidArgument;
    default:
      return ErrorCode::kInternal;
  }
}

Error sqlite_error(sqlite3* connection,
                   int result_code,
                   std::string_view path,
                   std::string_view what) {
  // The connection's message describes its latest failure; without a connection (out of memory
  // at open) only the generic text of the code is known.
  std::string detail =
      connection != nullptr ? sqlite3_errmsg(connection) : sqlite3_errstr(result_code);
  detail += " (SQLite code " + std::to_string(result_code) + ")";
  ErrorCode code = error_code_for(result_code);
  std::string message(path);
  if (code == ErrorCode::kDataLoss) {
    message += ": ";
    message += kCorruptFile;
    message += " (";
    message += what;
    message += ": " + detail + ")";
  } else {
    message += ": ";
    message += what;
    message += ": " + detail;
  }
  return {code, std::move(message)};
}

}  // namespace ensign::host::store::internal
