// jose.h: the JOSE pieces ensign emits (RFC 7515 JWS compact serialization, RFC 7517 JWK,
// RFC 7638 thumbprints) for ES256 with an ECDSA P-256 key, composed from OpenSSL; and a
// verifier of ensign's own tokens for tests and callers without a JOSE library.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::formats::jose {

inline constexpr std::size_t kMaxTokenSize = 256 * 1024;

// es256_jwk returns the public JWK of a P-256 key given as DER SPKI: kty, crv, x, y, plus
// "alg":"ES256", "use":"sig" and "kid" = its thumbprint. Fails with InvalidArgument for any
// other key.
Result<nlohmann::json> es256_jwk(ByteView spki_der);

// jwk_thumbprint returns the RFC 7638 SHA-256 thumbprint (base64url) of a P-256 key.
Result<std::string> jwk_thumbprint(ByteView spki_der);

// jws_signing_input returns base64url(header) "." base64url(claims) for a JWT signed with ES256
// by the key whose thumbprint is `key_id` (header {"alg":"ES256","typ":"JWT","kid":key_id}).
std::string jws_signing_input(const nlohmann::json& claims, std::string_view key_id);

// complete_jws appends the signature to a signing input: `der_signature` (an ECDSA P-256 DER
// signature over the SHA-256 of the signing input) becomes the 64-byte r||s JWS wants. Fails
// with InvalidArgument on a malformed signature.
Result<std::string> complete_jws(std::string_view signing_input, ByteView der_signature);

// verify_es256_jwt checks a compact JWT's ES256 signature with a P-256 key (DER SPKI) and
// returns its claims. Fails with Unauthenticated when the signature does not verify, and with
// InvalidArgument when the token is malformed, over kMaxTokenSize, or not ES256.
Result<nlohmann::json> verify_es256_jwt(std::string_view token, ByteView spki_der);

}  // namespace ensign::formats::jose
