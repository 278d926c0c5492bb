// Interop: bundles made by src/formats with keys from src/crypto, checked by @sigstore/verify
// 3.1.1 (a verifier we did not write) through tests/support/sigstore/verify.js, offline with a
// plain public key.
//
// Two combinations cannot verify there, whatever ensign does, and the tests pin down why:
// - Ed25519 messageSignature: @sigstore/verify's MessageSignatureContent.verifySignature calls
//   crypto.verify(hashAlgorithm, artifact, key, signature) with hashAlgorithm taken from
//   messageDigest.algorithm (HASH_ALGORITHM_MAP in dist/bundle/message.js, never null); node
//   refuses a digest for an Ed25519 key (ERR_OSSL_INVALID_DIGEST), which core's crypto.verify
//   catches and turns into false: SIGNATURE_ERROR.
// - ECDSA P-384 DSSE: DSSESignatureContent.verifySignature calls crypto.verify(undefined, pae,
//   key, sig), and with no algorithm node (OpenSSL's EC default) hashes with SHA-256 on every
//   curve, while ensign signs P-384 with SHA-384 as Sigstore's PKIX_ECDSA_P384_SHA_384 says.
//   A P-384 signature over SHA-256(PAE) does verify there (see the last test).
#include <gtest/gtest.h>

#include <string>

#include "formats/bundle.h"
#include "formats/verify.h"
#include "formats_fixture.h"

namespace ensign::formats {
namespace {

using crypto::KeyAlgorithm;
using testing::must;
using testing::shell_quote;

const std::string kVerifierDirectory = ENSIGN_BUILD_DIR "/sigstore-verify";
const std::string kInstallScript = ENSIGN_SOURCE_DIR "/tests/support/npm_peer.sh";
constexpr int kToolMissing = 3;  // npm_peer.sh's exit status when node or npm is absent
const Bytes kArtifact = to_bytes("release artifact v1.2.3\n");

class SigstoreInteropTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    install_ = testing::run_command("bash " + shell_quote(kInstallScript) + " sigstore " +
                                    shell_quote(kVerifierDirectory));
  }

  void SetUp() override {
    if (install_.exit_code == kToolMissing) {
      GTEST_SKIP() << "node/npm absent: " << install_.output;
    }
    ASSERT_EQ(install_.exit_code, 0) << install_.output;
  }

  // node_verify writes the bundle, the artifact (when given) and the key, and runs verify.js.
  testing::CommandResult node_verify(const Bundle& bundle,
                                     const testing::TestKey& key,
                                     const std::optional<Bytes>& artifact) {
    std::string bundle_path = scratch_.write("bundle.json", as_bytes(bundle_to_json(bundle)));
    std::string key_path = scratch_.write("key.der", key.public_der);
    std::string artifact_path = artifact ? scratch_.write("artifact", *artifact) : "-";
    return testing::run_command("node " + shell_quote(kVerifierDirectory + "/verify.js") + " " +
                                shell_quote(bundle_path) + " " + shell_quote(artifact_path) + " " +
                                shell_quote(key_path) + " " + shell_quote(key.hint));
  }

  void expect_node_accepts(const Bundle& bundle,
                           const testing::TestKey& key,
                           const std::optional<Bytes>& artifact) {
    auto result = node_verify(bundle, key, artifact);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(result.output.rfind("VERIFIED", 0), 0u) << result.output;
  }

  // expect_node_rejects checks that verify.js rejects the bundle with `code` (e.g.
  // SIGNATURE_ERROR).
  void expect_node_rejects(const Bundle& bundle,
                           const testing::TestKey& key,
                           const std::optional<Bytes>& artifact,
                           const std::string& code) {
    auto result = node_verify(bundle, key, artifact);
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("FAILED"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find(code), std::string::npos) << result.output;
  }

  // expect_ensign_accepts checks that verify_bundle agrees the bundle is valid.
  void expect_ensign_accepts(const Bundle& bundle,
                             const testing::TestKey& key,
                             const std::optional<Bytes>& artifact) {
    std::optional<std::string> path;
    if (artifact) {
      path = scratch_.write("ensign-artifact", *artifact);
    }
    Verdict verdict = must(verify_bundle(bundle, path, key.public_der));
    EXPECT_TRUE(verdict.valid) << verdict.reason;
  }

  static testing::CommandResult install_;
  testing::ScratchDirectory scratch_;
};

testing::CommandResult SigstoreInteropTest::install_;

Bundle statement_bundle(const testing::TestKey& key) {
  return testing::dsse_bundle(
      key, kIntotoPayloadType, testing::statement_for("artifact.txt", kArtifact));
}

// --- bundles @sigstore/verify accepts ---

TEST_F(SigstoreInteropTest, AcceptsP256MessageSignature) {
  auto key = testing::make_key(KeyAlgorithm::kEcdsaP256);
  Bundle bundle = testing::message_signature_bundle(key, kArtifact);
  expect_node_accepts(bundle, key, kArtifact);
  expect_ensign_accepts(bundle, key, kArtifact);
}

TEST_F(SigstoreInteropTest, AcceptsP384MessageSignature) {
  auto key = testing::make_key(KeyAlgorithm::kEcdsaP384);
  Bundle bundle = testing::message_signature_bundle(key, kArtifact);
  expect_node_accepts(bundle, key, kArtifact);
  expect_ensign_accepts(bundle, key, kArtifact);
}

TEST_F(SigstoreInteropTest, AcceptsP256Dsse) {
  auto key = testing::make_key(KeyAlgorithm::kEcdsaP256);
  Bundle bundle = statement_bundle(key);
  expect_node_accepts(bundle, key, std::nullopt);
  expect_ensign_accepts(bundle, key, kArtifact);
}

