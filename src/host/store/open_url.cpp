#include <string>

#include "host/store/internal/postgres_store.h"
#include "host/store/store.h"

namespace ensign::host::store {

Result<std::unique_ptr<Store>> Store::open_url(std::string_view url, OpenMode mode) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.substr(0, kSqlite.size()) == kSqlite) {
    std::string path(url.substr(kSqlite.size()));
    if (path.empty()) {
      return fail(ErrorCode::kInvalidArgument, "store URL 'sqlite:' names no file");
    }
    return open(path, mode);
  }
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (url.substr(0, scheme.size()) == scheme) {
      return internal::open_postgres(url, mode);
    }
  }
  // Only the scheme is quoted: the rest of an unknown URL may hold a password.
  std::string_view scheme = url.substr(0, url.find(':'));
  return fail(ErrorCode::kInvalidArgument,
              "unsupported store URL scheme '" + std::string(scheme.substr(0, 32)) +
                  "': expected sqlite:PATH, postgresql://... or postgres://...");
}

}  // namespace ensign::host::store
