// Tests of src/enclave/keyring.cpp: generating, sealing, attesting and signing in-process.
#include "enclave/keyring.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/signature.h"
#include "enclave_test_support.h"
#include "tee/sim/report.h"
#include "support/logged_signing.h"
#include "support/private_key_bytes.h"

namespace ensign::enclave {
namespace {

using crypto::KeyAlgorithm;
using protocol::SignInput;
using protocol::SignItem;

Result<Bytes> sign(Keyring& keyring, const SignItem& item) {
  return keyring.sign(item, item.input, item.data);
}

class KeyringTest : public SimPlatformFixture, public ::testing::WithParamInterface<KeyAlgorithm> {
 protected:
  protocol::GenerateKeyReply generate(Keyring& keyring,
                                      KeyAlgorithm algorithm,
                                      const std::string& key_id = "release") {
    auto reply = keyring.generate({key_id, 1, algorithm});
    EXPECT_TRUE(reply.has_value()) << reply.error().message();
    return reply ? std::move(reply).value() : protocol::GenerateKeyReply{};
  }

  SignItem message_request(const protocol::GenerateKeyReply& generated, KeyAlgorithm algorithm) {
    return test::sign_item(generated, algorithm, SignInput::kMessage, to_bytes("the artifact"));
  }

  Keyring keyring_{*platform_};
};

TEST_P(KeyringTest, SignedMessageVerifiesWithThePublicKey) {
  auto generated = generate(keyring_, GetParam());
  SignItem request = message_request(generated, GetParam());
  auto signed_reply = sign(keyring_, request);
  ASSERT_TRUE(signed_reply.has_value()) << signed_reply.error().message();
  auto public_key = crypto::public_key_from_der(generated.public_key).value();
  EXPECT_TRUE(
      crypto::verify_message(public_key.get(), GetParam(), request.data, *signed_reply));
  EXPECT_FALSE(crypto::verify_message(
      public_key.get(), GetParam(), to_bytes("other"), *signed_reply));
}

TEST_P(KeyringTest, SigningAfterRestartUnsealsTheBlob) {
  auto generated = generate(keyring_, GetParam());
  Keyring restarted(*platform_);  // empty cache: the blob must be unsealed
  SignItem request = message_request(generated, GetParam());
  auto signed_reply = sign(restarted, request);
  ASSERT_TRUE(signed_reply.has_value()) << signed_reply.error().message();
  auto public_key = crypto::public_key_from_der(generated.public_key).value();
  EXPECT_TRUE(
      crypto::verify_message(public_key.get(), GetParam(), request.data, *signed_reply));
}

TEST_P(KeyringTest, KeyAttestationVerifiesAndBindsThePublicKey) {
  auto generated = generate(keyring_, GetParam());
  auto report = tee::sim::parse_sim_report(generated.key_attestation);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_TRUE(tee::sim::verify_sim_report(*report, platform_->identity().platform_key));
  EXPECT_EQ(report->report_data, tee::sim::key_attestation_report_data(generated.public_key));
  auto other = generate(keyring_, GetParam(), "other");
  EXPECT_NE(report->report_data, tee::sim::key_attestation_report_data(other.public_key));
}

TEST_P(KeyringTest, RepliesCarryNoPrivateKeyMaterial) {
  auto generated = generate(keyring_, GetParam());
  auto private_der =
      platform_->unseal(tee::SealPurpose::kSigningKey, "release@1", generated.sealed_key);
  ASSERT_TRUE(private_der.has_value());
  auto key = crypto::private_key_from_der(*private_der, GetParam());
  ASSERT_TRUE(key.has_value());
  Bytes secret = test::private_key_bytes(key->get());
  ASSERT_FALSE(secret.empty());
  ASSERT_GE(secret.size(), 28u);
  auto contains = [](const Bytes& haystack, ByteView needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
           haystack.end();
  };
  ByteView part = ByteView(secret).first(16);
  EXPECT_FALSE(contains(generated.sealed_key, part));
  EXPECT_FALSE(contains(generated.public_key, part));
  EXPECT_FALSE(contains(generated.key_attestation, part));
  EXPECT_FALSE(contains(generated.sealed_key, private_der->view().last(40)));
}

TEST_P(KeyringTest, TamperedBlobIsDataLoss) {
  auto generated = generate(keyring_, GetParam());
  Keyring restarted(*platform_);
  SignItem request = message_request(generated, GetParam());
  request.sealed_key[request.sealed_key.size() / 2] ^= 0x04;
  auto signed_reply = sign(restarted, request);
  ASSERT_FALSE(signed_reply.has_value());
  EXPECT_EQ(signed_reply.error().code(), ErrorCode::kDataLoss);
}

TEST_P(KeyringTest, TamperedBlobIsRefusedEvenWhenTheKeyIsCached) {
  auto generated = generate(keyring_, GetParam());
  SignItem request = message_request(generated, GetParam());
  ASSERT_TRUE(sign(keyring_, request).has_value());
  request.sealed_key.back() ^= 0x01;
  auto signed_reply = sign(keyring_, request);
  ASSERT_FALSE(signed_reply.has_value());
  EXPECT_EQ(signed_reply.error().code(), ErrorCode::kDataLoss);
}

TEST_P(KeyringTest, BlobOfAnotherKeyVersionIsRefused) {
  auto generated = generate(keyring_, GetParam());
  SignItem request = message_request(generated, GetParam());
  request.version = 2;
  auto signed_reply = sign(keyring_, request);
  ASSERT_FALSE(signed_reply.has_value());
  EXPECT_EQ(signed_reply.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(signed_reply.error().message().find("another key/purpose"), std::string::npos);
}

TEST_P(KeyringTest, AlgorithmMismatchIsRefusedCachedOrNot) {
  auto generated = generate(keyring_, GetParam());
  KeyAlgorithm wrong =
      GetParam() == KeyAlgorithm::kEd25519 ? KeyAlgorithm::kEcdsaP256 : KeyAlgorithm::kEd25519;
  SignItem request = message_request(generated, wrong);
  for (Keyring* keyring : {&keyring_, static_cast<Keyring*>(nullptr)}) {
    Keyring fresh(*platform_);
    auto signed_reply = sign((keyring != nullptr ? *keyring : fresh), request);
    ASSERT_FALSE(signed_reply.has_value());
    EXPECT_EQ(signed_reply.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(signed_reply.error().message().find("release@1"), std::string::npos);
  }
}

TEST_P(KeyringTest, AnotherKeysPublicKeyIsRefusedCachedOrNot) {
  // The host names the public key it will publish with the signature; the enclave signs only when
  // that is the sealed key's, so a log entry never names a key that did not sign.
  auto generated = generate(keyring_, GetParam());
  auto other = generate(keyring_, GetParam(), "other");
  SignItem request = message_request(generated, GetParam());
  request.public_key = other.public_key;
  for (Keyring* keyring : {&keyring_, static_cast<Keyring*>(nullptr)}) {
    Keyring fresh(*platform_);
    auto signed_reply = sign(keyring != nullptr ? *keyring : fresh, request);
    ASSERT_FALSE(signed_reply.has_value());
    EXPECT_EQ(signed_reply.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(signed_reply.error().message().find("release@1"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Algorithms,
                         KeyringTest,
                         ::testing::Values(KeyAlgorithm::kEcdsaP256,
                                           KeyAlgorithm::kEcdsaP384,
                                           KeyAlgorithm::kEd25519));

class KeyringDigestTest : public KeyringTest {};

TEST_P(KeyringDigestTest, SignedDigestVerifies) {
  auto generated = generate(keyring_, GetParam());
  Bytes digest = crypto::hash(*crypto::signature_hash(GetParam()), to_bytes("the artifact"));
  SignItem request = test::sign_item(generated, GetParam(), SignInput::kDigest, digest);
  auto signed_reply = sign(keyring_, request);
  ASSERT_TRUE(signed_reply.has_value()) << signed_reply.error().message();
  auto public_key = crypto::public_key_from_der(generated.public_key).value();
  EXPECT_TRUE(crypto::verify_message(
      public_key.get(), GetParam(), to_bytes("the artifact"), *signed_reply));
}

TEST_P(KeyringDigestTest, DigestOfTheWrongLengthIsRefused) {
  auto generated = generate(keyring_, GetParam());
  SignItem request = test::sign_item(generated, GetParam(), SignInput::kDigest, Bytes(20, 1));
  auto signed_reply = sign(keyring_, request);
  ASSERT_FALSE(signed_reply.has_value());
  EXPECT_EQ(signed_reply.error().code(), ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(EcdsaAlgorithms,
                         KeyringDigestTest,
                         ::testing::Values(KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kEcdsaP384));

TEST_F(SimPlatformFixture, Ed25519RefusesADigest) {
  Keyring keyring(*platform_);
  auto generated = keyring.generate({"ed", 1, KeyAlgorithm::kEd25519});
  ASSERT_TRUE(generated.has_value());
  SignItem request =
      test::sign_item(*generated, KeyAlgorithm::kEd25519, SignInput::kDigest, Bytes(32, 1), "ed");
  auto signed_reply = sign(keyring, request);
  ASSERT_FALSE(signed_reply.has_value());
  EXPECT_EQ(signed_reply.error().code(), ErrorCode::kInvalidArgument);
}

TEST(ObjectIdTest, IsKeyIdAtVersion) {
  EXPECT_EQ(object_id("release", 3), "release@3");
}

}  // namespace
}  // namespace ensign::enclave
