// Tests of core/openssl_handles.h: openssl_error's message and queue handling, and the deleters.
#include "core/openssl_handles.h"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <array>
#include <string>

namespace ensign {
namespace {

std::string error_text(unsigned long error) {
  std::array<char, 256> text{};
  ERR_error_string_n(error, text.data(), text.size());
  return text.data();
}

TEST(OpensslErrorTest, AppendsTheNewestQueueEntryAndClearsTheQueue) {
  ERR_clear_error();
  ERR_raise_data(ERR_LIB_USER, 1, "first");
  ERR_raise_data(ERR_LIB_USER, 2, "second");
  unsigned long newest = ERR_peek_last_error();
  ASSERT_NE(newest, 0u);
  Error error = openssl_error("cannot parse key k1", ErrorCode::kDataLoss);
  EXPECT_EQ(error.code(), ErrorCode::kDataLoss);
  EXPECT_EQ(error.message(), "cannot parse key k1 (" + error_text(newest) + ")");
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(OpensslErrorTest, ReportsAFailedOpensslCall) {
  ERR_clear_error();
  const std::uint8_t garbage[] = {0x30, 0x03, 0x02, 0x01};
  const std::uint8_t* in = garbage;
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &in, static_cast<long>(sizeof garbage));
  ASSERT_EQ(key, nullptr);
  Error error = openssl_error("malformed public key");
  EXPECT_EQ(error.code(), ErrorCode::kInternal);
  EXPECT_EQ(error.message().rfind("malformed public key (error:", 0), 0u) << error.message();
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(OpensslErrorTest, EmptyQueueGivesTheBareMessage) {
  ERR_clear_error();
  Error error = openssl_error("key generation failed", ErrorCode::kUnavailable);
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(error.message(), "key generation failed");
}

// Under the sanitizer build LeakSanitizer fails this test if a deleter does not free its handle.
TEST(OpensslHandlesTest, DeletersReleaseTheirHandles) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  ASSERT_TRUE(key);
  EvpPkeyCtxPtr key_context(EVP_PKEY_CTX_new(key.get(), nullptr));
  EvpMdCtxPtr digest_context(EVP_MD_CTX_new());
  EvpCipherCtxPtr cipher_context(EVP_CIPHER_CTX_new());
  EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  ASSERT_TRUE(kdf);
  EvpKdfCtxPtr kdf_context(EVP_KDF_CTX_new(kdf.get()));
  BioPtr bio(BIO_new(BIO_s_mem()));
  BignumPtr number(BN_new());
  EcdsaSigPtr signature(ECDSA_SIG_new());
  X509Ptr certificate(X509_new());
  EXPECT_TRUE(key_context && digest_context && cipher_context && kdf_context && bio && number &&
              signature && certificate);
}

}  // namespace
}  // namespace ensign
