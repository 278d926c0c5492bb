#include "host/store/internal/postgres_store.h"

#include <utility>

#include "host/store/internal/connection_pool.h"
#include "host/store/internal/postgres_connection.h"
#include "host/store/internal/postgres_schema.h"
#include "host/store/internal/sql_store.h"

namespace ensign::host::store::internal {
namespace {

// PostgresStore is the SqlStore on PostgreSQL connections: one writes; the others read beside
// it, so that reads wait neither for a signing batch's write nor for each other's round trips.
class PostgresStore final : public SqlStore {
 public:
  PostgresStore(PostgresConnection connection, PostgresConnection reader)
      : SqlStore(connection.path()),
        connection_(std::move(connection)),
        readers_(
            std::move(reader), kMaxReadingConnections, [this] { return connection_.another(); }) {}

 private:
  Status in_write_transaction(const SessionFunction& body) override {
    return connection_.in_write_transaction(body);
  }

  Status in_read(const SessionFunction& body) override {
    return readers_.with([&body](PostgresConnection& reader) { return reader.in_read(body); });
  }

  bool reads_beside_writes() const override { return true; }

  Result<int> read_schema_version() override {
    return run_returning([this](const SessionFunction& body) { return in_read(body); },
                         read_postgres_version);
  }

  PostgresConnection connection_;
  ConnectionPool<PostgresConnection> readers_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgres(std::string_view url, OpenMode mode) {
  ENSIGN_TRY(connection, PostgresConnection::open(url));
  auto read = [&connection](const SessionFunction& body) { return connection.in_read(body); };
  ENSIGN_TRY(inspection, run_returning(read, inspect_postgres));
  if (inspection.empty && mode == OpenMode::kExisting) {
    return fail(
        ErrorCode::kFailedPrecondition,
        connection.path() + ": the database is empty, not an ensign database: run `ensign init`");
  }
  // Unlike a SQLite file's, a PostgreSQL schema that is up to date is left as it was by
  // migrate_postgres, so its objects can be checked after it.
  ENSIGN_CHECK(migrate_postgres(connection));
  ENSIGN_CHECK(run_returning(read, check_postgres_objects));
  ENSIGN_TRY(reader, connection.another());
  return std::unique_ptr<Store>(
      std::make_unique<PostgresStore>(std::move(connection), std::move(reader)));
}

}  // namespace ensign::host::store::internal
