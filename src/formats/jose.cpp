#include "formats/jose.h"

#include <openssl/core_names.h>

#include "crypto/ecdsa_encoding.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/signature.h"

namespace ensign::formats::jose {
namespace {

constexpr std::size_t kP256CoordinateSize = 32;

// p256_coordinates returns the big-endian x and y of a P-256 key.
Result<std::pair<Bytes, Bytes>> p256_coordinates(ByteView spki_der) {
  ENSIGN_TRY(key, crypto::public_key_from_der(spki_der));
  auto algorithm = crypto::key_algorithm_of(key.get());
  if (!algorithm || *algorithm != crypto::KeyAlgorithm::kEcdsaP256) {
    return fail(ErrorCode::kInvalidArgument, "ES256 needs an ECDSA P-256 key");
  }
  Bytes point(1 + 2 * kP256CoordinateSize);
  std::size_t size = 0;
  if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                      point.size(), &size) != 1 ||
      size != point.size() || point[0] != 0x04) {
    return openssl_error("reading the P-256 point");
  }
  ByteView view(point);
  return std::make_pair(Bytes(view.begin() + 1, view.begin() + 1 + kP256CoordinateSize),
                        Bytes(view.begin() + 1 + kP256CoordinateSize, view.end()));
}

Result<Bytes> base64url_decode_strict(std::string_view text) {
  if (text.find_first_of("+/=") != std::string_view::npos) {
    return fail(ErrorCode::kInvalidArgument, "the token is not base64url");
  }
  return base64_decode(text);
}

}  // namespace

Result<std::string> jwk_thumbprint(ByteView spki_der) {
  ENSIGN_TRY(coordinates, p256_coordinates(spki_der));
  // RFC 7638: the required members in lexicographic order, no whitespace.
  std::string canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" +
                          base64url_encode(coordinates.first) + "\",\"y\":\"" +
                          base64url_encode(coordinates.second) + "\"}";
  return base64url_encode(crypto::sha256(as_bytes(canonical)));
}

Result<nlohmann::json> es256_jwk(ByteView spki_der) {
  ENSIGN_TRY(coordinates, p256_coordinates(spki_der));
  ENSIGN_TRY(thumbprint, jwk_thumbprint(spki_der));
  return nlohmann::json{{"kty", "EC"},
                        {"crv", "P-256"},
                        {"x", base64url_encode(coordinates.first)},
                        {"y", base64url_encode(coordinates.second)},
                        {"alg", "ES256"},
                        {"use", "sig"},
                        {"kid", thumbprint}};
}

std::string jws_signing_input(const nlohmann::json& claims, std::string_view key_id) {
  nlohmann::json header = {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", key_id}};
  return base64url_encode(as_bytes(header.dump())) + "." +
         base64url_encode(as_bytes(claims.dump()));
}

Result<std::string> complete_jws(std::string_view signing_input, ByteView der_signature) {
  ENSIGN_TRY(raw, crypto::ecdsa_der_to_raw(der_signature, kP256CoordinateSize));
  return std::string(signing_input) + "." + base64url_encode(raw);
}

Result<nlohmann::json> verify_es256_jwt(std::string_view token, ByteView spki_der) {
  if (token.size() > kMaxTokenSize) {
    return fail(ErrorCode::kInvalidArgument, "the token is over " +
                                                 std::to_string(kMaxTokenSize) + " bytes");
  }
  std::size_t first = token.find('.');
  std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return fail(ErrorCode::kInvalidArgument, "a compact JWS has three dot-separated parts");
  }
  ENSIGN_TRY(header_bytes, base64url_decode_strict(token.substr(0, first)));
  ENSIGN_TRY(claims_bytes, base64url_decode_strict(token.substr(first + 1, second - first - 1)));
  ENSIGN_TRY(signature, base64url_decode_strict(token.substr(second + 1)));
  auto header = nlohmann::json::parse(as_string(header_bytes), nullptr, false);
  auto claims = nlohmann::json::parse(as_string(claims_bytes), nullptr, false);
  if (header.is_discarded() || !header.is_object() || claims.is_discarded() ||
      !claims.is_object()) {
    return fail(ErrorCode::kInvalidArgument, "the token's header or claims are not JSON objects");
  }
  if (header.value("alg", "") != "ES256") {
    return fail(ErrorCode::kInvalidArgument, "the token is not signed with ES256");
  }
  if (signature.size() != 2 * kP256CoordinateSize) {
    return fail(ErrorCode::kUnauthenticated, "the ES256 signature is not 64 bytes");
  }
  ENSIGN_TRY(der, crypto::ecdsa_raw_to_der(ByteView(signature).first(kP256CoordinateSize),
                                           ByteView(signature).subspan(kP256CoordinateSize)));
  ENSIGN_TRY(key, crypto::public_key_from_der(spki_der));
  if (!crypto::verify_message(key.get(), crypto::KeyAlgorithm::kEcdsaP256,
                              as_bytes(token.substr(0, second)), der)) {
    return fail(ErrorCode::kUnauthenticated, "the token's signature does not verify");
  }
  return claims;
}

}  // namespace ensign::formats::jose
