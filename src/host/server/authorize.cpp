#include <iostream>

#include "host/auth/scopes.h"
#include "host/auth/tokens.h"
#include "host/server/api_context.h"
#include "host/server/http_reply.h"

namespace ensign::host::server {
namespace {

constexpr std::string_view kBearer = "Bearer ";

void refuse(ApiContext& api, const httplib::Request& request, httplib::Response& response,
            const Error& error) {
  api.metrics.count_auth_refusal();
  // The reason names at most the token's public id, never what was presented.
  std::cerr << "ensignd: refused " << request.method << " " << request.path << " from "
            << request.remote_addr << ": " << error.message() << "\n";
  reply_error(response, error);
}

}  // namespace

std::optional<Caller> authorize(ApiContext& api, const httplib::Request& request,
                                httplib::Response& response, std::string_view scope,
                                std::string_view alternative) {
  if (!request.has_header("Authorization")) {
    if (api.config.anonymous_reads && scope == auth::kScopeRead) {
      return Caller{"anonymous"};
    }
    refuse(api, request, response,
           Error(ErrorCode::kUnauthenticated, "a bearer token is required"));
    return std::nullopt;
  }
  std::string header = request.get_header_value("Authorization");
  if (!header.starts_with(kBearer)) {
    refuse(api, request, response,
           Error(ErrorCode::kUnauthenticated, "the Authorization header is not a bearer token"));
    return std::nullopt;
  }
  auto token = auth::authenticate(api.store, std::string_view(header).substr(kBearer.size()));
  OPENSSL_cleanse(header.data(), header.size());
  if (!token) {
    refuse(api, request, response, token.error());
    return std::nullopt;
  }
  if (!auth::allows(token->scopes, scope) &&
      (alternative.empty() || !auth::allows(token->scopes, alternative))) {
    refuse(api, request, response,
           Error(ErrorCode::kPermissionDenied,
                 "token " + token->id + " lacks the scope " + std::string(scope)));
    return std::nullopt;
  }
  return Caller{"token:" + token->id};
}

}  // namespace ensign::host::server
