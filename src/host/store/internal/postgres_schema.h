// postgres_schema.h: the PostgreSQL database's schema: migrations.h in PostgreSQL's dialect, with
// the version recorded in the one-row table ensign_schema, and the checks that tell an ensign
// database this build can use from an empty database, another application's tables or a newer
// ensign's database -- all before anything is written to it. The schema is the connection's
// current_schema() (usually public).
#pragma once

#include "core/result.h"
#include "host/store/internal/migrations.h"
#include "host/store/internal/postgres_connection.h"

namespace ensign::host::store::internal {

// inspect_postgres reads the schema without writing. Fails with DataLoss naming the database
// when it holds tables but no ensign_schema, or another application's, and with
// FailedPrecondition when a newer ensign created it.
Result<Inspection> inspect_postgres(const Session& database);

// read_postgres_version returns the recorded schema version; fails with DataLoss when
// ensign_schema has no row.
Result<int> read_postgres_version(const Session& database);

// migrate_postgres applies the pending migrations and records the version, all in one write
// transaction that re-inspects the database first, so concurrent openers migrate it exactly
// once. Fails like inspect_postgres, or with the server's error of a failed step (and then
// changes nothing).
Status migrate_postgres(PostgresConnection& connection);

// check_postgres_objects verifies a migrated schema as check_schema_objects does, with views,
// rules and (other than foreign-key) triggers as the unexpected objects.
Status check_postgres_objects(const Session& database);

}  // namespace ensign::host::store::internal
