// sign_routes.cpp: POST /v1/keys/NAME/sign. The body names what to sign, exactly one of
//   {"digest": B64}                                  the artifact's digest (ECDSA keys)
//   {"message": B64}                                 the artifact itself (at most 4 MiB)
//   {"dsse": {"payloadType": T, "payload": B64}}     a DSSE payload
// with "keyAttestation": false to leave the key's attestation out of the bundle. The answer is
// the Sigstore bundle, its signature logged (and durable) before it is sent.
#include "formats/bundle.h"
#include "formats/json_reader.h"
#include "host/auth/scopes.h"
#include "host/key_service.h"
#include "host/server/api_context.h"
#include "host/server/http_reply.h"
#include "host/server/request_parts.h"

namespace ensign::host::server {
namespace {

Result<bool> optional_bool(const formats::ObjectReader& reader, std::string_view key,
                           bool fallback) {
  if (!reader.has(key)) {
    return fallback;
  }
  ENSIGN_TRY(value, reader.required(key));
  if (!value->is_boolean()) {
    return formats::invalid(reader.member_path(key), "expected true or false");
  }
  return value->get<bool>();
}

Result<formats::Bundle> sign(ApiContext& api, const Caller& caller, const std::string& key,
                             const std::string& body) {
  ENSIGN_TRY(document, formats::parse_json(as_bytes(body), api.config.max_body_size,
                                           "request body"));
  ENSIGN_TRY(reader, formats::ObjectReader::of(document, "request"));
  ENSIGN_CHECK(reader.only({"digest", "message", "dsse", "keyAttestation"}));
  int inputs = int{reader.has("digest")} + int{reader.has("message")} + int{reader.has("dsse")};
  if (inputs != 1) {
    return fail(ErrorCode::kInvalidArgument,
                "request: give exactly one of digest, message and dsse");
  }
  SignOptions options;
  options.audit = false;  // the log records every signature, in the batch's one commit
  ENSIGN_TRY(attach, optional_bool(reader, "keyAttestation", true));
  options.attach_key_attestation = attach;
  KeyService service(api.store, api.enclave, caller.actor,
                     [&api](enclave::protocol::SignItem item) {
                       return api.batcher.sign(std::move(item));
                     });
  if (reader.has("digest")) {
    ENSIGN_TRY(digest, reader.base64("digest"));
    return service.sign_digest(key, digest, options);
  }
  if (reader.has("message")) {
    ENSIGN_TRY(message, reader.base64("message", true));
    return service.sign_message(key, message, options);
  }
  ENSIGN_TRY(dsse, reader.object("dsse"));
  ENSIGN_CHECK(dsse.only({"payloadType", "payload"}));
  ENSIGN_TRY(payload_type, dsse.string("payloadType"));
  ENSIGN_TRY(payload, dsse.base64("payload", true));
  return service.sign_dsse(key, payload_type, payload, options);
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
                auto bundle = sign(api, *caller, key, request.body);
                if (!bundle) {
                  reply_error(response, bundle.error());
                  return;
                }
                response.set_content(formats::bundle_to_json(*bundle), "application/json");
              });
}

}  // namespace ensign::host::server
