#include "host/store/internal/schema.h"

#include <string>

#include "host/store/internal/sqlite_error.h"

namespace ensign::host::store::internal {

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
  return judge_schema(path, objects != 0, application_id, applied, "SQLite application_id");
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
  return check_schema_objects(database, "SELECT type, name FROM sqlite_schema");
}

}  // namespace ensign::host::store::internal
