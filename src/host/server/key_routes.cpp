// key_routes.cpp: /v1/keys: list, create, show, rotate and the public key.
#include "crypto/keys.h"
#include "formats/api_requests.h"
#include "host/auth/scopes.h"
#include "host/key_service.h"
#include "host/key_view.h"
#include "host/server/api_context.h"
#include "host/server/http_reply.h"
#include "host/server/request_parts.h"

namespace ensign::host::server {
namespace {

Result<nlohmann::json> list_keys(ApiContext& api) {
  ENSIGN_TRY(keys, api.store.list_keys());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& key : keys) {
    list.push_back(key_info_json(key));
  }
  return nlohmann::json{{"keys", list}};
}

Result<nlohmann::json> create_key(ApiContext& api, const Caller& caller,
                                  const std::string& body) {
  ENSIGN_TRY(request, formats::decode_create_key_request(body));
  KeyService service(api.store, api.enclave, caller.actor);
  ENSIGN_TRY(created, service.create_key(request.name, request.algorithm));
  return key_version_json(created, std::nullopt);
}

Result<nlohmann::json> rotate_key(ApiContext& api, const Caller& caller, const std::string& name) {
  KeyService service(api.store, api.enclave, caller.actor);
  ENSIGN_TRY(rotated, service.rotate_key(name));
  return key_version_json(rotated, std::nullopt);
}

}  // namespace

void add_key_routes(httplib::Server& server, ApiContext& api) {
  server.Get("/v1/keys", [&api](const httplib::Request& request, httplib::Response& response) {
    if (authorize(api, request, response, auth::kScopeRead)) {
      reply_result(response, list_keys(api));
    }
  });
  server.Post("/v1/keys", [&api](const httplib::Request& request, httplib::Response& response) {
    if (auto caller = authorize(api, request, response, auth::kScopeAdmin)) {
      reply_result(response, create_key(api, *caller, request.body));
      if (response.status == 200) {
        response.status = 201;
      }
    }
  });
  server.Get(std::string(kKeyPath), [&api](const httplib::Request& request,
                                          httplib::Response& response) {
    if (!authorize(api, request, response, auth::kScopeRead,
                   auth::sign_scope(request.matches[1].str()))) {
      return;
    }
    auto version = query_version(request);
    reply_result(response, version ? key_details_json(api.store, request.matches[1].str(), *version)
                                   : Result<nlohmann::json>(fail(version.error())));
  });
  server.Post(std::string(kKeyPath) + "/rotate",
              [&api](const httplib::Request& request, httplib::Response& response) {
                if (auto caller = authorize(api, request, response, auth::kScopeAdmin)) {
                  reply_result(response, rotate_key(api, *caller, request.matches[1].str()));
                }
              });
  server.Get(std::string(kKeyPath) + "/public-key",
             [&api](const httplib::Request& request, httplib::Response& response) {
               if (!authorize(api, request, response, auth::kScopeRead,
                              auth::sign_scope(request.matches[1].str()))) {
                 return;
               }
               auto pem = [&]() -> Result<std::string> {
                 ENSIGN_TRY(version, query_version(request));
                 ENSIGN_TRY(key, chosen_version(api.store, request.matches[1].str(), version));
                 return crypto::public_key_to_pem(key.public_key);
               }();
               if (!pem) {
                 reply_error(response, pem.error());
                 return;
               }
               response.set_content(*pem, "application/x-pem-file");
             });
}

}  // namespace ensign::host::server
