// Tests of crypto/signature.h: sign and verify with every algorithm, refusal of tampered
// signatures and messages and of wrong digest lengths, and interoperability with the openssl
// command line in both directions (openssl verifies ours; we verify openssl's).
#include "crypto/signature.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/file.h"
#include "support/corrupt.h"
#include "unit/crypto/crypto_test_support.h"
#include "support/scratch_directory.h"

namespace ensign::crypto {
namespace {

const Bytes kMessage = to_bytes("in-toto statement for artifact sha256:0123abcd");

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// run_command runs a shell command and returns its exit status and combined output.
CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    result.output += buffer;
  }
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

EvpPkeyPtr public_half(const EVP_PKEY* key) {
  return public_key_from_der(public_key_to_der(key).value()).value();
}

class SignatureTest : public ::testing::TestWithParam<KeyAlgorithm> {
 protected:
  void SetUp() override {
    key_ = generate_private_key(GetParam()).value();
    public_key_ = public_half(key_.get());
    auto signature = sign_message(key_.get(), GetParam(), kMessage);
    ASSERT_TRUE(signature.has_value()) << signature.error().message();
    signature_ = std::move(signature).value();
  }

  bool verifies(ByteView message, ByteView signature) const {
    return verify_message(public_key_.get(), GetParam(), message, signature);
  }

