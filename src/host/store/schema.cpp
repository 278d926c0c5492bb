#include "host/store/internal/schema.h"

#include <array>
#include <iomanip>
#include <set>
#include <sstream>
#include <string>

#include "host/store/internal/sqlite_error.h"

namespace ensign::host::store::internal {
namespace {

// Migration 1: the initial schema. STRICT tables make SQLite enforce the declared types.
// keys.algorithm is the algorithm the key was created with; each version row carries its own.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE meta (
  name TEXT PRIMARY KEY NOT NULL CHECK (length(name) > 0),
  value TEXT NOT NULL
) STRICT;
CREATE TABLE keys (
  name TEXT PRIMARY KEY NOT NULL CHECK (length(name) > 0),
  algorithm TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE key_versions (
  name TEXT NOT NULL REFERENCES keys (name),
  version INTEGER NOT NULL CHECK (version BETWEEN 1 AND 4294967295),
  algorithm TEXT NOT NULL,
  public_key BLOB NOT NULL,
  sealed_key BLOB NOT NULL,
  key_attestation BLOB NOT NULL,
  platform TEXT NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (name, version)
) STRICT;
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL CHECK (length(action) > 0),
  key_name TEXT NOT NULL,
  key_version INTEGER NOT NULL CHECK (key_version BETWEEN 0 AND 4294967295),
  digest TEXT NOT NULL,
  detail TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_key ON audit (key_name, id);
)sql";

// Migration 2: the transparency log. log_head has one row; the enclave's sealed state in it and
// the leaves, nodes and checkpoints change only together, in the batch's transaction.
constexpr const char* kMigration2 = R"sql(
CREATE TABLE log_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  origin TEXT NOT NULL CHECK (length(origin) > 0),
  public_key BLOB NOT NULL,
  sealed_key BLOB NOT NULL,
  key_attestation BLOB NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  sealed_state BLOB NOT NULL,
  checkpoint TEXT NOT NULL
) STRICT;
CREATE TABLE log_entries (
  idx INTEGER PRIMARY KEY CHECK (idx >= 0),
  body TEXT NOT NULL,
  leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32)
) STRICT;
CREATE INDEX log_entries_by_leaf_hash ON log_entries (leaf_hash);
CREATE TABLE log_nodes (
  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
  idx INTEGER NOT NULL CHECK (idx >= 0),
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;
CREATE TABLE log_checkpoints (
  size INTEGER PRIMARY KEY CHECK (size >= 0),
  checkpoint TEXT NOT NULL
) STRICT;
)sql";

constexpr std::array<const char*, 2> kMigrations = {kMigration1, kMigration2};

// kRequiredTables are the tables the store's queries use.
constexpr std::array<std::string_view, 8> kRequiredTables = {
    "meta", "keys", "key_versions", "audit", "log_head", "log_entries", "log_nodes",
    "log_checkpoints"};

std::string hex32(std::int64_t value) {
  std::ostringstream text;
  text << "0x" << std::hex << std::setw(8) << std::setfill('0')
       << static_cast<std::uint32_t>(value);
  return text.str();
}

}  // namespace

std::span<const char* const> migrations() {
  return kMigrations;
}

Result<Inspection> inspect(const Database& database) {
  // One statement, so the three facts come from one snapshot even while another process is
  // migrating the file. It is the first read of the file: one that is not SQLite fails here with
  // SQLITE_NOTADB.
  ENSIGN_TRY(statement,
             database.prepare("SELECT (SELECT count(*) FROM sqlite_schema), "
                              "(SELECT application_id FROM pragma_application_id), "
                              "(SELECT user_version FROM pragma_user_version)"));
  ENSIGN_TRY(has_row, statement.step());
  const std::string& path = database.path();
  if (!has_row) {
    return fail(data_loss(path, "the schema cannot be read"));
  }
  ENSIGN_TRY(objects, statement.integer(0));
  ENSIGN_TRY(application_id, statement.integer(1));
  ENSIGN_TRY(applied, statement.integer(2));
  if (application_id == 0 && applied == 0 && objects == 0) {
    return Inspection{.empty = true, .schema_version = 0};
  }
  if (application_id != kApplicationId) {
    return fail(data_loss(
        path, "not an ensign database (SQLite application_id " + hex32(application_id) + ")"));
  }
  auto known = static_cast<std::int64_t>(migrations().size());
  if (applied < 0) {
    return fail(data_loss(path, "invalid schema version " + std::to_string(applied)));
  }
  if (applied > known) {
    return fail(ErrorCode::kFailedPrecondition,
                path + ": schema version " + std::to_string(applied) +
                    " was created by a newer ensign (this build knows up to " +
                    std::to_string(known) + ")");
  }
  return Inspection{.empty = false, .schema_version = applied};
}

Status check_integrity(const Database& database) {
  ENSIGN_TRY(page_count, database.query_integer("PRAGMA page_count"));
  ENSIGN_TRY(page_size, database.query_integer("PRAGMA page_size"));
  if (page_count > kIntegrityCheckMaxBytes / (page_size > 0 ? page_size : 1)) {
    return {};
  }
  ENSIGN_TRY(statement, database.prepare("PRAGMA quick_check(1)"));
  ENSIGN_TRY(has_row, statement.step());
  if (!has_row) {
    return fail(data_loss(database.path(), "integrity check returned nothing"));
  }
  ENSIGN_TRY(verdict, statement.text(0));
  if (verdict != "ok") {
    return fail(data_loss(database.path(),
                          std::string(kCorruptFile) + " (integrity check: " + verdict + ")"));
  }
  return {};
}

Status migrate(const Database& database) {
  return in_transaction(database, [&database]() -> Status {
    ENSIGN_TRY(inspection, inspect(database));
    auto steps = migrations();
    if (!inspection.empty && inspection.schema_version == static_cast<std::int64_t>(steps.size())) {
      return {};
    }
    for (auto index = static_cast<std::size_t>(inspection.schema_version); index < steps.size();
         ++index) {
      ENSIGN_CHECK(database.execute(steps[index],
                                    "cannot apply schema migration " + std::to_string(index + 1)));
    }
    // Pragmas take no bound parameters; both values are integers this code chose.
    return database.execute("PRAGMA application_id = " + std::to_string(kApplicationId) +
                                "; PRAGMA user_version = " + std::to_string(steps.size()),
                            "cannot record the schema version");
  });
}

Status check_objects(const Database& database) {
  ENSIGN_TRY(statement, database.prepare("SELECT type, name FROM sqlite_schema"));
  std::set<std::string> tables;
  for (;;) {
    ENSIGN_TRY(has_row, statement.step());
    if (!has_row) {
      break;
    }
    ENSIGN_TRY(type, statement.text(0));
    ENSIGN_TRY(name, statement.text(1));
    if (type == "trigger" || type == "view") {
      std::string problem = "unexpected ";
      problem.append(type).append(" '").append(name).append("' in the schema");
      return fail(data_loss(database.path(), problem));
    }
    if (type == "table") {
      tables.insert(std::move(name));
    }
  }
  for (std::string_view table : kRequiredTables) {
    if (!tables.contains(std::string(table))) {
      return fail(data_loss(database.path(), "table '" + std::string(table) + "' is missing"));
    }
  }
  return {};
}

}  // namespace ensign::host::store::internal
