#include "host/store/store.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <thread>
#include <utility>

#include "core/file.h"
#include "host/store/internal/connection_pool.h"
#include "host/store/internal/database.h"
#include "host/store/internal/schema.h"
#include "host/store/internal/sql_store.h"

namespace ensign::host::store {
namespace {

using internal::Database;

// kFileMode keeps the database private to its owner; SQLite gives the -wal and -shm files the
// database file's mode.
constexpr mode_t kFileMode = 0600;

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

// open_reader opens a query-only connection to the database file at `path`.
Result<Database> open_reader(const std::string& path) {
  ENSIGN_TRY(reader, Database::open(path));
  ENSIGN_CHECK(reader.execute("PRAGMA query_only = ON; PRAGMA cell_size_check = ON",
                              "cannot configure the reading connection"));
  return reader;
}

// SqliteStore is the SqlStore on SQLite connections: one writes, in transactions that begin
// IMMEDIATE (taking the file's write lock up front); query-only ones read beside it, as
// write-ahead logging allows, so reads never wait for a write in progress or for each other.
class SqliteStore final : public internal::SqlStore {
 public:
  SqliteStore(Database database, Database reader)
      : SqlStore(database.path()),
        database_(std::move(database)),
        readers_(std::move(reader), internal::kMaxReadingConnections, [path = database_.path()] {
          return open_reader(path);
        }) {}

 private:
  Status in_write_transaction(const internal::SessionFunction& body) override {
    return internal::in_transaction(database_, [&]() { return body(database_); });
  }

  Status in_read(const internal::SessionFunction& body) override {
    return readers_.with([&body](Database& reader) { return body(reader); });
  }

  bool reads_beside_writes() const override { return true; }

  Result<int> read_schema_version() override {
    ENSIGN_TRY(version, database_.query_integer("PRAGMA user_version"));
    return static_cast<int>(version);
  }

  Database database_;
  internal::ConnectionPool<Database> readers_;
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
  ENSIGN_TRY(reader, open_reader(path));
  return std::unique_ptr<Store>(
      std::make_unique<SqliteStore>(std::move(database), std::move(reader)));
}

}  // namespace ensign::host::store
