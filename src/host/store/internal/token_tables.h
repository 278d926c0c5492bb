// token_tables.h: the API tokens' table (schema migration 3). Each function runs inside the
// caller's transaction; stored values are outside input, so what is read back is checked and
// fails with DataLoss.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "host/store/internal/sql.h"
#include "host/store/store.h"

namespace ensign::host::store::internal {

Status insert_token(const Session& database, const TokenRecord& token);
Result<TokenRecord> read_token(const Session& database, std::string_view id);
Result<std::vector<TokenRecord>> read_tokens(const Session& database);
Status mark_token_revoked(const Session& database, std::string_view id, std::int64_t at);

// join_scopes / split_scopes are the stored form of a token's scopes: one space between each.
std::string join_scopes(const std::vector<std::string>& scopes);
std::vector<std::string> split_scopes(std::string_view text);

}  // namespace ensign::host::store::internal
