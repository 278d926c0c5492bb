#include "host/store/internal/key_tables.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>

#include "crypto/keys.h"
#include "host/store/internal/rows.h"

namespace ensign::host::store::internal {
namespace {

constexpr std::string_view kKeyInfoQuery =
    " FROM keys AS k JOIN key_versions AS v ON v.name = k.name"
    " WHERE v.version = (SELECT max(version) FROM key_versions WHERE name = k.name)";

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string key_label(std::string_view name, std::uint32_t version) {
  return "key '" + std::string(name) + "' version " + std::to_string(version);
}

Error no_key(const Session& database, std::string_view name) {
  return {ErrorCode::kNotFound, database.path() + ": no key named '" + std::string(name) + "'"};
}

// collect steps `statement` to the end and decodes every row with `decode`.
template <typename Decoded>
Result<std::vector<Decoded>> collect(Query& statement, Result<Decoded> (*decode)(const Row&)) {
  std::vector<Decoded> rows;
  for (;;) {
    ENSIGN_TRY(has_row, statement.step());
    if (!has_row) {
      return rows;
    }
    ENSIGN_TRY(row, decode(statement));
    rows.push_back(std::move(row));
  }
}

Result<std::unique_ptr<Query>> query_key_info(const Session& database, std::string_view tail) {
  return database.query("SELECT " + std::string(kKeyInfoColumns) + std::string(kKeyInfoQuery) +
                        std::string(tail));
}

Result<std::unique_ptr<Query>> query_key_versions(const Session& database, std::string_view tail) {
  return database.query("SELECT " + std::string(kKeyVersionColumns) +
                        " FROM key_versions WHERE name = ?1" + std::string(tail));
}

// check_next_version enforces the numbering rule of add_key_version inside its transaction.
Status check_next_version(const Session& database, const KeyVersion& version) {
  ENSIGN_TRY(statement, database.query("SELECT max(version) FROM key_versions WHERE name = ?1"));
  ENSIGN_CHECK(statement->bind_text(1, version.name));
  ENSIGN_TRY(has_row, statement->step());
  std::int64_t current = 0;
  std::string key = "key '" + version.name + "'";
  if (has_row && !statement->is_null(0)) {
    ENSIGN_TRY(stored, statement->integer(0));
    if (stored < 1 || stored > std::numeric_limits<std::uint32_t>::max()) {
      return fail(ErrorCode::kDataLoss,
                  database.path() + ": " + key + ": stored version " + std::to_string(stored) +
                      " is out of range");
    }
    current = stored;
  }
  if (version.version == 1 && current != 0) {
    return fail(ErrorCode::kAlreadyExists,
                database.path() + ": " + key + " already exists (current version " +
                    std::to_string(current) + ")");
  }
  if (version.version != 1 && current + 1 != static_cast<std::int64_t>(version.version)) {
    return fail(ErrorCode::kFailedPrecondition,
                database.path() + ": " + key + ": version " + std::to_string(version.version) +
                    " is not the next version (current is " + std::to_string(current) + ")");
  }
  return {};
}

Status insert_key(const Session& database, const KeyVersion& version) {
  ENSIGN_TRY(statement,
             database.query("INSERT INTO keys (name, algorithm, created_at) "
                            "VALUES (?1, ?2, ?3)"));
  ENSIGN_CHECK(statement->bind_text(1, version.name));
  ENSIGN_CHECK(statement->bind_text(2, crypto::key_algorithm_name(version.algorithm)));
  ENSIGN_CHECK(statement->bind_integer(3, version.created_at));
  return statement->run("cannot store key '" + version.name + "'");
}

Status insert_version(const Session& database, const KeyVersion& version) {
  ENSIGN_TRY(statement,
             database.query("INSERT INTO key_versions (name, version, algorithm, public_key, "
                            "sealed_key, key_attestation, platform, fingerprint, created_at) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  ENSIGN_CHECK(statement->bind_text(1, version.name));
  ENSIGN_CHECK(statement->bind_integer(2, version.version));
  ENSIGN_CHECK(statement->bind_text(3, crypto::key_algorithm_name(version.algorithm)));
  ENSIGN_CHECK(statement->bind_blob(4, version.public_key));
  ENSIGN_CHECK(statement->bind_blob(5, version.sealed_key));
  ENSIGN_CHECK(statement->bind_blob(6, version.key_attestation));
  ENSIGN_CHECK(statement->bind_text(7, version.platform));
  ENSIGN_CHECK(statement->bind_text(8, version.fingerprint));
  ENSIGN_CHECK(statement->bind_integer(9, version.created_at));
  return statement->run("cannot store " + key_label(version.name, version.version) +
                        " (fingerprint " + version.fingerprint + ")");
}

}  // namespace

Status validate_key_version(const std::string& path, const KeyVersion& version) {
  if (version.name.empty()) {
    return fail(ErrorCode::kInvalidArgument, path + ": a key version needs a key name");
  }
  std::string label = path + ": " + key_label(version.name, version.version);
  if (version.version == 0) {
    return fail(ErrorCode::kInvalidArgument, label + ": versions start at 1");
  }
  if (version.public_key.empty() || version.sealed_key.empty()) {
    return fail(ErrorCode::kInvalidArgument, label + ": public key and sealed key are required");
  }
  if (version.fingerprint != crypto::key_fingerprint(version.public_key)) {
    return fail(ErrorCode::kInvalidArgument,
                label + ": fingerprint is not the SHA-256 of the public key");
  }
  return {};
}

Status write_meta(const Session& database, std::string_view name, std::string_view value) {
  ENSIGN_TRY(statement,
             database.query("INSERT INTO meta (name, value) VALUES (?1, ?2) "
                            "ON CONFLICT (name) DO UPDATE SET value = excluded.value"));
  ENSIGN_CHECK(statement->bind_text(1, name));
  ENSIGN_CHECK(statement->bind_text(2, value));
  return statement->run("cannot set meta '" + std::string(name) + "'");
}

Result<std::optional<std::string>> read_meta(const Session& database, std::string_view name) {
  ENSIGN_TRY(statement, database.query("SELECT value FROM meta WHERE name = ?1"));
  ENSIGN_CHECK(statement->bind_text(1, name));
  ENSIGN_TRY(has_row, statement->step());
  if (!has_row) {
    return std::optional<std::string>();
  }
  ENSIGN_TRY(value, statement->text(0));
  return std::optional<std::string>(std::move(value));
}

Status insert_key_version(const Session& database,
                          const KeyVersion& version,
                          std::string_view actor) {
  ENSIGN_CHECK(check_next_version(database, version));
  if (version.version == 1) {
    ENSIGN_CHECK(insert_key(database, version));
  }
  ENSIGN_CHECK(insert_version(database, version));
  AuditEvent event;
  event.at = now_seconds();
  event.actor = std::string(actor);
  event.action = version.version == 1 ? "key.create" : "key.rotate";
  event.key_name = version.name;
  event.key_version = version.version;
  event.detail = std::string(crypto::key_algorithm_name(version.algorithm)) + " on " +
                 version.platform + ", fingerprint " + version.fingerprint;
  ENSIGN_CHECK(insert_audit(database, event));
  return {};
}

Result<std::vector<KeyInfo>> read_keys(const Session& database) {
  ENSIGN_TRY(statement, query_key_info(database, " ORDER BY k.name"));
  return collect(*statement, decode_key_info);
}

Result<KeyInfo> read_key(const Session& database, std::string_view name) {
  ENSIGN_TRY(statement, query_key_info(database, " AND k.name = ?1"));
  ENSIGN_CHECK(statement->bind_text(1, name));
  ENSIGN_TRY(keys, collect(*statement, decode_key_info));
  if (keys.empty()) {
    return fail(no_key(database, name));
  }
  return std::move(keys.front());
}

Result<std::vector<KeyVersion>> read_key_versions(const Session& database, std::string_view name) {
  ENSIGN_TRY(statement, query_key_versions(database, " ORDER BY version"));
  ENSIGN_CHECK(statement->bind_text(1, name));
  ENSIGN_TRY(versions, collect(*statement, decode_key_version));
  if (versions.empty()) {
    return fail(no_key(database, name));
  }
  return versions;
}

Result<KeyVersion> read_key_version(const Session& database,
                                    std::string_view name,
                                    std::uint32_t version) {
  ENSIGN_TRY(statement, query_key_versions(database, " AND version = ?2"));
  ENSIGN_CHECK(statement->bind_text(1, name));
  ENSIGN_CHECK(statement->bind_integer(2, version));
  ENSIGN_TRY(versions, collect(*statement, decode_key_version));
  if (versions.empty()) {
    return fail(ErrorCode::kNotFound, database.path() + ": no " + key_label(name, version));
  }
  return std::move(versions.front());
}

Result<std::int64_t> insert_audit(const Session& database, const AuditEvent& event) {
  ENSIGN_TRY(statement,
             database.query("INSERT INTO audit (at, actor, action, key_name, key_version, "
                            "digest, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id"));
  ENSIGN_CHECK(statement->bind_integer(1, event.at != 0 ? event.at : now_seconds()));
  ENSIGN_CHECK(statement->bind_text(2, event.actor));
  ENSIGN_CHECK(statement->bind_text(3, event.action));
  ENSIGN_CHECK(statement->bind_text(4, event.key_name));
  ENSIGN_CHECK(statement->bind_integer(5, event.key_version));
  ENSIGN_CHECK(statement->bind_text(6, event.digest));
  ENSIGN_CHECK(statement->bind_text(7, event.detail));
  std::string what = "cannot append audit event '" + event.action + "'";
  ENSIGN_TRY(has_row, statement->step_for(what));
  if (!has_row) {
    return fail(ErrorCode::kInternal, database.path() + ": " + what + ": no id returned");
  }
  return statement->integer(0);
}

Result<std::vector<AuditEvent>> read_audit(const Session& database,
                                           const std::optional<std::string>& key_name,
                                           std::size_t limit) {
  // The newest `limit` events, returned oldest first.
  std::string sql = "SELECT " + std::string(kAuditColumns) + " FROM audit";
  if (key_name) {
    sql += " WHERE key_name = ?2";
  }
  sql = "SELECT * FROM (" + sql + " ORDER BY id DESC LIMIT ?1) AS newest ORDER BY id";
  ENSIGN_TRY(statement, database.query(sql));
  constexpr auto kLargest = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  ENSIGN_CHECK(statement->bind_integer(1, static_cast<std::int64_t>(std::min(limit, kLargest))));
  if (key_name) {
    ENSIGN_CHECK(statement->bind_text(2, *key_name));
  }
  return collect(*statement, decode_audit_event);
}

}  // namespace ensign::host::store::internal
