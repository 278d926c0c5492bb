// Tests of crypto/keys.h: generation, PKCS#8 and SPKI conversions, algorithm detection, and the
// refusal of keys ensign does not support (RSA, secp256k1) and of malformed or padded DER.
#include "crypto/keys.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

#include "support/corrupt.h"
#include "unit/crypto/crypto_test_support.h"

namespace ensign::crypto {
namespace {

using Pkcs8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO,
                                 OpenSslDeleter<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>>;

// Keys of types ensign refuses, made once: RSA generation is slow.
const EvpPkeyPtr& rsa_key() {
  static const EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}));
  return key;
}
const EvpPkeyPtr& secp256k1_key() {
  static const EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1"));
  return key;
}

// private_der encodes a private key with OpenSSL directly, for keys ensign would refuse.
SecretBytes private_der(const EVP_PKEY* key) {
  auto der = private_key_to_der(key);
  EXPECT_TRUE(der.has_value()) << der.error().message();
  return der ? std::move(der).value() : SecretBytes();
}

Bytes public_der(const EVP_PKEY* key) {
  auto der = public_key_to_der(key);
  EXPECT_TRUE(der.has_value()) << der.error().message();
  return der ? std::move(der).value() : Bytes();
}

bool is_pkcs8(const SecretBytes& der) {
  const unsigned char* in = der.data();
  Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &in, static_cast<long>(der.size())));
  return info && in == der.data() + der.size();
}

template <typename T>
void expect_refused(const Result<T>& result, ErrorCode code, std::string_view what) {
  ASSERT_FALSE(result.has_value()) << what;
  EXPECT_EQ(result.error().code(), code) << what << ": " << result.error().message();
}

class KeysTest : public ::testing::TestWithParam<KeyAlgorithm> {
 protected:
  void SetUp() override {
    auto key = generate_private_key(GetParam());
    ASSERT_TRUE(key.has_value()) << key.error().message();
    key_ = std::move(key).value();
  }
  EvpPkeyPtr key_;
};

TEST_P(KeysTest, GeneratesAKeyOfTheAlgorithm) {
  auto algorithm = key_algorithm_of(key_.get());
  ASSERT_TRUE(algorithm.has_value()) << algorithm.error().message();
  EXPECT_EQ(*algorithm, GetParam());
  auto other = generate_private_key(GetParam());
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(public_der(key_.get()), public_der(other->get()));
}

TEST_P(KeysTest, PrivateKeyRoundTripsThroughPkcs8) {
  SecretBytes der = private_der(key_.get());
  EXPECT_TRUE(is_pkcs8(der)) << "private_key_to_der did not produce PKCS#8 PrivateKeyInfo";
  auto decoded = private_key_from_der(der, GetParam());
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
  EXPECT_EQ(EVP_PKEY_eq(decoded->get(), key_.get()), 1);
  EXPECT_EQ(public_der(decoded->get()), public_der(key_.get()));
}

TEST_P(KeysTest, PublicKeyRoundTripsThroughSpkiDer) {
  Bytes der = public_der(key_.get());
  auto decoded = public_key_from_der(der);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
  EXPECT_EQ(key_algorithm_of(decoded->get()).value(), GetParam());
  EXPECT_EQ(public_der(decoded->get()), der);
  EXPECT_EQ(public_key_der_from_pem_or_der(der).value(), der);
}

