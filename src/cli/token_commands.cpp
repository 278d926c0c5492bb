// token_commands.cpp: `ensign token create|list|revoke`, the bearer tokens of ensignd's API.
// They act on the installation's database directly: whoever can run them can read it anyway.
#include <iostream>

#include "cli/commands.h"
#include "core/time.h"
#include "host/auth/tokens.h"
#include "host/state.h"

namespace ensign::cli {
namespace {

struct TokenOptions {
  std::vector<std::string> scopes;
  std::string description;
  std::string id;
  bool json = false;
};

nlohmann::json token_json(const host::store::TokenRecord& token) {
  nlohmann::json out{{"id", token.id},
                     {"description", token.description},
                     {"scopes", token.scopes},
                     {"created", format_rfc3339(token.created_at)}};
  if (token.revoked_at != 0) {
    out["revoked"] = format_rfc3339(token.revoked_at);
  }
  return out;
}

Status run_create(Context& context, const TokenOptions& options) {
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(issued, host::auth::issue_token(*store, options.description, options.scopes,
                                             now_unix()));
  std::string_view token = as_string_view(issued.token.view());
  if (options.json) {
    nlohmann::json out = token_json(issued.record);
    out["token"] = std::string(token);
    print_json(out);
    return {};
  }
  std::cerr << "token " << issued.record.id << " with scopes";
  for (const auto& scope : issued.record.scopes) {
    std::cerr << " " << scope;
  }
  std::cerr << " (shown once: store it now; ensign keeps only a salted hash)\n";
  std::cout << token << std::endl;
  return {};
}

Status run_list(Context& context, const TokenOptions& options) {
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(tokens, store->list_tokens());
  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& token : tokens) {
      list.push_back(token_json(token));
    }
    print_json(list);
    return {};
  }
  if (tokens.empty()) {
    std::cout << "no tokens (make one with `ensign token create --scope read`)\n";
    return {};
  }
  for (const auto& token : tokens) {
    std::cout << token.id << "  " << format_rfc3339(token.created_at) << "  "
              << (token.revoked_at != 0 ? "revoked " + format_rfc3339(token.revoked_at) : "valid")
              << " ";
    for (const auto& scope : token.scopes) {
      std::cout << " " << scope;
    }
    if (!token.description.empty()) {
      std::cout << "  (" << token.description << ")";
    }
    std::cout << "\n";
  }
  return {};
}

Status run_revoke(Context& context, const TokenOptions& options) {
  ENSIGN_TRY(store, context.store());
  ENSIGN_CHECK(store->revoke_token(options.id, now_unix()));
  std::cout << "revoked token " << options.id << "\n";
  return {};
}

}  // namespace

void add_token_commands(CLI::App& app, Context& context, int& exit_code) {
  auto* token = app.add_subcommand("token", "Make, list and revoke the API's bearer tokens");
  token->require_subcommand(1);
  auto options = std::make_shared<TokenOptions>();
  Context* ctx = &context;
  auto* create = add_status_subcommand(*token, "create", "Make a token; it is printed once",
                                      exit_code, [ctx, options] { return run_create(*ctx, *options); });
  create->add_option("--scope", options->scopes, "admin, read or sign:KEY (repeatable)")
      ->required();
  create->add_option("--description", options->description, "What the token is for");
  create->add_flag("--json", options->json, "Print the token and its record as JSON");
  auto* list = add_status_subcommand(*token, "list", "List tokens (never their secrets)",
                                    exit_code, [ctx, options] { return run_list(*ctx, *options); });
  list->add_flag("--json", options->json, "Print as JSON");
  auto* revoke = add_status_subcommand(*token, "revoke", "Revoke a token by its id", exit_code,
                                      [ctx, options] { return run_revoke(*ctx, *options); });
  revoke->add_option("id", options->id, "The token's id (ens_<id>_...)")->required();
}

}  // namespace ensign::cli
