// sign_routes.cpp: POST /v1/keys/NAME/sign. The body (formats/api_requests.h) names the digest,
// the artifact (at most 4 MiB) or a DSSE payload. The answer is the Sigstore bundle, its
// signature logged (and durable) before it is sent.
#include "formats/bundle.h"
#include "formats/api_requests.h"
#include "host/auth/scopes.h"
#include "host/key_service.h"
#include "host/server/api_context.h"
#include "host/server/http_reply.h"
#include "host/server/request_parts.h"

namespace ensign::host::server {
namespace {

Result<formats::Bundle> sign(ApiContext& api, const Caller& caller, const std::string& key,
                             const std::string& body) {
  ENSIGN_TRY(request, formats::decode_sign_request(body));
  SignOptions options;
  options.audit = false;  // the log records every signature, in the batch's one commit
  options.attach_key_attestation = request.key_attestation;
  KeyService service(api.store, api.enclave, caller.actor,
                     [&api](enclave::protocol::SignItem item) {
                       return api.batcher.sign(std::move(item));
                     });
  switch (request.input) {
    case formats::SignRequest::Input::kDigest:
      return service.sign_digest(key, request.data, options);
    case formats::SignRequest::Input::kMessage:
      return service.sign_message(key, request.data, options);
    case formats::SignRequest::Input::kDsse:
      break;
  }
  return service.sign_dsse(key, request.payload_type, request.data, options);
}

}  // namespace

void add_sign_routes(httplib::Server& server, ApiContext& api) {
  server.Post(std::string(kKeyPath) + "/sign",
              [&api](const httplib::Request& request, httplib::Response& response) {
                std::string key = request.matches[1].str();
                auto caller = authorize(api, request, response, auth::sign_scope(key));
                if (!caller) {
                  return;
                }
                auto bundle = [&]() -> Result<formats::Bundle> {
                  ENSIGN_CHECK(body_within(request, formats::kMaxSignRequestSize));
                  return sign(api, *caller, key, request.body);
                }();
                if (!bundle) {
                  reply_error(response, bundle.error());
                  return;
                }
                response.set_content(formats::bundle_to_json(*bundle), "application/json");
              });
}

}  // namespace ensign::host::server
