// Tests of src/formats/verify.cpp: verify_bundle with keys of all three algorithms.
#include "formats/verify.h"

#include <gtest/gtest.h>
#include <openssl/rsa.h>

#include <ostream>
#include <string>

#include "formats_fixture.h"

namespace ensign::crypto {

// PrintTo names a key algorithm in GoogleTest output.
void PrintTo(KeyAlgorithm algorithm, std::ostream* out) {
  *out << key_algorithm_name(algorithm);
}

}  // namespace ensign::crypto

namespace ensign::formats {
namespace {

using crypto::KeyAlgorithm;
using testing::must;

const Bytes kArtifact = to_bytes("release artifact v1.2.3\n");

class VerifyTest : public ::testing::TestWithParam<KeyAlgorithm> {
 protected:
  VerifyTest() : key_(testing::make_key(GetParam())) {
    artifact_path_ = scratch_.write("artifact.txt", kArtifact);
  }

  Verdict verify(const Bundle& bundle, const std::optional<Artifact>& artifact) {
    return must(verify_bundle(bundle, artifact, key_.public_der));
  }

  // expect_invalid checks that the verdict is invalid for a reason containing `words`.
  void expect_invalid(const Verdict& verdict, const std::string& words) {
    EXPECT_FALSE(verdict.valid);
    EXPECT_NE(verdict.reason.find(words), std::string::npos) << verdict.reason;
    EXPECT_EQ(verdict.reason.find('\n'), std::string::npos);
  }