  EvpPkeyPtr key_;
  EvpPkeyPtr public_key_;
  Bytes signature_;
};

TEST_P(SignatureTest, SignedMessageVerifies) {
  EXPECT_TRUE(verifies(kMessage, signature_));
  if (GetParam() == KeyAlgorithm::kEd25519) {
    EXPECT_EQ(signature_.size(), 64u);
  }
}

TEST_P(SignatureTest, EmptyMessageSignsAndVerifies) {
  auto signature = sign_message(key_.get(), GetParam(), ByteView{});
  ASSERT_TRUE(signature.has_value()) << signature.error().message();
  EXPECT_TRUE(verifies(ByteView{}, *signature));
  EXPECT_FALSE(verifies(kMessage, *signature));
}

TEST_P(SignatureTest, EveryChangedSignatureByteIsRejected) {
  std::size_t index = 0;
  for (const Bytes& changed : test::flipped_copies(signature_)) {
    EXPECT_FALSE(verifies(kMessage, changed)) << "byte " << index++;
  }
}

TEST_P(SignatureTest, CutOrExtendedSignatureIsRejected) {
  EXPECT_FALSE(verifies(kMessage, ByteView{}));
  EXPECT_FALSE(verifies(kMessage, test::truncated(signature_, signature_.size() - 1)));
  EXPECT_FALSE(verifies(kMessage, test::appended(signature_, Bytes{0})));
}

TEST_P(SignatureTest, ChangedMessageIsRejected) {
  EXPECT_FALSE(verifies(test::flipped(kMessage, 0), signature_));
  EXPECT_FALSE(verifies(test::flipped(kMessage, kMessage.size() - 1), signature_));
  EXPECT_FALSE(verifies(test::appended(kMessage, Bytes{0}), signature_));
  EXPECT_FALSE(verifies(test::truncated(kMessage, kMessage.size() - 1), signature_));
}

TEST_P(SignatureTest, OtherKeyIsRejected) {
  EvpPkeyPtr other = public_half(generate_private_key(GetParam()).value().get());
  EXPECT_FALSE(verify_message(other.get(), GetParam(), kMessage, signature_));
}

TEST_P(SignatureTest, MismatchedAlgorithmLabelIsRejected) {
  for (KeyAlgorithm other : test::kEveryKeyAlgorithm) {
    if (other != GetParam()) {
      EXPECT_FALSE(verify_message(public_key_.get(), other, kMessage, signature_))
          << key_algorithm_name(other);
    }
  }
}

TEST_P(SignatureTest, SigningUnderAMismatchedAlgorithmLabelIsRefused) {
  for (KeyAlgorithm other : test::kEveryKeyAlgorithm) {
    if (other != GetParam()) {
      auto signature = sign_message(key_.get(), other, kMessage);
      ASSERT_FALSE(signature.has_value()) << key_algorithm_name(other);
      EXPECT_EQ(signature.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm,
                         SignatureTest,
                         ::testing::ValuesIn(test::kEveryKeyAlgorithm),
                         test::algorithm_test_name);

class DigestSignatureTest : public ::testing::TestWithParam<KeyAlgorithm> {
 protected:
  void SetUp() override { key_ = generate_private_key(GetParam()).value(); }

  std::size_t digest_size() const { return hash_size(*signature_hash(GetParam())); }

  EvpPkeyPtr key_;
};

TEST_P(DigestSignatureTest, SignedDigestVerifiesAsDigestAndAsMessage) {
  Bytes digest = hash(*signature_hash(GetParam()), kMessage);
  auto signature = sign_digest(key_.get(), GetParam(), digest);
  ASSERT_TRUE(signature.has_value()) << signature.error().message();
  EvpPkeyPtr public_key = public_half(key_.get());
  EXPECT_TRUE(verify_digest(public_key.get(), GetParam(), digest, *signature));
  EXPECT_TRUE(verify_message(public_key.get(), GetParam(), kMessage, *signature));
  EXPECT_FALSE(verify_digest(public_key.get(), GetParam(), test::flipped(digest, 0), *signature));
}

TEST_P(DigestSignatureTest, SignDigestRefusesWrongLengths) {
  for (std::size_t size : {std::size_t{0}, digest_size() - 1, digest_size() + 1, std::size_t{64}}) {
    auto signature = sign_digest(key_.get(), GetParam(), Bytes(size, 0x11));
    ASSERT_FALSE(signature.has_value()) << size;
    EXPECT_EQ(signature.error().code(), ErrorCode::kInvalidArgument) << size;
  }
}

TEST_P(DigestSignatureTest, VerifyDigestRefusesWrongLengths) {
  Bytes digest(digest_size(), 0x22);
  Bytes signature = sign_digest(key_.get(), GetParam(), digest).value();
  EvpPkeyPtr public_key = public_half(key_.get());
  Bytes longer = test::appended(digest, Bytes{0});
  EXPECT_FALSE(verify_digest(public_key.get(), GetParam(), longer, signature));
  EXPECT_FALSE(verify_digest(public_key.get(), GetParam(), test::truncated(digest, 20), signature));
}

INSTANTIATE_TEST_SUITE_P(Ecdsa,
                         DigestSignatureTest,
                         ::testing::Values(KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kEcdsaP384),
                         test::algorithm_test_name);

TEST(Ed25519DigestTest, SignDigestIsRefused) {
  EvpPkeyPtr key = generate_private_key(KeyAlgorithm::kEd25519).value();
  for (std::size_t size : {32u, 64u}) {
    auto signature = sign_digest(key.get(), KeyAlgorithm::kEd25519, Bytes(size, 0x33));
    ASSERT_FALSE(signature.has_value());
    EXPECT_EQ(signature.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(Ed25519DigestTest, VerifyDigestIsFalse) {
  EvpPkeyPtr key = generate_private_key(KeyAlgorithm::kEd25519).value();
  Bytes digest = sha256(kMessage);
  Bytes signature = sign_message(key.get(), KeyAlgorithm::kEd25519, digest).value();
  EXPECT_TRUE(verify_message(key.get(), KeyAlgorithm::kEd25519, digest, signature));
  EXPECT_FALSE(verify_digest(key.get(), KeyAlgorithm::kEd25519, digest, signature));
}

// OpensslCliTest writes keys, messages and signatures to a temporary directory for the openssl
// command.
class OpensslCliTest : public ::testing::TestWithParam<KeyAlgorithm> {
 protected:
  void SetUp() override {
    directory_ = scratch_.root();
    ASSERT_TRUE(write_file_atomic(path("message.bin"), kMessage, 0600).has_value());
  }

  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  // verify_with_openssl asks the openssl command to check `signature` over message.bin.
  CommandResult verify_with_openssl(const EVP_PKEY* key, ByteView signature) const {
    std::string pem = public_key_to_pem(public_key_to_der(key).value()).value();
    EXPECT_TRUE(write_file_atomic(path("public.pem"), as_bytes(pem), 0600).has_value());
    EXPECT_TRUE(write_file_atomic(path("signature.bin"), signature, 0600).has_value());
    if (GetParam() == KeyAlgorithm::kEd25519) {
      return run_command("openssl pkeyutl -verify -pubin -inkey " + path("public.pem") +
                         " -rawin -in " + path("message.bin") + " -sigfile " +
                         path("signature.bin"));
    }
    return run_command("openssl dgst -" + digest_name() + " -verify " + path("public.pem") +
                       " -signature " + path("signature.bin") + " " + path("message.bin"));
  }

  // sign_with_openssl has the openssl command make a key and sign message.bin; returns the
  // PKCS#8 DER private key and the signature.
  std::pair<SecretBytes, Bytes> sign_with_openssl() const {
    std::string key = path("private.der");
    std::string generate =
        GetParam() == KeyAlgorithm::kEd25519
            ? "openssl genpkey -algorithm ED25519"
            : "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:" + curve_name();
    CommandResult generated = run_command(generate + " -outform DER -out " + key);
    EXPECT_EQ(generated.exit_code, 0) << generated.output;
    CommandResult signed_result =
        GetParam() == KeyAlgorithm::kEd25519
            ? run_command("openssl pkeyutl -sign -keyform DER -inkey " + key + " -rawin -in " +
                          path("message.bin") + " -out " + path("signature.bin"))
            : run_command("openssl dgst -" + digest_name() + " -keyform DER -sign " + key +
                          " -out " + path("signature.bin") + " " + path("message.bin"));
    EXPECT_EQ(signed_result.exit_code, 0) << signed_result.output;
    auto der = read_file(key, 65536);
    auto signature = read_file(path("signature.bin"), 65536);
    EXPECT_TRUE(der.has_value() && signature.has_value());
    if (!der || !signature) {
      return {};
    }
    return {SecretBytes::copy_of(*der), *signature};
  }

  std::string digest_name() const {
    return GetParam() == KeyAlgorithm::kEcdsaP384 ? "sha384" : "sha256";
  }
  std::string curve_name() const {
    return GetParam() == KeyAlgorithm::kEcdsaP384 ? "P-384" : "P-256";
  }
  std::string success_text() const {
    return GetParam() == KeyAlgorithm::kEd25519 ? "Signature Verified Successfully" : "Verified OK";
  }

  test::ScratchDirectory scratch_;
  std::filesystem::path directory_;
};

TEST_P(OpensslCliTest, OpensslVerifiesOurSignature) {
  EvpPkeyPtr key = generate_private_key(GetParam()).value();
  Bytes signature = sign_message(key.get(), GetParam(), kMessage).value();
  CommandResult result = verify_with_openssl(key.get(), signature);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find(success_text()), std::string::npos) << result.output;
}

TEST_P(OpensslCliTest, OpensslRejectsOurTamperedSignature) {
  EvpPkeyPtr key = generate_private_key(GetParam()).value();
  Bytes signature = sign_message(key.get(), GetParam(), kMessage).value();
  CommandResult result =
      verify_with_openssl(key.get(), test::flipped(signature, signature.size() - 1));
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output.find(success_text()), std::string::npos) << result.output;
}

TEST_P(OpensslCliTest, OpensslRejectsOurSignatureOverAnotherMessage) {
  EvpPkeyPtr key = generate_private_key(GetParam()).value();
  Bytes signature =
      sign_message(key.get(), GetParam(), test::appended(kMessage, as_bytes("!"))).value();
  CommandResult result = verify_with_openssl(key.get(), signature);
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output.find(success_text()), std::string::npos) << result.output;
}

TEST_P(OpensslCliTest, WeVerifyOpensslSignatures) {
  auto [der, signature] = sign_with_openssl();
  auto key = private_key_from_der(der, GetParam());
  ASSERT_TRUE(key.has_value()) << key.error().message();
  EvpPkeyPtr public_key = public_half(key->get());
  EXPECT_TRUE(verify_message(public_key.get(), GetParam(), kMessage, signature));
  EXPECT_FALSE(verify_message(public_key.get(), GetParam(), kMessage, test::flipped(signature, 8)));
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm,
                         OpensslCliTest,
                         ::testing::ValuesIn(test::kEveryKeyAlgorithm),
                         test::algorithm_test_name);

}  // namespace
}  // namespace ensign::crypto
