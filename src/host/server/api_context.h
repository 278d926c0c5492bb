// api_context.h: what every route of ensignd's API shares: the store, the enclave, the sign
// batcher, the metrics and the configuration, and the check of a request's bearer token.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/enclave_client.h"
#include "host/server/metrics.h"
#include "host/server/server_config.h"
#include "host/sign_batcher.h"
#include "host/store/store.h"

namespace ensign::host::server {

struct ApiContext {
  store::Store& store;
  EnclaveClient& enclave;
  SignBatcher& batcher;
  Metrics& metrics;
  const ServerConfig& config;
};

// Caller is who made an authorized request.
struct Caller {
  std::string actor;  // "token:<id>", or "anonymous" for an anonymous read
};

// authorize checks the request's "Authorization: Bearer <token>" against `scope` (or
// `alternative`, when given: GET /v1/keys/NAME takes read or sign:NAME). On refusal it
// answers 401 (no, malformed, unknown, wrong or revoked token) or 403 (a valid token without the
// scope) with a JSON error, logs the refusal on stderr without any of the presented text, and
// returns nothing.
std::optional<Caller> authorize(ApiContext& api, const httplib::Request& request,
                                httplib::Response& response, std::string_view scope,
                                std::string_view alternative = {});

// add_*_routes register the API's routes (docs/api/openapi.yaml describes them all).
void add_key_routes(httplib::Server& server, ApiContext& api);
void add_sign_routes(httplib::Server& server, ApiContext& api);
void add_verify_routes(httplib::Server& server, ApiContext& api);
void add_log_routes(httplib::Server& server, ApiContext& api);
void add_system_routes(httplib::Server& server, ApiContext& api);

}  // namespace ensign::host::server
