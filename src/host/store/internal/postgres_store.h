// postgres_store.h: the Store on a PostgreSQL database (the SqlStore on one PostgresConnection).
#pragma once

#include <memory>
#include <string_view>

#include "core/result.h"
#include "host/store/store.h"

namespace ensign::host::store::internal {

// open_postgres connects to the database at `url` (postgresql:// or postgres://), and with
// kCreate applies pending migrations to an empty or older schema. Fails as Store::open does, with
// the URL without its password naming the database: FailedPrecondition ("run `ensign init`") for
// an empty database with kExisting, Unavailable when the server cannot be reached or refuses the
// login.
Result<std::unique_ptr<Store>> open_postgres(std::string_view url, OpenMode mode);

}  // namespace ensign::host::store::internal
