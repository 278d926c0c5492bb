// schema.h: the SQLite file's schema (migrations.h applied, stamped in the file's header), and
// the checks that tell an ensign database this build can use from an empty file, another
// application's database, a newer ensign's database or a damaged file -- all before anything is
// written to it.
#pragma once

#include <cstdint>

#include "core/result.h"
#include "host/store/internal/database.h"
#include "host/store/internal/migrations.h"

namespace ensign::host::store::internal {

// kIntegrityCheckMaxBytes bounds the files open() runs PRAGMA quick_check on: a full scan of a
// small file costs milliseconds; larger ones still turn any damaged page into DataLoss when a
// query reads it.
inline constexpr std::int64_t kIntegrityCheckMaxBytes = std::int64_t{64} * 1024 * 1024;

// inspect reads the file's header and schema without writing. Fails with DataLoss naming the
// file when it is not a SQLite database, is corrupt, or belongs to another application, and
// with FailedPrecondition when a newer ensign created its schema.
Result<Inspection> inspect(const Database& database);

// check_integrity runs PRAGMA quick_check on files up to kIntegrityCheckMaxBytes; fails with
// DataLoss naming the file and SQLite's first finding.
Status check_integrity(const Database& database);

// migrate applies the pending migrations and stamps the application id, all in one IMMEDIATE
// transaction that re-inspects the file first, so concurrent openers migrate it exactly once.
// Fails like inspect, or with the SQLite error of a failed step (and then changes nothing).
Status migrate(const Database& database);

// check_objects verifies the schema objects of a migrated file: every table the store uses is
// present, and there is no trigger or view (which would run foreign SQL on the store's writes).
// Fails with DataLoss naming the file and the object.
Status check_objects(const Database& database);

}  // namespace ensign::host::store::internal
