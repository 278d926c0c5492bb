// system_routes.cpp: health, Prometheus metrics, the enclave's attestation evidence and the
// OpenAPI document.
#include "host/auth/scopes.h"
#include "host/server/api_context.h"
#include "host/server/http_reply.h"
#include "host/server/openapi_document.h"

namespace ensign::host::server {
namespace {

constexpr std::size_t kMaxNonceSize = 64;  // the report data the platforms sign

Result<nlohmann::json> attestation(ApiContext& api, const httplib::Request& request) {
  auto nonce = base64_decode(request.get_param_value("nonce"));
  if (!request.has_param("nonce") || !nonce || nonce->empty() || nonce->size() > kMaxNonceSize) {
    return fail(ErrorCode::kInvalidArgument,
                "query parameter nonce must be 1 to 64 bytes of base64url");
  }
  Bytes report_data = *nonce;
  report_data.resize(kMaxNonceSize, 0);
  ENSIGN_TRY(reply, api.enclave.evidence({report_data}));
  return nlohmann::json{{"platform", api.enclave.hello().platform},
                        {"reportData", base64_encode(report_data)},
                        {"evidence", base64_encode(reply.evidence)}};
}

std::uint64_t log_size(ApiContext& api) {
  auto head = api.store.log_head();
  return head && *head ? (*head)->size : 0;
}

}  // namespace

void add_system_routes(httplib::Server& server, ApiContext& api) {
  server.Get("/v1/health", [&api](const httplib::Request&, httplib::Response& response) {
    reply_json(response, {{"status", "ok"},
                          {"platform", api.enclave.hello().platform},
                          {"logSize", log_size(api)}});
  });
  server.Get("/metrics", [&api](const httplib::Request& request, httplib::Response& response) {
    if (authorize(api, request, response, auth::kScopeRead)) {
      response.set_content(api.metrics.render(api.batcher.stats(), log_size(api)),
                           "text/plain; version=0.0.4");
    }
  });
  server.Get("/v1/attestation",
             [&api](const httplib::Request& request, httplib::Response& response) {
               if (authorize(api, request, response, auth::kScopeRead)) {
                 reply_result(response, attestation(api, request));
               }
             });
  server.Get("/v1/openapi.yaml", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(kOpenApiDocument), "application/yaml");
  });
}

}  // namespace ensign::host::server