TEST_F(SigstoreInteropTest, AcceptsEd25519Dsse) {
  auto key = testing::make_key(KeyAlgorithm::kEd25519);
  Bundle bundle = statement_bundle(key);
  expect_node_accepts(bundle, key, std::nullopt);
  expect_ensign_accepts(bundle, key, kArtifact);
}

TEST_F(SigstoreInteropTest, AcceptsABundleCarryingTheKeyAttestation) {
  auto key = testing::make_key(KeyAlgorithm::kEcdsaP256);
  Bundle bundle = testing::message_signature_bundle(key, kArtifact);
  bundle.key_attestation = KeyAttestation{"sim", to_bytes("evidence bytes")};
  ASSERT_NE(bundle_to_json(bundle).find("\"ensignKeyAttestation\""), std::string::npos);
  expect_node_accepts(bundle, key, kArtifact);
  Bundle envelope = statement_bundle(key);
  envelope.key_attestation = bundle.key_attestation;
  expect_node_accepts(envelope, key, std::nullopt);
}

// --- bundles @sigstore/verify must reject ---

TEST_F(SigstoreInteropTest, RejectsATamperedArtifact) {
  for (auto algorithm : {KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kEcdsaP384}) {
    auto key = testing::make_key(algorithm);
    expect_node_rejects(testing::message_signature_bundle(key, kArtifact),
                        key,
                        to_bytes("release artifact v1.2.4\n"),
                        "SIGNATURE_ERROR");
  }
}

TEST_F(SigstoreInteropTest, RejectsATamperedMessageSignature) {
  for (auto algorithm : {KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kEcdsaP384}) {
    auto key = testing::make_key(algorithm);
    Bundle bundle = testing::message_signature_bundle(key, kArtifact);
    std::get<MessageSignature>(bundle.content).signature.back() ^= 0x01;
    expect_node_rejects(bundle, key, kArtifact, "SIGNATURE_ERROR");
  }
}

TEST_F(SigstoreInteropTest, RejectsATamperedDsseSignature) {
  for (auto algorithm : {KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kEd25519}) {
    auto key = testing::make_key(algorithm);
    Bundle bundle = statement_bundle(key);
    std::get<DsseEnvelope>(bundle.content).signature[8] ^= 0x01;
    expect_node_rejects(bundle, key, std::nullopt, "SIGNATURE_ERROR");
  }
}

TEST_F(SigstoreInteropTest, RejectsATamperedDssePayload) {
  for (auto algorithm : {KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kEd25519}) {
    auto key = testing::make_key(algorithm);
    Bundle bundle = statement_bundle(key);
    auto& payload = std::get<DsseEnvelope>(bundle.content).payload;
    payload = testing::statement_for("artifact.txt", to_bytes("another build"));
    expect_node_rejects(bundle, key, std::nullopt, "SIGNATURE_ERROR");
  }
}

TEST_F(SigstoreInteropTest, RejectsASignatureByAnotherKey) {
  auto key = testing::make_key(KeyAlgorithm::kEcdsaP256);
  auto other = testing::make_key(KeyAlgorithm::kEcdsaP256);
  Bundle bundle = testing::message_signature_bundle(other, kArtifact);
  bundle.public_key_hint = key.hint;
  expect_node_rejects(bundle, key, kArtifact, "SIGNATURE_ERROR");
}

// --- the two combinations @sigstore/verify 3.1.1 cannot verify (see the banner) ---

TEST_F(SigstoreInteropTest, RejectsEd25519MessageSignatureThatEnsignAccepts) {
  auto key = testing::make_key(KeyAlgorithm::kEd25519);
  Bundle bundle = testing::message_signature_bundle(key, kArtifact);
  expect_ensign_accepts(bundle, key, kArtifact);
  expect_node_rejects(bundle, key, kArtifact, "SIGNATURE_ERROR");
}

TEST_F(SigstoreInteropTest, RejectsP384DsseOverSha384ThatEnsignAccepts) {
  auto key = testing::make_key(KeyAlgorithm::kEcdsaP384);
  Bundle bundle = statement_bundle(key);
  expect_ensign_accepts(bundle, key, kArtifact);
  expect_node_rejects(bundle, key, std::nullopt, "SIGNATURE_ERROR");
}

TEST_F(SigstoreInteropTest, VerifiesP384DsseOnlyOverSha256) {
  auto key = testing::make_key(KeyAlgorithm::kEcdsaP384);
  Bundle bundle = statement_bundle(key);
  auto& envelope = std::get<DsseEnvelope>(bundle.content);
  Bytes encoding = dsse_pae(envelope.payload_type, envelope.payload);
  EvpMdCtxPtr context(EVP_MD_CTX_new());
  std::size_t length = 0;
  ASSERT_EQ(EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key.key.get()), 1);
  ASSERT_EQ(EVP_DigestSign(context.get(), nullptr, &length, encoding.data(), encoding.size()), 1);
  envelope.signature.resize(length);
  ASSERT_EQ(
      EVP_DigestSign(
          context.get(), envelope.signature.data(), &length, encoding.data(), encoding.size()),
      1);
  envelope.signature.resize(length);
  expect_node_accepts(bundle, key, std::nullopt);
  Verdict verdict = must(verify_bundle(bundle, std::nullopt, key.public_der));
  EXPECT_FALSE(verdict.valid) << "ensign verifies P-384 over SHA-384 only";
}

}  // namespace
}  // namespace ensign::formats
