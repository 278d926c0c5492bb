#include "host/store/internal/token_tables.h"


namespace ensign::host::store::internal {
namespace {

constexpr std::string_view kTokenColumns =
    "id, description, scopes, salt, secret_hash, created_at, revoked_at";

Result<TokenRecord> decode_token(const Session& database, const Row& statement) {
  TokenRecord token;
  ENSIGN_TRY(id, statement.text(0));
  ENSIGN_TRY(description, statement.text(1));
  ENSIGN_TRY(scopes, statement.text(2));
  ENSIGN_TRY(salt, statement.blob(3));
  ENSIGN_TRY(secret_hash, statement.blob(4));
  ENSIGN_TRY(created_at, statement.integer(5));
  ENSIGN_TRY(revoked_at, statement.integer(6));
  if (salt.empty() || secret_hash.empty()) {
    return fail(data_loss(database.path(), "token '" + id + "' has no salt or hash"));
  }
  token.id = std::move(id);
  token.description = std::move(description);
  token.scopes = split_scopes(scopes);
  token.salt = std::move(salt);
  token.secret_hash = std::move(secret_hash);
  token.created_at = created_at;
  token.revoked_at = revoked_at;
  return token;
}

}  // namespace

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string text;
  for (const std::string& scope : scopes) {
    if (!text.empty()) {
      text += ' ';
    }
    text += scope;
  }
  return text;
}

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> scopes;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t space = text.find(' ', begin);
    if (space == std::string_view::npos) {
      space = text.size();
    }
    if (space > begin) {
      scopes.emplace_back(text.substr(begin, space - begin));
    }
    begin = space + 1;
  }
  return scopes;
}

Status insert_token(const Session& database, const TokenRecord& token) {
  ENSIGN_TRY(existing, database.query("SELECT 1 FROM tokens WHERE id = ?1"));
  ENSIGN_CHECK(existing->bind_text(1, token.id));
  ENSIGN_TRY(taken, existing->step());
  if (taken) {
    return fail(ErrorCode::kAlreadyExists,
                database.path() + ": a token with id '" + token.id + "' exists");
  }
  ENSIGN_TRY(statement, database.query("INSERT INTO tokens (" + std::string(kTokenColumns) +
                                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  std::string scopes = join_scopes(token.scopes);  // bound without a copy: keep it alive
  ENSIGN_CHECK(statement->bind_text(1, token.id));
  ENSIGN_CHECK(statement->bind_text(2, token.description));
  ENSIGN_CHECK(statement->bind_text(3, scopes));
  ENSIGN_CHECK(statement->bind_blob(4, token.salt));
  ENSIGN_CHECK(statement->bind_blob(5, token.secret_hash));
  ENSIGN_CHECK(statement->bind_integer(6, token.created_at));
  ENSIGN_CHECK(statement->bind_integer(7, token.revoked_at));
  return statement->run("cannot store token '" + token.id + "'");
}

Result<TokenRecord> read_token(const Session& database, std::string_view id) {
  ENSIGN_TRY(statement, database.query("SELECT " + std::string(kTokenColumns) +
                                         " FROM tokens WHERE id = ?1"));
  ENSIGN_CHECK(statement->bind_text(1, id));
  ENSIGN_TRY(has_row, statement->step());
  if (!has_row) {
    return fail(ErrorCode::kNotFound, "no token '" + std::string(id) + "'");
  }
  return decode_token(database, *statement);
}

Result<std::vector<TokenRecord>> read_tokens(const Session& database) {
  ENSIGN_TRY(statement, database.query("SELECT " + std::string(kTokenColumns) +
                                         " FROM tokens ORDER BY created_at, id"));
  std::vector<TokenRecord> tokens;
  for (;;) {
    ENSIGN_TRY(has_row, statement->step());
    if (!has_row) {
      return tokens;
    }
    ENSIGN_TRY(token, decode_token(database, *statement));
    tokens.push_back(std::move(token));
  }
}

Status mark_token_revoked(const Session& database, std::string_view id, std::int64_t at) {
  ENSIGN_TRY(token, read_token(database, id));
  if (token.revoked_at != 0) {
    return fail(ErrorCode::kFailedPrecondition,
                "token '" + std::string(id) + "' is revoked already");
  }
  ENSIGN_TRY(statement, database.query("UPDATE tokens SET revoked_at = ?2 WHERE id = ?1"));
  ENSIGN_CHECK(statement->bind_text(1, id));
  ENSIGN_CHECK(statement->bind_integer(2, at));
  return statement->run("cannot revoke token '" + std::string(id) + "'");
}

}  // namespace ensign::host::store::internal
