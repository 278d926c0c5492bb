// postgres_error.h: how a failed libpqxx call becomes an ensign::Error. One mapping for the
// PostgreSQL backend, the counterpart of sqlite_error.h: a lost or refused connection is
// Unavailable, a unique conflict AlreadyExists, a damaged relation DataLoss, wherever it shows up.
#pragma once

#include <string_view>

#include "core/result.h"

namespace ensign::host::store::internal {

// postgres_error_code maps a SQLSTATE to ensign's canonical code: unique violations are
// AlreadyExists, foreign-key violations FailedPrecondition, other constraint and data errors
// InvalidArgument, connection, authentication, lock-timeout, serialization and shutdown errors
// Unavailable, resource limits ResourceExhausted, missing privileges and read-only transactions
// PermissionDenied, corruption DataLoss; anything unexpected is Internal.
ErrorCode postgres_error_code(std::string_view sqlstate);

// current_postgres_error returns the Error for the exception being handled; call it only inside
// a catch block. One line "<path>: <what>: <server's message> (SQLSTATE <code>)": the server's
// DETAIL and HINT lines are left out, since they can quote a stored row's values.
Error current_postgres_error(std::string_view path, std::string_view what);

}  // namespace ensign::host::store::internal
