#include "host/store/internal/statement_cache.h"

#include <utility>

namespace ensign::host::store::internal {

StatementPtr StatementCache::take(std::string_view sql) {
  auto found = idle_.find(std::string(sql));
  if (found == idle_.end()) {
    return nullptr;
  }
  StatementPtr statement = std::move(found->second);
  idle_.erase(found);
  return statement;
}

void StatementCache::give_back(std::string sql, StatementPtr statement) {
  // Reset and unbind first: the bound text and blobs are not copied, and they are gone now.
  sqlite3_reset(statement.get());
  sqlite3_clear_bindings(statement.get());
  if (idle_.size() < kMaxIdle) {
    idle_.emplace(std::move(sql), std::move(statement));
  }
}

}  // namespace ensign::host::store::internal
