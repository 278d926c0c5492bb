// statement_cache.h: a connection's prepared statements kept for reuse. Compiling SQL is a large
// part of a small query's cost (the parser, the schema lookups), and the store runs the same
// few dozen statements all the time, so a Statement hands its compiled form back here when it is
// done, reset and with its bindings cleared, and the next prepare of the same SQL takes it.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "host/store/internal/sqlite_handles.h"

namespace ensign::host::store::internal {

class StatementCache {
 public:
  // take returns an idle compiled statement of `sql`, or null when there is none.
  StatementPtr take(std::string_view sql);

  // give_back keeps `statement` (of `sql`) for reuse, reset and unbound; when kMaxIdle are kept
  // already it is finalized instead.
  void give_back(std::string sql, StatementPtr statement);

 private:
  static constexpr std::size_t kMaxIdle = 128;
  std::unordered_multimap<std::string, StatementPtr> idle_;
};

}  // namespace ensign::host::store::internal
