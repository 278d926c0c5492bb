// verify_routes.cpp: POST /v1/keys/NAME/verify. The body (formats/api_requests.h) carries the
// bundle and the artifact or its digest; the answer is host::bundle_check_json's report, 200
// whether or not the bundle verifies (a 4xx means the check could not be carried out).
#include "formats/api_requests.h"
#include "host/auth/scopes.h"
#include "host/bundle_check.h"
#include "host/key_view.h"
#include "host/server/api_context.h"
#include "host/server/http_reply.h"
#include "host/server/request_parts.h"

namespace ensign::host::server {
namespace {

std::optional<formats::Artifact> artifact_of(formats::VerifyRequest& request) {
  switch (request.artifact) {
    case formats::VerifyRequest::Artifact::kNone:
      break;
    case formats::VerifyRequest::Artifact::kDigest:
      return formats::Artifact::digest_only(std::move(request.data));
    case formats::VerifyRequest::Artifact::kMessage:
      return formats::Artifact::in_memory(std::move(request.data));
  }
  return std::nullopt;
}

Result<nlohmann::json> verify(ApiContext& api, const std::string& key,
                              const httplib::Request& http_request) {
  ENSIGN_CHECK(body_within(http_request, formats::kMaxVerifyRequestSize));
  ENSIGN_TRY(request, formats::decode_verify_request(http_request.body));
  ENSIGN_TRY(candidates, key_signers(api.store, key, request.bundle.public_key_hint));
  AttestationCheck attestation{request.require_attestation, request.measurement,
                               [&api] { return installation_platform_key(api.store); }};
  ENSIGN_TRY(check,
             check_bundle(request.bundle, artifact_of(request), candidates, key, attestation));
  return bundle_check_json(check);
}

}  // namespace

void add_verify_routes(httplib::Server& server, ApiContext& api) {
  server.Post(std::string(kKeyPath) + "/verify",
              [&api](const httplib::Request& request, httplib::Response& response) {
                std::string key = request.matches[1].str();
                if (authorize(api, request, response, auth::kScopeRead, auth::sign_scope(key))) {
                  reply_result(response, verify(api, key, request));
                }
              });
}

}  // namespace ensign::host::server
