#include "formats/jose.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/signature.h"

namespace ensign::formats::jose {
namespace {

struct SigningKey {
  EvpPkeyPtr key;
  Bytes spki;
};

SigningKey p256_key() {
  auto key = crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256);
  EXPECT_TRUE(key.has_value());
  auto spki = crypto::public_key_to_der(key->get());
  EXPECT_TRUE(spki.has_value());
  return {std::move(*key), *spki};
}

std::string sign_token(const SigningKey& signer, const nlohmann::json& claims) {
  auto kid = jwk_thumbprint(signer.spki);
  EXPECT_TRUE(kid.has_value());
  std::string input = jws_signing_input(claims, *kid);
  auto signature = crypto::sign_message(signer.key.get(), crypto::KeyAlgorithm::kEcdsaP256,
                                        as_bytes(input));
  EXPECT_TRUE(signature.has_value());
  auto token = complete_jws(input, *signature);
  EXPECT_TRUE(token.has_value());
  return *token;
}

TEST(Jose, MakesAPublicJwkWithItsThumbprintAsKid) {
  auto signer = p256_key();
  auto jwk = es256_jwk(signer.spki);
  ASSERT_TRUE(jwk.has_value());
  EXPECT_EQ((*jwk)["kty"], "EC");
  EXPECT_EQ((*jwk)["crv"], "P-256");
  EXPECT_FALSE(jwk->contains("d"));
  EXPECT_EQ((*jwk)["kid"], *jwk_thumbprint(signer.spki));
  auto x = base64_decode((*jwk)["x"].get<std::string>());
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->size(), 32u);
  // The point in the JWK is the point in the SPKI (its last 64 bytes).
  Bytes point = *x;
  auto y = base64_decode((*jwk)["y"].get<std::string>());
  point.insert(point.end(), y->begin(), y->end());
  EXPECT_EQ(point, Bytes(signer.spki.end() - 64, signer.spki.end()));
}

TEST(Jose, RefusesKeysOtherThanP256) {
  for (auto algorithm : {crypto::KeyAlgorithm::kEcdsaP384, crypto::KeyAlgorithm::kEd25519}) {
    auto key = crypto::generate_private_key(algorithm);
    auto spki = crypto::public_key_to_der(key->get());
    EXPECT_FALSE(es256_jwk(*spki).has_value());
    EXPECT_FALSE(jwk_thumbprint(*spki).has_value());
  }
  EXPECT_FALSE(es256_jwk(to_bytes("not a key")).has_value());
}

TEST(Jose, SignsAndVerifiesAJwt) {
  auto signer = p256_key();
  nlohmann::json claims = {{"iat", 1}, {"sub", "x"}};
  std::string token = sign_token(signer, claims);
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
  auto verified = verify_es256_jwt(token, signer.spki);
  ASSERT_TRUE(verified.has_value()) << verified.error().message();
  EXPECT_EQ(*verified, claims);
}

TEST(Jose, RefusesEveryChangedCharacter) {
  auto signer = p256_key();
  std::string token = sign_token(signer, {{"iat", 1}});
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.') {
      continue;
    }
    std::string changed = token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify_es256_jwt(changed, signer.spki).has_value()) << "position " << i;
  }
}

TEST(Jose, RefusesAnotherKeyAndMalformedTokens) {
  auto signer = p256_key();
  auto other = p256_key();
  std::string token = sign_token(signer, {{"iat", 1}});
  auto wrong_key = verify_es256_jwt(token, other.spki);
  ASSERT_FALSE(wrong_key.has_value());
  EXPECT_EQ(wrong_key.error().code(), ErrorCode::kUnauthenticated);
  for (std::string malformed : {std::string(""), std::string("a.b"), std::string("a.b.c.d"),
                                token + "=", token.substr(0, token.rfind('.')) + ".",
                                std::string("e30.e30.AAAA"), std::string(kMaxTokenSize + 1, 'a')}) {
    EXPECT_FALSE(verify_es256_jwt(malformed, signer.spki).has_value()) << malformed.substr(0, 40);
  }
  // A header naming another algorithm is refused even with a valid signature over it.
  nlohmann::json header = {{"alg", "none"}};
  std::string unsigned_token = base64url_encode(as_bytes(header.dump())) + "." +
                               base64url_encode(as_bytes(std::string("{}"))) + ".";
  EXPECT_FALSE(verify_es256_jwt(unsigned_token, signer.spki).has_value());
}

}  // namespace
}  // namespace ensign::formats::jose
