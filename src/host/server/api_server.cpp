#include "host/server/api_server.h"

#include <httplib.h>

#include <chrono>
#include <iostream>
#include <regex>

#include "core/file.h"
#include "host/server/api_context.h"
#include "host/server/http_reply.h"
#include "host/server/http_transport.h"
#include "host/server/tls_identity.h"

namespace ensign::host::server {
namespace {

using Clock = std::chrono::steady_clock;

// The pre-routing handler and the logger run on the thread that serves the request.
thread_local Clock::time_point request_started;

// route_label names a request's route for metrics without its variable parts, so a client
// cannot grow the label set: /v1/keys/release/sign -> /v1/keys/{name}/sign.
std::string route_label(const httplib::Request& request, int status) {
  static const std::regex kKeyName(R"(^/v1/keys/[^/]+)");
  if (status == 404 && request.matches.empty()) {
    return "unknown";
  }
  return std::regex_replace(request.path, kKeyName, "/v1/keys/{name}",
                            std::regex_constants::format_first_only);
}

Error status_error(int status) {
  switch (status) {
    case 404:
      return {ErrorCode::kNotFound, "no such route"};
    case 413:
      return {ErrorCode::kResourceExhausted, "the request body is too large"};
    case 400:
      return {ErrorCode::kInvalidArgument, "malformed request"};
    case 405:
      return {ErrorCode::kInvalidArgument, "method not allowed"};
    default:
      return {ErrorCode::kInternal, "HTTP status " + std::to_string(status)};
  }
}

}  // namespace

struct ApiServer::State {
  State(const ServerConfig& server_config, store::Store& store, EnclaveClient& enclave,
        TlsIdentity tls_identity)
      : config(server_config),
        identity(std::move(tls_identity)),
        http(this->identity.certificate.get(), this->identity.private_key.get()),
        batcher(
            [&store, &enclave](std::vector<enclave::protocol::SignItem> items) {
              LogService log(store, enclave);
              return log.sign(std::move(items));
            },
            server_config.batch_max_items, server_config.batch_max_wait),
        api{store, enclave, batcher, metrics, this->config} {}

  ServerConfig config;
  TlsIdentity identity;
  httplib::SSLServer http;
  Metrics metrics;
  SignBatcher batcher;
  ApiContext api;
};

Result<std::unique_ptr<ApiServer>> ApiServer::create(const ServerConfig& config,
                                                     store::Store& store,
                                                     EnclaveClient& enclave) {
  Result<TlsIdentity> identity = fail(ErrorCode::kInvalidArgument,
                                      "give --tls-cert and --tls-key, or --self-signed");
  if (config.self_signed) {
    identity = self_signed_identity(config.host);
    if (identity) {
      ENSIGN_TRY(pem, certificate_pem(identity->certificate.get()));
      ENSIGN_CHECK(write_file_atomic(config.self_signed_certificate_out, as_bytes(pem), 0644));
    }
  } else if (!config.tls_certificate.empty() && !config.tls_key.empty()) {
    identity = load_tls_identity(config.tls_certificate, config.tls_key);
  }
  if (!identity) {
    return fail(identity.error());
  }
  auto state = std::make_unique<State>(config, store, enclave, std::move(identity).value());
  if (!state->http.is_valid()) {
    return fail(ErrorCode::kInternal, "cannot set up TLS with this certificate and key");
  }
  httplib::SSLServer& http = state->http;
  configure_transport(http, config.threads, config.max_body_size);
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_started = Clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  Metrics* metrics = &state->metrics;
  http.set_logger([metrics](const httplib::Request& request, const httplib::Response& response) {
    metrics->observe(request.method, route_label(request, response.status), response.status,
                     Clock::now() - request_started);
  });
  http.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.body.empty()) {
      Error error = status_error(response.status);
      int status = response.status;
      reply_error(response, error);
      response.status = status;
    }
  });
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
        reply_error(response, Error(ErrorCode::kInternal, "the request could not be handled"));
      });
  add_system_routes(http, state->api);
  add_key_routes(http, state->api);
  add_sign_routes(http, state->api);
  add_verify_routes(http, state->api);
  add_log_routes(http, state->api);
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(state)));
}

ApiServer::ApiServer(std::unique_ptr<State> state) : state_(std::move(state)) {}
ApiServer::~ApiServer() = default;

Status ApiServer::run(const std::function<void(int port)>& on_listening) {
  const ServerConfig& config = state_->config;
  int port = config.port;
  if (port == 0) {
    port = state_->http.bind_to_any_port(config.host);
  } else if (!state_->http.bind_to_port(config.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return fail(ErrorCode::kUnavailable, "cannot listen on " + config.host + ":" +
                                             std::to_string(config.port));
  }
  on_listening(port);
  if (!state_->http.listen_after_bind()) {
    return fail(ErrorCode::kUnavailable, "the server stopped listening");
  }
  return {};
}

void ApiServer::stop() {
  state_->http.stop();
}

}  // namespace ensign::host::server
