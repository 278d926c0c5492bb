#include "crypto/ecdsa_encoding.h"

#include <gtest/gtest.h>
#include <openssl/ecdsa.h>
#include <openssl/rand.h>

#include <vector>

#include "crypto/keys.h"
#include "crypto/signature.h"

namespace ensign::crypto {
namespace {

TEST(EcdsaEncoding, RawAndDerRoundTripThroughARealSignature) {
  auto key = generate_private_key(KeyAlgorithm::kEcdsaP256);
  ASSERT_TRUE(key.has_value());
  Bytes message = to_bytes("attested");
  auto der = sign_message(key->get(), KeyAlgorithm::kEcdsaP256, message);
  ASSERT_TRUE(der.has_value());
  auto raw = ecdsa_der_to_raw(*der, 32);
  ASSERT_TRUE(raw.has_value());
  ASSERT_EQ(raw->size(), 64u);
  auto back = ecdsa_raw_to_der(ByteView(*raw).first(32), ByteView(*raw).subspan(32));
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(verify_message(key->get(), KeyAlgorithm::kEcdsaP256, message, *back));
}

TEST(EcdsaEncoding, PadsShortComponents) {
  auto der = ecdsa_raw_to_der(Bytes{0, 0, 1}, Bytes{2});
  ASSERT_TRUE(der.has_value());
  auto raw = ecdsa_der_to_raw(*der, 48);
  ASSERT_TRUE(raw.has_value());
  Bytes expected(96, 0);
  expected[47] = 1;
  expected[95] = 2;
  EXPECT_EQ(*raw, expected);
}

// OpenSSL's own encoder is the reference for every shape of component: leading zeros, the top
// bit set or not, zero, and P-384 sizes whose SEQUENCE needs a long-form length.
TEST(EcdsaEncoding, EncodesAsOpenSslDoes) {
  auto openssl_der = [](ByteView r, ByteView s) {
    EcdsaSigPtr signature(ECDSA_SIG_new());
    BIGNUM* r_number = BN_bin2bn(r.data(), static_cast<int>(r.size()), nullptr);
    BIGNUM* s_number = BN_bin2bn(s.data(), static_cast<int>(s.size()), nullptr);
    EXPECT_EQ(ECDSA_SIG_set0(signature.get(), r_number, s_number), 1);
    unsigned char* der = nullptr;
    int size = i2d_ECDSA_SIG(signature.get(), &der);
    Bytes encoded(der, der + size);
    OPENSSL_free(der);
    return encoded;
  };
  std::vector<Bytes> components = {
      Bytes{0}, Bytes{1}, Bytes{0x7f}, Bytes{0x80}, Bytes{0, 0, 0x80}, Bytes(32, 0xff),
      Bytes(32, 0x01), Bytes(48, 0xff), Bytes(72, 0), Bytes(72, 0xff)};
  Bytes random(48);
  ASSERT_EQ(RAND_bytes(random.data(), static_cast<int>(random.size())), 1);
  components.push_back(random);
  for (const auto& r : components) {
    for (const auto& s : components) {
      auto der = ecdsa_raw_to_der(r, s);
      ASSERT_TRUE(der.has_value());
      EXPECT_EQ(*der, openssl_der(r, s)) << hex_encode(r) << " " << hex_encode(s);
    }
  }
}

TEST(EcdsaEncoding, RefusesMalformedSignatures) {
  EXPECT_FALSE(ecdsa_raw_to_der({}, Bytes{1}).has_value());
  EXPECT_FALSE(ecdsa_raw_to_der(Bytes(73, 1), Bytes{1}).has_value());
  EXPECT_TRUE(ecdsa_raw_to_der(Bytes(72, 0), Bytes{1}).has_value());  // AMD's zero-padded fields
  EXPECT_FALSE(ecdsa_der_to_raw(Bytes{0x30, 0x00}, 32).has_value());
  EXPECT_FALSE(ecdsa_der_to_raw(to_bytes("not der"), 32).has_value());
  auto der = ecdsa_raw_to_der(Bytes(48, 0xff), Bytes{1});
  ASSERT_TRUE(der.has_value());
  EXPECT_FALSE(ecdsa_der_to_raw(*der, 32).has_value());  // r does not fit 32 bytes
  der->push_back(0);
  EXPECT_FALSE(ecdsa_der_to_raw(*der, 48).has_value());  // trailing byte
}

TEST(EcdsaEncoding, MakesAKeyFromItsPoint) {
  auto key = generate_private_key(KeyAlgorithm::kEcdsaP384);
  ASSERT_TRUE(key.has_value());
  auto spki = public_key_to_der(key->get());
  ASSERT_TRUE(spki.has_value());
  // The last 97 bytes of a P-384 SPKI are the uncompressed point 04||x||y.
  ByteView point = ByteView(*spki).last(97);
  auto rebuilt = ec_public_key_from_point(EcCurve::kP384, point.subspan(1, 48),
                                          point.subspan(49, 48));
  ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error().message();
  auto rebuilt_spki = public_key_to_der(rebuilt->get());
  ASSERT_TRUE(rebuilt_spki.has_value());
  EXPECT_EQ(*rebuilt_spki, *spki);
}

TEST(EcdsaEncoding, RefusesPointsOffTheCurve) {
  EXPECT_FALSE(ec_public_key_from_point(EcCurve::kP256, Bytes(32, 1), Bytes(32, 2)).has_value());
  EXPECT_FALSE(ec_public_key_from_point(EcCurve::kP256, Bytes(31, 1), Bytes(32, 2)).has_value());
  EXPECT_FALSE(ec_public_key_from_point(EcCurve::kP384, Bytes(32, 1), Bytes(32, 2)).has_value());
}

TEST(EcdsaEncoding, ReversesBytes) {
  EXPECT_EQ(reversed(Bytes{1, 2, 3}), (Bytes{3, 2, 1}));
  EXPECT_TRUE(reversed(Bytes{}).empty());
}

}  // namespace
}  // namespace ensign::crypto
