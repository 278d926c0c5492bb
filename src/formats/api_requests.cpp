#include "formats/api_requests.h"

#include <charconv>
#include <optional>
#include <nlohmann/json.hpp>

#include "formats/json_reader.h"

namespace ensign::formats {
namespace {

Result<bool> optional_bool(const ObjectReader& reader, std::string_view key, bool fallback) {
  if (!reader.has(key)) {
    return fallback;
  }
  ENSIGN_TRY(value, reader.required(key));
  if (!value->is_boolean()) {
    return invalid(reader.member_path(key), "expected true or false");
  }
  return value->get<bool>();
}

Result<ObjectReader> read_body(const nlohmann::json& document) {
  return ObjectReader::of(document, "request");
}

// ArtifactMember is a body's "digest" or "message" member: what sign and verify requests name
// the artifact by.
struct ArtifactMember {
  bool is_digest = false;
  Bytes data;
};

// artifact_member reads the body's digest or message (a caller refuses both at once first);
// nothing when it has neither.
Result<std::optional<ArtifactMember>> artifact_member(const ObjectReader& reader) {
  if (reader.has("digest")) {
    ENSIGN_TRY(digest, reader.base64("digest"));
    return std::optional<ArtifactMember>({true, std::move(digest)});
  }
  if (reader.has("message")) {
    ENSIGN_TRY(message, reader.base64("message", true));
    return std::optional<ArtifactMember>({false, std::move(message)});
  }
  return std::optional<ArtifactMember>();
}

void add_artifact_member(nlohmann::json& body, bool is_digest, ByteView data) {
  body[is_digest ? "digest" : "message"] = base64_encode(data);
}

}  // namespace

Result<CreateKeyRequest> decode_create_key_request(std::string_view body) {
  ENSIGN_TRY(document, parse_json(as_bytes(body), kMaxCreateKeyRequestSize, "request body"));
  ENSIGN_TRY(reader, read_body(document));
  ENSIGN_CHECK(reader.only({"name", "algorithm"}));
  CreateKeyRequest request;
  ENSIGN_TRY(name, reader.string("name"));
  request.name = std::move(name);
  ENSIGN_TRY(algorithm_name, reader.optional_string("algorithm"));
  if (!algorithm_name.empty()) {
    ENSIGN_TRY(algorithm, crypto::parse_key_algorithm(algorithm_name));
    request.algorithm = algorithm;
  }
  return request;
}

std::string encode_create_key_request(const CreateKeyRequest& request) {
  return nlohmann::json{{"name", request.name},
                        {"algorithm", crypto::key_algorithm_name(request.algorithm)}}
      .dump();
}

Result<SignRequest> decode_sign_request(std::string_view body) {
  ENSIGN_TRY(document, parse_json(as_bytes(body), kMaxSignRequestSize, "request body"));
  ENSIGN_TRY(reader, read_body(document));
  ENSIGN_CHECK(reader.only({"digest", "message", "dsse", "keyAttestation"}));
  int inputs = int{reader.has("digest")} + int{reader.has("message")} + int{reader.has("dsse")};
  if (inputs != 1) {
    return fail(ErrorCode::kInvalidArgument,
                "request: give exactly one of digest, message and dsse");
  }
  SignRequest request;
  ENSIGN_TRY(key_attestation, optional_bool(reader, "keyAttestation", true));
  request.key_attestation = key_attestation;
  ENSIGN_TRY(artifact, artifact_member(reader));
  if (artifact) {
    request.input = artifact->is_digest ? SignRequest::Input::kDigest : SignRequest::Input::kMessage;
    request.data = std::move(artifact->data);
  } else {
    ENSIGN_TRY(dsse, reader.object("dsse"));
    ENSIGN_CHECK(dsse.only({"payloadType", "payload"}));
    ENSIGN_TRY(payload_type, dsse.string("payloadType"));
    ENSIGN_TRY(payload, dsse.base64("payload", true));
    request.input = SignRequest::Input::kDsse;
    request.payload_type = std::move(payload_type);
    request.data = std::move(payload);
  }
  return request;
}

std::string encode_sign_request(const SignRequest& request) {
  nlohmann::json body;
  switch (request.input) {
    case SignRequest::Input::kDigest:
    case SignRequest::Input::kMessage:
      add_artifact_member(body, request.input == SignRequest::Input::kDigest, request.data);
      break;
    case SignRequest::Input::kDsse:
      body["dsse"] = {{"payloadType", request.payload_type},
                      {"payload", base64_encode(request.data)}};
      break;
  }
  if (!request.key_attestation) {
    body["keyAttestation"] = false;
  }
  return body.dump();
}

Result<VerifyRequest> decode_verify_request(std::string_view body) {
  ENSIGN_TRY(document, parse_json(as_bytes(body), kMaxVerifyRequestSize, "request body"));
  ENSIGN_TRY(reader, read_body(document));
  ENSIGN_CHECK(reader.only({"bundle", "digest", "message", "requireAttestation", "measurement"}));
  if (reader.has("digest") && reader.has("message")) {
    return fail(ErrorCode::kInvalidArgument, "request: give at most one of digest and message");
  }
  VerifyRequest request;
  ENSIGN_TRY(bundle_value, reader.required("bundle"));
  ENSIGN_TRY(bundle, bundle_from_json(*bundle_value, reader.member_path("bundle")));
  request.bundle = std::move(bundle);
  ENSIGN_TRY(artifact, artifact_member(reader));
  if (artifact) {
    request.artifact = artifact->is_digest ? VerifyRequest::Artifact::kDigest
                                           : VerifyRequest::Artifact::kMessage;
    request.data = std::move(artifact->data);
  }
  ENSIGN_TRY(require_attestation, optional_bool(reader, "requireAttestation", false));
  request.require_attestation = require_attestation;
  ENSIGN_TRY(measurement_hex, reader.optional_string("measurement"));
  if (!measurement_hex.empty()) {
    auto measurement = hex_decode(measurement_hex);
    if (!measurement || measurement->empty()) {
      return invalid(reader.member_path("measurement"), "expected hexadecimal digits");
    }
    request.measurement = std::move(measurement).value();
  }
  return request;
}

std::string encode_verify_request(const VerifyRequest& request) {
  nlohmann::json body;
  body["bundle"] = nlohmann::json::parse(bundle_to_json(request.bundle));
  switch (request.artifact) {
    case VerifyRequest::Artifact::kNone:
      break;
    case VerifyRequest::Artifact::kDigest:
    case VerifyRequest::Artifact::kMessage:
      add_artifact_member(body, request.artifact == VerifyRequest::Artifact::kDigest, request.data);
      break;
  }
  if (request.require_attestation) {
    body["requireAttestation"] = true;
  }
  if (request.measurement) {
    body["measurement"] = hex_encode(*request.measurement);
  }
  return body.dump();
}

Result<std::uint64_t> decode_query_integer(std::string_view text,
                                           std::string_view name,
                                           std::uint64_t largest) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > largest) {
    return fail(ErrorCode::kInvalidArgument,
                "query parameter " + std::string(name) + " must be a whole number from 0 to " +
                    std::to_string(largest));
  }
  return value;
}

}  // namespace ensign::formats
