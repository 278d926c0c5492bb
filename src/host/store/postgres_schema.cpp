#include "host/store/internal/postgres_schema.h"

#include <string>

namespace ensign::host::store::internal {
namespace {

// kCreateSchemaTable makes PostgreSQL's stand-in for the header fields a SQLite file carries
// (application_id, user_version). It is not one of the migrations: it says which of them ran.
constexpr const char* kCreateSchemaTable = R"sql(
CREATE TABLE ensign_schema (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  application_id BIGINT NOT NULL,
  version BIGINT NOT NULL
);
)sql";

// kTablesQuery counts the relations of the current schema, and among them ensign_schema.
constexpr std::string_view kTablesQuery =
    "SELECT (SELECT count(*) FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n "
    "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
    "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')), "
    "(SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
    "AND tablename = 'ensign_schema')";

constexpr std::string_view kObjectsQuery =
    "SELECT 'table', tablename::text FROM pg_catalog.pg_tables "
    "WHERE schemaname = current_schema() "
    "UNION ALL SELECT 'view', viewname::text FROM pg_catalog.pg_views "
    "WHERE schemaname = current_schema() "
    "UNION ALL SELECT 'materialized view', matviewname::text FROM pg_catalog.pg_matviews "
    "WHERE schemaname = current_schema() "
    "UNION ALL SELECT 'rule', rulename::text FROM pg_catalog.pg_rules "
    "WHERE schemaname = current_schema() "
    "UNION ALL SELECT 'trigger', t.tgname::text FROM pg_catalog.pg_trigger AS t "
    "JOIN pg_catalog.pg_class AS c ON c.oid = t.tgrelid "
    "JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND NOT t.tgisinternal";

// read_stamp reads ensign_schema's one row: the application id and the schema version.
Result<std::pair<std::int64_t, std::int64_t>> read_stamp(const Session& database) {
  ENSIGN_TRY(statement,
             database.query("SELECT application_id, version FROM ensign_schema WHERE id = 1"));
  ENSIGN_TRY(has_row, statement->step());
  if (!has_row) {
    return fail(data_loss(database.path(), "ensign_schema has no row"));
  }
  ENSIGN_TRY(application_id, statement->integer(0));
  ENSIGN_TRY(version, statement->integer(1));
  return std::pair(application_id, version);
}

}  // namespace

Result<Inspection> inspect_postgres(const Session& database) {
  ENSIGN_TRY(statement, database.query(kTablesQuery));
  ENSIGN_TRY(has_row, statement->step());
  if (!has_row) {
    return fail(data_loss(database.path(), "the schema cannot be read"));
  }
  ENSIGN_TRY(tables, statement->integer(0));
  ENSIGN_TRY(stamped, statement->integer(1));
  if (stamped == 0) {
    if (tables != 0) {
      return fail(data_loss(database.path(), "not an ensign database (tables, no ensign_schema)"));
    }
    return Inspection{.empty = true, .schema_version = 0};
  }
  ENSIGN_TRY(stamp, read_stamp(database));
  return judge_schema(
      database.path(), true, stamp.first, stamp.second, "ensign_schema application_id");
}

Result<int> read_postgres_version(const Session& database) {
  ENSIGN_TRY(stamp, read_stamp(database));
  return static_cast<int>(stamp.second);
}

Status migrate_postgres(PostgresConnection& connection) {
  return connection.in_write_transaction([](const PostgresSession& database) -> Status {
    ENSIGN_TRY(inspection, inspect_postgres(database));
    auto steps = migrations();
    if (!inspection.empty && inspection.schema_version == static_cast<std::int64_t>(steps.size())) {
      return {};
    }
    if (inspection.empty) {
      // Both values are integers this code chose.
      ENSIGN_CHECK(database.execute(std::string(kCreateSchemaTable) +
                                        "INSERT INTO ensign_schema VALUES (1, " +
                                        std::to_string(kApplicationId) + ", 0);",
                                    "cannot record the schema version"));
    }
    for (auto index = static_cast<std::size_t>(inspection.schema_version); index < steps.size();
         ++index) {
      ENSIGN_CHECK(database.execute(to_postgres(steps[index]),
                                    "cannot apply schema migration " + std::to_string(index + 1)));
    }
    return database.execute(
        "UPDATE ensign_schema SET version = " + std::to_string(steps.size()) + " WHERE id = 1",
        "cannot record the schema version");
  });
}

Status check_postgres_objects(const Session& database) {
  return check_schema_objects(database, kObjectsQuery);
}

}  // namespace ensign::host::store::internal