  testing::ScratchDirectory scratch_;
  testing::TestKey key_;
  std::string artifact_path_;
};

std::string algorithm_test_name(const ::testing::TestParamInfo<KeyAlgorithm>& info) {
  std::string name(crypto::key_algorithm_name(info.param));
  std::erase(name, '-');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Algorithms,
                         VerifyTest,
                         ::testing::Values(KeyAlgorithm::kEcdsaP256,
                                           KeyAlgorithm::kEcdsaP384,
                                           KeyAlgorithm::kEd25519),
                         algorithm_test_name);

// --- valid bundles ---

TEST_P(VerifyTest, MessageSignatureOverTheArtifactIsValid) {
  Verdict verdict = verify(testing::message_signature_bundle(key_, kArtifact), artifact_path_);
  EXPECT_TRUE(verdict.valid) << verdict.reason;
  EXPECT_NE(verdict.reason.find(key_.hint), std::string::npos);
}

TEST_P(VerifyTest, MessageSignatureSurvivesJson) {
  Bundle bundle = testing::message_signature_bundle(key_, kArtifact);
  Bundle parsed = must(parse_bundle(as_bytes(bundle_to_json(bundle))));
  EXPECT_TRUE(verify(parsed, artifact_path_).valid);
}

TEST_P(VerifyTest, DsseEnvelopeWithoutArtifactIsValid) {
  Bytes statement = testing::statement_for("artifact.txt", kArtifact);
  Verdict verdict = verify(testing::dsse_bundle(key_, kIntotoPayloadType, statement), std::nullopt);
  EXPECT_TRUE(verdict.valid) << verdict.reason;
}

TEST_P(VerifyTest, DsseEnvelopeWhosePayloadIsTheArtifactIsValid) {
  Verdict verdict = verify(testing::dsse_bundle(key_, "text/plain", kArtifact), artifact_path_);
  EXPECT_TRUE(verdict.valid) << verdict.reason;
  EXPECT_NE(verdict.reason.find("its payload is artifact"), std::string::npos);
}

TEST_P(VerifyTest, IntotoSubjectMatchingTheArtifactIsValid) {
  Subject other{"other", {{"sha512", "00"}}};
  Subject match{"artifact.txt", {{"sha256", hex_encode(crypto::sha256(kArtifact))}}};
  Bytes statement = must(intoto_statement({other, match}, "https://slsa.dev/provenance/v1", "{}"));
  Verdict verdict =
      verify(testing::dsse_bundle(key_, kIntotoPayloadType, statement), artifact_path_);
  EXPECT_TRUE(verdict.valid) << verdict.reason;
  EXPECT_NE(verdict.reason.find("in-toto subject \"artifact.txt\""), std::string::npos);
}

// --- invalid bundles ---

TEST_P(VerifyTest, TamperedArtifactIsInvalid) {
  Bundle bundle = testing::message_signature_bundle(key_, kArtifact);
  std::string tampered = scratch_.write("tampered.txt", to_bytes("release artifact v1.2.4\n"));
  expect_invalid(verify(bundle, tampered), "does not match the bundle's messageDigest");
}

TEST_P(VerifyTest, TamperedSignatureIsInvalid) {
  Bundle bundle = testing::message_signature_bundle(key_, kArtifact);
  std::get<MessageSignature>(bundle.content).signature.back() ^= 0x01;
  expect_invalid(verify(bundle, artifact_path_),
                 "messageSignature does not verify with key " + key_.hint);
}

TEST_P(VerifyTest, TamperedDigestIsInvalid) {
  Bundle bundle = testing::message_signature_bundle(key_, kArtifact);
  std::get<MessageSignature>(bundle.content).digest[0] ^= 0x80;
  expect_invalid(verify(bundle, artifact_path_), "does not match the bundle's messageDigest");
}

TEST_P(VerifyTest, DigestAndSignatureOfAnotherArtifactAreInvalid) {
  Bytes other = to_bytes("another artifact");
  Bundle bundle = testing::message_signature_bundle(key_, other);
  expect_invalid(verify(bundle, artifact_path_), "does not match the bundle's messageDigest");
}

TEST_P(VerifyTest, DigestAlgorithmOtherThanTheKeysIsInvalid) {
  Bundle bundle = testing::message_signature_bundle(key_, kArtifact);
  auto& message = std::get<MessageSignature>(bundle.content);
  message.digest_algorithm = crypto::HashAlgorithm::kSha512;
  message.digest = crypto::hash(crypto::HashAlgorithm::kSha512, kArtifact);
  expect_invalid(verify(bundle, artifact_path_), "messageDigest algorithm SHA2_512 does not fit");
}

TEST_P(VerifyTest, SignatureByAnotherKeyIsInvalid) {
  testing::TestKey other = testing::make_key(GetParam());
  expect_invalid(verify(testing::message_signature_bundle(other, kArtifact), artifact_path_),
                 "does not verify with key " + key_.hint);
  expect_invalid(verify(testing::dsse_bundle(other, "text/plain", kArtifact), std::nullopt),
                 "DSSE signature does not verify with key " + key_.hint);
}

TEST_P(VerifyTest, ChangedDssePayloadIsInvalid) {
  Bundle bundle = testing::dsse_bundle(key_, "text/plain", kArtifact);
  std::get<DsseEnvelope>(bundle.content).payload.push_back('!');
  expect_invalid(verify(bundle, std::nullopt), "DSSE signature does not verify");
}

TEST_P(VerifyTest, ChangedDssePayloadTypeIsInvalid) {
  Bundle bundle = testing::dsse_bundle(key_, "text/plain", kArtifact);
  std::get<DsseEnvelope>(bundle.content).payload_type = "text/html";
  expect_invalid(verify(bundle, std::nullopt), "DSSE signature does not verify");
}

TEST_P(VerifyTest, TamperedDsseSignatureIsInvalid) {
  Bundle bundle = testing::dsse_bundle(key_, "text/plain", kArtifact);
  std::get<DsseEnvelope>(bundle.content).signature[4] ^= 0x10;
  expect_invalid(verify(bundle, artifact_path_), "DSSE signature does not verify");
}

TEST_P(VerifyTest, DsseArtifactOtherThanThePayloadIsInvalid) {
  Bundle bundle = testing::dsse_bundle(key_, "text/plain", to_bytes("something else"));
  expect_invalid(verify(bundle, artifact_path_), "is not the DSSE payload (payloadType");
}

TEST_P(VerifyTest, IntotoSubjectsNotMatchingTheArtifactAreInvalid) {
  Bytes statement = testing::statement_for("artifact.txt", to_bytes("another build"));
  Bundle bundle = testing::dsse_bundle(key_, kIntotoPayloadType, statement);
  expect_invalid(verify(bundle, artifact_path_),
                 "matches neither the DSSE payload nor any of the 1 in-toto subjects");
}

TEST_P(VerifyTest, IntotoPayloadThatIsNoStatementIsInvalid) {
  Bundle bundle = testing::dsse_bundle(key_, kIntotoPayloadType, to_bytes(R"({"_type":"x"})"));
  expect_invalid(verify(bundle, artifact_path_), "DSSE payload is not a usable in-toto statement");
}

// --- artifacts given in memory or by digest (as ensignd's verify route receives them) ---

TEST_P(VerifyTest, MessageSignatureOverTheArtifactInMemoryIsValid) {
  Verdict verdict = verify(testing::message_signature_bundle(key_, kArtifact),
                           Artifact::in_memory(kArtifact));
  EXPECT_TRUE(verdict.valid) << verdict.reason;
  Bytes other = to_bytes("another artifact");
  expect_invalid(verify(testing::message_signature_bundle(key_, kArtifact),
                        Artifact::in_memory(other)),
                 "the artifact has digest");
}

TEST_P(VerifyTest, MessageSignatureOverTheArtifactsDigestIsValidForEcdsaOnly) {
  Bundle bundle = testing::message_signature_bundle(key_, kArtifact);
  Bytes digest = crypto::hash(message_digest_algorithm(GetParam()), kArtifact);
  auto result = verify_bundle(bundle, Artifact::digest_only(digest), key_.public_der);
  if (GetParam() == KeyAlgorithm::kEd25519) {
    ASSERT_FALSE(result);  // an Ed25519 signature covers the artifact, not its digest
    EXPECT_NE(result.error().message().find("only the artifact's digest"), std::string::npos);
    return;
  }
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_TRUE(result->valid) << result->reason;
  digest[0] ^= 1;
  expect_invalid(must(verify_bundle(bundle, Artifact::digest_only(digest), key_.public_der)),
                 "the artifact given by digest has digest");
}

TEST_P(VerifyTest, DigestOfTheWrongLengthIsAnError) {
  Bundle bundle = testing::dsse_bundle(key_, "text/plain", kArtifact);
  auto result = verify_bundle(bundle, Artifact::digest_only(Bytes(20, 1)), key_.public_der);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(result.error().message().find("has 20 bytes"), std::string::npos);
}

TEST_P(VerifyTest, IntotoSubjectMatchingTheArtifactsSha256IsValid) {
  Bundle bundle = testing::dsse_bundle(key_, kIntotoPayloadType,
                                       testing::statement_for("artifact.txt", kArtifact));
  Verdict verdict = verify(bundle, Artifact::digest_only(crypto::sha256(kArtifact)));
  EXPECT_TRUE(verdict.valid) << verdict.reason;
  expect_invalid(verify(bundle, Artifact::digest_only(crypto::sha256(to_bytes("other")))),
                 "matches neither the DSSE payload nor any of the 1 in-toto subjects");
}

// --- verifications that cannot be carried out ---

TEST_P(VerifyTest, MessageSignatureWithoutArtifactIsAnError) {
  auto result = verify_bundle(
      testing::message_signature_bundle(key_, kArtifact), std::nullopt, key_.public_der);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(VerifyTest, MissingArtifactIsAnError) {
  std::string missing = scratch_.path("missing.txt");
  for (const Bundle& bundle : {testing::message_signature_bundle(key_, kArtifact),
                               testing::dsse_bundle(key_, "text/plain", kArtifact)}) {
    auto result = verify_bundle(bundle, missing, key_.public_der);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), ErrorCode::kNotFound);
    EXPECT_NE(result.error().message().find(missing), std::string::npos);
  }
}

TEST_P(VerifyTest, MalformedPublicKeyIsAnError) {
  Bytes broken = key_.public_der;
  broken.pop_back();
  auto result =
      verify_bundle(testing::message_signature_bundle(key_, kArtifact), artifact_path_, broken);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
}

TEST(VerifyKeyTest, UnsupportedPublicKeyIsAnError) {
  EvpPkeyPtr rsa(EVP_RSA_gen(2048));
  ASSERT_TRUE(rsa);
  Bytes rsa_der = must(crypto::public_key_to_der(rsa.get()));
  testing::TestKey key = testing::make_key(KeyAlgorithm::kEcdsaP256);
  auto result =
      verify_bundle(testing::dsse_bundle(key, "text/plain", kArtifact), std::nullopt, rsa_der);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("unsupported key type"), std::string::npos);
}

TEST(VerifyKeyTest, Ed25519ArtifactLargerThanTheLimitIsAnError) {
  testing::ScratchDirectory scratch;
  testing::TestKey key = testing::make_key(KeyAlgorithm::kEd25519);
  std::string large = scratch.write("large.bin", Bytes(kMaxDssePayloadSize + 1, 'x'));
  auto result =
      verify_bundle(testing::message_signature_bundle(key, kArtifact), large, key.public_der);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(result.error().message().find("Ed25519 messageSignature covers the whole artifact"),
            std::string::npos);
}

TEST(VerifyKeyTest, LargeArtifactIsStreamedForEcdsa) {
  testing::ScratchDirectory scratch;
  testing::TestKey key = testing::make_key(KeyAlgorithm::kEcdsaP256);
  Bytes contents(kMaxDssePayloadSize + 1, 'x');
  std::string large = scratch.write("large.bin", contents);
  auto verdict =
      must(verify_bundle(testing::message_signature_bundle(key, contents), large, key.public_der));
  EXPECT_TRUE(verdict.valid) << verdict.reason;
}

}  // namespace
}  // namespace ensign::formats