TEST_P(KeysTest, PublicKeyRoundTripsThroughPem) {
  Bytes der = public_der(key_.get());
  auto pem = public_key_to_pem(der);
  ASSERT_TRUE(pem.has_value()) << pem.error().message();
  EXPECT_EQ(pem->rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  EXPECT_NE(pem->find("-----END PUBLIC KEY-----\n"), std::string::npos);
  auto back = public_key_der_from_pem_or_der(as_bytes(*pem));
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(*back, der);
}

TEST_P(KeysTest, FingerprintIsTheSha256OfTheSpki) {
  Bytes der = public_der(key_.get());
  std::string fingerprint = key_fingerprint(der);
  EXPECT_EQ(fingerprint.size(), 64u);
  EXPECT_EQ(fingerprint, hex_encode(sha256(der)));
}

TEST_P(KeysTest, PrivateKeyFromDerRefusesTheOtherAlgorithms) {
  SecretBytes der = private_der(key_.get());
  for (KeyAlgorithm other : test::kEveryKeyAlgorithm) {
    if (other != GetParam()) {
      expect_refused(
          private_key_from_der(der, other), ErrorCode::kDataLoss, key_algorithm_name(other));
    }
  }
}

TEST_P(KeysTest, PrivateKeyFromDerRefusesATrailingByte) {
  SecretBytes der = private_der(key_.get());
  Bytes padded = test::appended(der.view(), Bytes{0x00});
  expect_refused(private_key_from_der(SecretBytes::copy_of(padded), GetParam()),
                 ErrorCode::kDataLoss,
                 "trailing byte");
}

TEST_P(KeysTest, PrivateKeyFromDerRefusesEveryTruncation) {
  SecretBytes der = private_der(key_.get());
  for (std::size_t size = 0; size < der.size(); ++size) {
    SecretBytes cut = SecretBytes::copy_of(der.view().first(size));
    EXPECT_FALSE(private_key_from_der(cut, GetParam()).has_value()) << size;
  }
}

TEST_P(KeysTest, PublicKeyFromDerRefusesATrailingByte) {
  Bytes padded = test::appended(public_der(key_.get()), Bytes{0x00});
  expect_refused(public_key_from_der(padded), ErrorCode::kInvalidArgument, "trailing byte");
  expect_refused(
      public_key_der_from_pem_or_der(padded), ErrorCode::kInvalidArgument, "trailing byte");
}

TEST_P(KeysTest, PublicKeyFromDerRefusesEveryTruncation) {
  Bytes der = public_der(key_.get());
  for (std::size_t size = 0; size < der.size(); ++size) {
    expect_refused(public_key_from_der(test::truncated(der, size)),
                   ErrorCode::kInvalidArgument,
                   std::to_string(size));
  }
}

TEST_P(KeysTest, PublicAndPrivateEncodingsAreNotInterchangeable) {
  Bytes public_key = public_der(key_.get());
  SecretBytes private_key = private_der(key_.get());
  EXPECT_FALSE(private_key_from_der(SecretBytes::copy_of(public_key), GetParam()).has_value());
  EXPECT_FALSE(public_key_from_der(private_key.view()).has_value());
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm,
                         KeysTest,
                         ::testing::ValuesIn(test::kEveryKeyAlgorithm),
                         test::algorithm_test_name);

TEST(KeyAlgorithmTest, NamesRoundTrip) {
  EXPECT_EQ(key_algorithm_name(KeyAlgorithm::kEcdsaP256), "ecdsa-p256");
  EXPECT_EQ(key_algorithm_name(KeyAlgorithm::kEcdsaP384), "ecdsa-p384");
  EXPECT_EQ(key_algorithm_name(KeyAlgorithm::kEd25519), "ed25519");
  for (KeyAlgorithm algorithm : test::kEveryKeyAlgorithm) {
    EXPECT_EQ(parse_key_algorithm(key_algorithm_name(algorithm)).value(), algorithm);
    EXPECT_EQ(key_algorithm_from_int(static_cast<unsigned>(algorithm)).value(), algorithm);
  }
}

TEST(KeyAlgorithmTest, ParseRefusesUnknownNames) {
  for (std::string_view name : {"", "ECDSA-P256", "ecdsa-p521", "rsa", "ed448", "ed25519 "}) {
    expect_refused(parse_key_algorithm(name), ErrorCode::kInvalidArgument, name);
  }
}

TEST(KeyAlgorithmTest, FromIntRefusesUnknownValues) {
  for (unsigned value : {0u, 4u, 255u, 65536u + 1u}) {
    expect_refused(
        key_algorithm_from_int(value), ErrorCode::kInvalidArgument, std::to_string(value));
  }
}

TEST(KeyAlgorithmTest, SignatureHashes) {
  EXPECT_EQ(signature_hash(KeyAlgorithm::kEcdsaP256), HashAlgorithm::kSha256);
  EXPECT_EQ(signature_hash(KeyAlgorithm::kEcdsaP384), HashAlgorithm::kSha384);
  EXPECT_FALSE(signature_hash(KeyAlgorithm::kEd25519).has_value());
}

TEST(UnsupportedKeyTest, RsaIsRefusedEverywhere) {
  ASSERT_TRUE(rsa_key());
  expect_refused(key_algorithm_of(rsa_key().get()), ErrorCode::kInvalidArgument, "RSA");
  Bytes spki = public_der(rsa_key().get());
  expect_refused(public_key_der_from_pem_or_der(spki), ErrorCode::kInvalidArgument, "RSA DER");
  auto pem = public_key_to_pem(spki);
  ASSERT_TRUE(pem.has_value());
  expect_refused(
      public_key_der_from_pem_or_der(as_bytes(*pem)), ErrorCode::kInvalidArgument, "RSA PEM");
  for (KeyAlgorithm algorithm : test::kEveryKeyAlgorithm) {
    EXPECT_FALSE(private_key_from_der(private_der(rsa_key().get()), algorithm).has_value());
  }
}

TEST(UnsupportedKeyTest, Secp256k1IsRefusedEverywhere) {
  ASSERT_TRUE(secp256k1_key());
  auto algorithm = key_algorithm_of(secp256k1_key().get());
  expect_refused(algorithm, ErrorCode::kInvalidArgument, "secp256k1");
  EXPECT_NE(algorithm.error().message().find("secp256k1"), std::string::npos);
  Bytes spki = public_der(secp256k1_key().get());
  expect_refused(public_key_der_from_pem_or_der(spki), ErrorCode::kInvalidArgument, "DER");
  expect_refused(public_key_der_from_pem_or_der(as_bytes(public_key_to_pem(spki).value())),
                 ErrorCode::kInvalidArgument,
                 "PEM");
  EXPECT_FALSE(private_key_from_der(private_der(secp256k1_key().get()), KeyAlgorithm::kEcdsaP256)
                   .has_value());
}

TEST(MalformedKeyTest, GarbageDerIsRefused) {
  const std::vector<Bytes> garbage = {
      {},
      {0x00},
      {0x30, 0x00},
      {0x30, 0x03, 0x02, 0x01, 0x00},
      to_bytes("not a key at all"),
  };
  for (const Bytes& bytes : garbage) {
    expect_refused(public_key_from_der(bytes), ErrorCode::kInvalidArgument, hex_encode(bytes));
    expect_refused(
        public_key_der_from_pem_or_der(bytes), ErrorCode::kInvalidArgument, hex_encode(bytes));
    expect_refused(public_key_to_pem(bytes), ErrorCode::kInvalidArgument, hex_encode(bytes));
    expect_refused(private_key_from_der(SecretBytes::copy_of(bytes), KeyAlgorithm::kEcdsaP256),
                   ErrorCode::kDataLoss,
                   hex_encode(bytes));
  }
}

TEST(MalformedKeyTest, BrokenPemIsRefused) {
  const std::string broken[] = {
      "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n",
      "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n",
      "-----BEGIN PUBLIC KEY-----\n",
  };
  for (const std::string& text : broken) {
    expect_refused(
        public_key_der_from_pem_or_der(as_bytes(text)), ErrorCode::kInvalidArgument, text);
  }
}

}  // namespace
}  // namespace ensign::crypto
