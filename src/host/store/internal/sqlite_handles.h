// sqlite_handles.h: the unique_ptr owners of the SQLite C handles the store uses, one deleter per
// handle type. Use `.get()` to pass a handle to the C API; there is no implicit conversion.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace ensign::host::store::internal {

// ConnectionCloser closes a connection; sqlite3_close_v2 defers the close until every statement
// of the connection is finalized, so the order of destruction cannot leak the connection.
struct ConnectionCloser {
  void operator()(sqlite3* connection) const { sqlite3_close_v2(connection); }
};

// StatementFinalizer finalizes a prepared statement.
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

using ConnectionPtr = std::unique_ptr<sqlite3, ConnectionCloser>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

}  // namespace ensign::host::store::internal
