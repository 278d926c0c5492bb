// sqlite_error.h: how a failed SQLite call becomes an ensign::Error. One mapping for the whole
// store, so a corrupt file is DataLoss and a busy database Unavailable wherever it shows up.
#pragma once

#include <sqlite3.h>

#include <string_view>

#include "core/result.h"
#include "host/store/internal/sql.h"

namespace ensign::host::store::internal {

// kCorruptFile is the phrase every DataLoss error about a damaged or foreign file carries.
inline constexpr std::string_view kCorruptFile = "file is not a database or is corrupt";

// error_code_for maps a primary or extended SQLite result code to ensign's canonical code:
// CORRUPT and NOTADB are DataLoss, BUSY and LOCKED Unavailable, FULL/TOOBIG/NOMEM
// ResourceExhausted, unique and primary-key conflicts AlreadyExists, other constraint failures
// InvalidArgument; anything unexpected is Internal.
ErrorCode error_code_for(int result_code);

// sqlite_error returns the Error for a failed call on `connection` (which may be null): one line
// "<path>: <what>: <SQLite's message> (SQLite code <n>)", and for DataLoss "<path>: file is not a
// database or is corrupt (<what>: <SQLite's message> (SQLite code <n>))".
Error sqlite_error(sqlite3* connection,
                   int result_code,
                   std::string_view path,
                   std::string_view what);

}  // namespace ensign::host::store::internal
