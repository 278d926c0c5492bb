#include "host/store/store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "core/file.h"
#include "crypto/keys.h"
#include "host/store/internal/database.h"
#include "host/store/internal/log_tables.h"
#include "host/store/internal/rows.h"
#include "host/store/internal/schema.h"

namespace ensign::host::store {
namespace {

using internal::Database;
using internal::Statement;

// kFileMode keeps the database private to its owner; SQLite gives the -wal and -shm files the
// database file's mode.
constexpr mode_t kFileMode = 0600;

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

// validate_key_version refuses a KeyVersion the store at `path` must never hold.
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

// insert_audit appends one audit row inside the caller's transaction and returns its id.
Result<std::int64_t> insert_audit(const Database& database, const AuditEvent& event) {
  ENSIGN_TRY(statement,
             database.prepare("INSERT INTO audit (at, actor, action, key_name, key_version, "
                              "digest, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  ENSIGN_CHECK(statement.bind_integer(1, event.at != 0 ? event.at : now_seconds()));
  ENSIGN_CHECK(statement.bind_text(2, event.actor));
  ENSIGN_CHECK(statement.bind_text(3, event.action));
  ENSIGN_CHECK(statement.bind_text(4, event.key_name));
  ENSIGN_CHECK(statement.bind_integer(5, event.key_version));
  ENSIGN_CHECK(statement.bind_text(6, event.digest));
  ENSIGN_CHECK(statement.bind_text(7, event.detail));
  ENSIGN_CHECK(statement.run("cannot append audit event '" + event.action + "'"));
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(database.connection()));
}

// collect steps `statement` to the end and decodes every row with `decode`.
template <typename Row>
Result<std::vector<Row>> collect(Statement& statement, Result<Row> (*decode)(const Statement&)) {
  std::vector<Row> rows;
  for (;;) {
    ENSIGN_TRY(has_row, statement.step());
    if (!has_row) {
      return rows;
    }
    ENSIGN_TRY(row, decode(statement));
    rows.push_back(std::move(row));
  }
}

// switch_to_write_ahead_log runs PRAGMA journal_mode = WAL once and returns the mode SQLite
// reports.
Result<std::string> switch_to_write_ahead_log(const Database& database) {
  ENSIGN_TRY(statement, database.prepare("PRAGMA journal_mode = WAL"));
  ENSIGN_TRY(has_row, statement.step());
  if (!has_row) {
    return std::string();
  }
  return statement.text(0);
}

// use_write_ahead_log switches the file to WAL mode and sets this connection's write settings.
// It writes the file header, so it runs only once the file is known to be ours. The switch takes
// an exclusive lock from inside a read, where SQLite reports SQLITE_BUSY at once instead of
// calling the busy handler (that would risk deadlock), so a switch racing another opener of a new
// file is retried here for up to the busy timeout.
Status use_write_ahead_log(const Database& database) {
  constexpr auto kPause = std::chrono::milliseconds(5);
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(internal::kBusyTimeoutMilliseconds);
  auto mode = switch_to_write_ahead_log(database);
  while (!mode && (sqlite3_errcode(database.connection()) & 0xff) == SQLITE_BUSY &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kPause);
    mode = switch_to_write_ahead_log(database);
  }
  if (!mode) {
    return fail(mode.error());
  }
  if (*mode != "wal") {
    return fail(
        ErrorCode::kUnavailable,
        database.path() + ": cannot use write-ahead logging (journal mode is '" + *mode + "')");
  }
  return database.execute(
      "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cell_size_check = ON",
      "cannot configure the connection");
}

// prepare_file makes sure a file is at `path`: with kCreate it creates an empty one with
// kFileMode unless one is there; with kExisting a missing file is FailedPrecondition.
Status prepare_file(const std::string& path, OpenMode mode) {
  if (mode == OpenMode::kCreate) {
    auto created = create_file_exclusive(path, {}, kFileMode);
    if (!created && created.error().code() != ErrorCode::kAlreadyExists) {
      return created;
    }
    return {};
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    return {};
  }
  if (errno == ENOENT) {
    return fail(ErrorCode::kFailedPrecondition,
                path + ": no ensign database here: run `ensign init`");
  }
  return fail(ErrorCode::kUnavailable,
              path + ": cannot stat: " + std::generic_category().message(errno));
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(Database database) : database_(std::move(database)) {}

  Result<int> schema_version() override {
    std::lock_guard lock(mutex_);
    ENSIGN_TRY(version, database_.query_integer("PRAGMA user_version"));
    return static_cast<int>(version);
  }

  Status set_meta(std::string_view name, std::string_view value) override {
    if (name.empty()) {
      return fail(ErrorCode::kInvalidArgument, database_.path() + ": a meta entry needs a name");
    }
    std::lock_guard lock(mutex_);
    return internal::in_transaction(database_, [&]() -> Status {
      ENSIGN_TRY(statement,
                 database_.prepare("INSERT INTO meta (name, value) VALUES (?1, ?2) "
                                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value"));
      ENSIGN_CHECK(statement.bind_text(1, name));
      ENSIGN_CHECK(statement.bind_text(2, value));
      return statement.run("cannot set meta '" + std::string(name) + "'");
    });
  }

  Result<std::optional<std::string>> get_meta(std::string_view name) override {
    std::lock_guard lock(mutex_);
    ENSIGN_TRY(statement, database_.prepare("SELECT value FROM meta WHERE name = ?1"));
    ENSIGN_CHECK(statement.bind_text(1, name));
    ENSIGN_TRY(has_row, statement.step());
    if (!has_row) {
      return std::optional<std::string>();
    }
    ENSIGN_TRY(value, statement.text(0));
    return std::optional<std::string>(std::move(value));
  }

  Status add_key_version(const KeyVersion& version, std::string_view actor) override {
    ENSIGN_CHECK(validate_key_version(database_.path(), version));
    std::lock_guard lock(mutex_);
    return internal::in_transaction(database_, [&]() -> Status {
      ENSIGN_CHECK(check_next_version(version));
      if (version.version == 1) {
        ENSIGN_CHECK(insert_key(version));
      }
      ENSIGN_CHECK(insert_version(version));
      AuditEvent event;
      event.at = now_seconds();
      event.actor = std::string(actor);
      event.action = version.version == 1 ? "key.create" : "key.rotate";
      event.key_name = version.name;
      event.key_version = version.version;
      event.detail = std::string(crypto::key_algorithm_name(version.algorithm)) + " on " +
                     version.platform + ", fingerprint " + version.fingerprint;
      ENSIGN_CHECK(insert_audit(database_, event));
      return {};
    });
  }

  Result<std::vector<KeyInfo>> list_keys() override {
    std::lock_guard lock(mutex_);
    ENSIGN_TRY(statement, prepare_key_info(" ORDER BY k.name"));
    return collect(statement, internal::decode_key_info);
  }

  Result<KeyInfo> get_key(std::string_view name) override {
    std::lock_guard lock(mutex_);
    ENSIGN_TRY(statement, prepare_key_info(" AND k.name = ?1"));
    ENSIGN_CHECK(statement.bind_text(1, name));
    ENSIGN_TRY(keys, collect(statement, internal::decode_key_info));
    if (keys.empty()) {
      return fail(no_key(name));
    }
    return std::move(keys.front());
  }

  Result<std::vector<KeyVersion>> key_versions(std::string_view name) override {
    std::lock_guard lock(mutex_);
    ENSIGN_TRY(statement, prepare_key_versions(" ORDER BY version"));
    ENSIGN_CHECK(statement.bind_text(1, name));
    ENSIGN_TRY(versions, collect(statement, internal::decode_key_version));
    if (versions.empty()) {
      return fail(no_key(name));
    }
    return versions;
  }

  Result<KeyVersion> key_version(std::string_view name, std::uint32_t version) override {
    std::lock_guard lock(mutex_);
    ENSIGN_TRY(statement, prepare_key_versions(" AND version = ?2"));
    ENSIGN_CHECK(statement.bind_text(1, name));
    ENSIGN_CHECK(statement.bind_integer(2, version));
    ENSIGN_TRY(versions, collect(statement, internal::decode_key_version));
    if (versions.empty()) {
      return fail(ErrorCode::kNotFound, database_.path() + ": no " + key_label(name, version));
    }
    return std::move(versions.front());
  }

  Result<std::int64_t> append_audit(const AuditEvent& event) override {
    if (event.action.empty()) {
      return fail(ErrorCode::kInvalidArgument,
                  database_.path() + ": an audit event needs an action");
    }
    std::lock_guard lock(mutex_);
    return internal::in_transaction(database_, [&]() { return insert_audit(database_, event); });
  }

  Result<std::vector<AuditEvent>> list_audit(std::optional<std::string> key_name,
                                             std::size_t limit) override {
    std::lock_guard lock(mutex_);
    // The newest `limit` events, returned oldest first.
    std::string sql = "SELECT " + std::string(internal::kAuditColumns) + " FROM audit";
    if (key_name) {
      sql += " WHERE key_name = ?2";
    }
    sql = "SELECT * FROM (" + sql + " ORDER BY id DESC LIMIT ?1) ORDER BY id";
    ENSIGN_TRY(statement, database_.prepare(sql));
    constexpr auto kLargest = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
    ENSIGN_CHECK(statement.bind_integer(1, static_cast<std::int64_t>(std::min(limit, kLargest))));
    if (key_name) {
      ENSIGN_CHECK(statement.bind_text(2, *key_name));
    }
    return collect(statement, internal::decode_audit_event);
  }

  Status create_log(const LogHead& head) override {
    std::lock_guard lock(mutex_);
    return internal::in_transaction(database_,
                                    [&]() { return internal::insert_log_head(database_, head); });
  }

  Result<std::optional<LogHead>> log_head() override {
    std::lock_guard lock(mutex_);
    return internal::read_log_head(database_);
  }

  Result<LogAppend> append_log(
      const std::function<Result<LogAppend>(const LogHead&, const log::NodeReader&)>& make)
      override {
    std::lock_guard lock(mutex_);
    return internal::in_transaction(database_, [&]() -> Result<LogAppend> {
      ENSIGN_TRY(head, internal::read_log_head(database_));
      if (!head) {
        return fail(ErrorCode::kNotFound, database_.path() + ": there is no log yet");
      }
      log::NodeReader nodes = [this](log::NodeId id) {
        return internal::read_log_node(database_, id);
      };
      ENSIGN_TRY(batch, make(*head, nodes));
      ENSIGN_CHECK(internal::store_log_append(database_, *head, batch));
      return batch;
    });
  }

  Result<std::vector<LogEntryRow>> log_entries(std::uint64_t first, std::size_t count) override {
    std::lock_guard lock(mutex_);
    return internal::read_log_entries(database_, first, count);
  }

  Result<std::uint64_t> find_log_entry(ByteView leaf_hash) override {
    std::lock_guard lock(mutex_);
    return internal::find_log_entry(database_, leaf_hash);
  }

  Result<Bytes> log_node(log::NodeId id) override {
    std::lock_guard lock(mutex_);
    return internal::read_log_node(database_, id);
  }

  Result<std::string> log_checkpoint(std::uint64_t size) override {
    std::lock_guard lock(mutex_);
    return internal::read_log_checkpoint(database_, size);
  }

 private:
  [[nodiscard]] Error no_key(std::string_view name) const {
    return {ErrorCode::kNotFound, database_.path() + ": no key named '" + std::string(name) + "'"};
  }

  [[nodiscard]] Result<Statement> prepare_key_info(std::string_view tail) const {
    return database_.prepare("SELECT " + std::string(internal::kKeyInfoColumns) +
                             std::string(kKeyInfoQuery) + std::string(tail));
  }

  [[nodiscard]] Result<Statement> prepare_key_versions(std::string_view tail) const {
    return database_.prepare("SELECT " + std::string(internal::kKeyVersionColumns) +
                             " FROM key_versions WHERE name = ?1" + std::string(tail));
  }

  // check_next_version enforces the numbering rule of add_key_version inside its transaction.
  [[nodiscard]] Status check_next_version(const KeyVersion& version) const {
    ENSIGN_TRY(statement,
               database_.prepare("SELECT max(version) FROM key_versions WHERE name = ?1"));
    ENSIGN_CHECK(statement.bind_text(1, version.name));
    ENSIGN_TRY(has_row, statement.step());
    std::int64_t current = 0;
    std::string key = "key '" + version.name + "'";
    if (has_row && !statement.is_null(0)) {
      ENSIGN_TRY(stored, statement.integer(0));
      if (stored < 1 || stored > std::numeric_limits<std::uint32_t>::max()) {
        return fail(ErrorCode::kDataLoss,
                    database_.path() + ": " + key + ": stored version " + std::to_string(stored) +
                        " is out of range");
      }
      current = stored;
    }
    if (version.version == 1 && current != 0) {
      return fail(ErrorCode::kAlreadyExists,
                  database_.path() + ": " + key + " already exists (current version " +
                      std::to_string(current) + ")");
    }
    if (version.version != 1 && current + 1 != static_cast<std::int64_t>(version.version)) {
      return fail(ErrorCode::kFailedPrecondition,
                  database_.path() + ": " + key + ": version " + std::to_string(version.version) +
                      " is not the next version (current is " + std::to_string(current) + ")");
    }
    return {};
  }

  [[nodiscard]] Status insert_key(const KeyVersion& version) const {
    ENSIGN_TRY(
        statement,
        database_.prepare("INSERT INTO keys (name, algorithm, created_at) VALUES (?1, ?2, ?3)"));
    ENSIGN_CHECK(statement.bind_text(1, version.name));
    ENSIGN_CHECK(statement.bind_text(2, crypto::key_algorithm_name(version.algorithm)));
    ENSIGN_CHECK(statement.bind_integer(3, version.created_at));
    return statement.run("cannot store key '" + version.name + "'");
  }

  [[nodiscard]] Status insert_version(const KeyVersion& version) const {
    ENSIGN_TRY(statement,
               database_.prepare("INSERT INTO key_versions (name, version, algorithm, public_key, "
                                 "sealed_key, key_attestation, platform, fingerprint, created_at) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    ENSIGN_CHECK(statement.bind_text(1, version.name));
    ENSIGN_CHECK(statement.bind_integer(2, version.version));
    ENSIGN_CHECK(statement.bind_text(3, crypto::key_algorithm_name(version.algorithm)));
    ENSIGN_CHECK(statement.bind_blob(4, version.public_key));
    ENSIGN_CHECK(statement.bind_blob(5, version.sealed_key));
    ENSIGN_CHECK(statement.bind_blob(6, version.key_attestation));
    ENSIGN_CHECK(statement.bind_text(7, version.platform));
    ENSIGN_CHECK(statement.bind_text(8, version.fingerprint));
    ENSIGN_CHECK(statement.bind_integer(9, version.created_at));
    return statement.run("cannot store " + key_label(version.name, version.version) +
                         " (fingerprint " + version.fingerprint + ")");
  }

  // mutex_ serialises calls: a connection runs one transaction at a time.
  std::mutex mutex_;
  Database database_;
};

}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& path, OpenMode mode) {
  ENSIGN_CHECK(prepare_file(path, mode));
  ENSIGN_TRY(database, Database::open(path));
  // Everything up to use_write_ahead_log only reads, so a refused file is left as it was.
  ENSIGN_TRY(inspection, internal::inspect(database));
  if (inspection.empty && mode == OpenMode::kExisting) {
    return fail(ErrorCode::kFailedPrecondition,
                path + ": the file is empty, not an ensign database: run `ensign init`");
  }
  // An up-to-date file has its objects checked before anything is written; a new or older one
  // once its migrations have made them.
  bool up_to_date =
      !inspection.empty &&
      inspection.schema_version == static_cast<std::int64_t>(internal::migrations().size());
  if (up_to_date) {
    ENSIGN_CHECK(internal::check_objects(database));
  }
  ENSIGN_CHECK(internal::check_integrity(database));
  ENSIGN_CHECK(use_write_ahead_log(database));
  ENSIGN_CHECK(internal::migrate(database));
  if (!up_to_date) {
    ENSIGN_CHECK(internal::check_objects(database));
  }
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(database)));
}

}  // namespace ensign::host::store
