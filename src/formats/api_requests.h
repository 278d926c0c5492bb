// api_requests.h: the JSON bodies and query parameters of ensignd's API requests, decoded by the
// server and encoded by the CLI's remote mode, so both sides share one definition of each.
//   POST /v1/keys            {"name": NAME, "algorithm": ALG}       (algorithm optional)
//   POST /v1/keys/NAME/sign  exactly one of {"digest": B64}, {"message": B64} and
//                            {"dsse": {"payloadType": T, "payload": B64}}, with an optional
//                            "keyAttestation": false to leave the key's attestation out
//   POST /v1/keys/NAME/verify {"bundle": BUNDLE} with at most one of {"digest": B64} and
//                            {"message": B64} (the artifact, or its digest in the algorithm the
//                            bundle uses: messageDigest's, SHA-256 for a DSSE subject), and the
//                            optional {"requireAttestation": true, "measurement": HEX}
// Decoders refuse unknown members, wrong types and oversized bodies with InvalidArgument.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/keys.h"
#include "formats/bundle.h"

namespace ensign::formats {

// The largest sign body: a base64 message of 4 MiB (the enclave's limit) with room for JSON.
inline constexpr std::size_t kMaxSignRequestSize = 6 * 1024 * 1024;
inline constexpr std::size_t kMaxCreateKeyRequestSize = 4096;
// The largest verify body: the largest bundle beside the largest message.
inline constexpr std::size_t kMaxVerifyRequestSize = kMaxBundleSize + kMaxSignRequestSize;

struct CreateKeyRequest {
  std::string name;
  crypto::KeyAlgorithm algorithm = crypto::KeyAlgorithm::kEcdsaP256;

  bool operator==(const CreateKeyRequest&) const = default;
};

Result<CreateKeyRequest> decode_create_key_request(std::string_view body);
std::string encode_create_key_request(const CreateKeyRequest& request);

// SignRequest names what to sign: `input` says which of digest, message or the DSSE payload.
struct SignRequest {
  enum class Input { kDigest, kMessage, kDsse };
  Input input = Input::kDigest;
  Bytes data;                // the digest, the message or the DSSE payload
  std::string payload_type;  // kDsse only
  bool key_attestation = true;

  bool operator==(const SignRequest&) const = default;
};

Result<SignRequest> decode_sign_request(std::string_view body);
std::string encode_sign_request(const SignRequest& request);

// VerifyRequest is a bundle to check against the key's versions, with what it signed.
struct VerifyRequest {
  enum class Artifact { kNone, kDigest, kMessage };
  Bundle bundle;
  Artifact artifact = Artifact::kNone;
  Bytes data;  // the digest or the message
  bool require_attestation = false;
  std::optional<Bytes> measurement;  // implies require_attestation
};

Result<VerifyRequest> decode_verify_request(std::string_view body);
std::string encode_verify_request(const VerifyRequest& request);

// decode_query_integer reads query parameter `name`'s text as a decimal in 0..`largest`.
Result<std::uint64_t> decode_query_integer(std::string_view text,
                                           std::string_view name,
                                           std::uint64_t largest);

}  // namespace ensign::formats
