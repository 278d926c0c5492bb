// migrations.h: the store's schema as numbered migrations, one text for both backends, and the
// judgement of what a database records about itself (whose it is, how many migrations it has),
// shared by SQLite's and PostgreSQL's inspection.
//
// A migration is written in SQLite's dialect, within rules that let to_postgres translate it word
// for word: column types INTEGER, TEXT and BLOB only; every table ends `) STRICT;` or
// `) STRICT, WITHOUT ROWID;`; a generated id is `INTEGER PRIMARY KEY AUTOINCREMENT`; and only
// functions both dialects have (length). schema_dialects_test checks, per migration, that both
// dialects end up with the same tables, columns and NOT NULLs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "host/store/internal/sql.h"

namespace ensign::host::store::internal {

// kApplicationId marks a database as ensign's: "ensg" in ASCII (SQLite's PRAGMA application_id,
// PostgreSQL's ensign_schema.application_id).
inline constexpr std::int64_t kApplicationId = 0x656e7367;

// migrations returns the schema steps in order: applying step i moves the recorded schema
// version from i to i + 1. Steps are only ever appended.
std::span<const char* const> migrations();

// required_tables returns the tables the store's queries use.
std::span<const std::string_view> required_tables();

// to_postgres translates a migration into PostgreSQL's dialect: INTEGER becomes BIGINT, BLOB
// BYTEA, an AUTOINCREMENT key an identity column, and STRICT and WITHOUT ROWID are dropped (the
// column types PostgreSQL enforces anyway; it has no rowid).
std::string to_postgres(std::string_view migration);

// Inspection is what a database records about itself: empty (no tables, no stamp) or an ensign
// database with `schema_version` migrations applied, at most this build's count.
struct Inspection {
  bool empty = true;
  std::int64_t schema_version = 0;
};

// judge_schema turns a database's tables, application id and schema version into an Inspection.
// Fails with DataLoss naming `path` when the id is not kApplicationId (`id_name` says where the
// id was read) or the version is negative, and with FailedPrecondition when a newer ensign
// created the schema.
Result<Inspection> judge_schema(const std::string& path,
                                bool has_tables,
                                std::int64_t application_id,
                                std::int64_t schema_version,
                                std::string_view id_name);

// check_schema_objects verifies the objects of a migrated schema, listed as (type, name) rows by
// `objects_query`: every required table is there, and nothing but tables and indexes (a trigger,
// view or rule would run foreign SQL on the store's reads and writes). Fails with DataLoss
// naming the database and the object.
Status check_schema_objects(const Session& database, std::string_view objects_query);

}  // namespace ensign::host::store::internal
