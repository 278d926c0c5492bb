// schema.h: the store's schema as numbered migrations, and the checks that tell an ensign
// database this build can use from an empty file, another application's database, a newer
// ensign's database or a damaged file -- all before anything is written to it.
#pragma once

#include <cstdint>
#include <span>

#include "core/result.h"
#include "host/store/internal/database.h"

namespace ensign::host::store::internal {

// kApplicationId marks a SQLite file as ensign's (PRAGMA application_id): "ensg" in ASCII.
inline constexpr std::int64_t kApplicationId = 0x656e7367;

// kIntegrityCheckMaxBytes bounds the files open() runs PRAGMA quick_check on: a full scan of a
// small file costs milliseconds; larger ones still turn any damaged page into DataLoss when a
// query reads it.
inline constexpr std::int64_t kIntegrityCheckMaxBytes = std::int64_t{64} * 1024 * 1024;

// migrations returns the schema steps in order: applying step i moves PRAGMA user_version from
// i to i + 1. Steps are only ever appended.
std::span<const char* const> migrations();

// Inspection is what inspect found: an empty file (new or zero-length: no schema, no application
// id) or an ensign database with `schema_version` migrations applied, at most this build's count.
struct Inspection {
  bool empty = true;
  std::int64_t schema_version = 0;
};

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
