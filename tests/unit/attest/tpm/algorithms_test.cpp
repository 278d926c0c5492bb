// Tests of attest/tpm/algorithms.h: the TPM_ALG_ID table and the claims' code format.
#include "attest/tpm/algorithms.h"

#include <gtest/gtest.h>

namespace ensign::attest::tpm {
namespace {

TEST(TpmAlgorithmsTest, FindsTheHashesByIdAndBank) {
  const TpmHash* sha256 = find_tpm_hash(0x000b);
  ASSERT_NE(sha256, nullptr);
  EXPECT_EQ(sha256->name, "SHA256");
  EXPECT_EQ(sha256->bank, "sha256");
  EXPECT_EQ(sha256->size, 32u);
  EXPECT_EQ(EVP_MD_get_size(sha256->evp_md()), 32);
  EXPECT_EQ(find_tpm_hash_by_bank("sha1"), find_tpm_hash(kAlgSha1));
  EXPECT_EQ(find_tpm_hash_by_bank("sha512")->size, 64u);
}

TEST(TpmAlgorithmsTest, NamesTheQuoteSchemes) {
  EXPECT_EQ(signature_algorithm_name(0x0014), "TPM_ALG_RSASSA");
  EXPECT_EQ(signature_algorithm_name(0x0016), "TPM_ALG_RSAPSS");
  EXPECT_EQ(signature_algorithm_name(0x0018), "TPM_ALG_ECDSA");
  EXPECT_EQ(hash_algorithm_name(0x000c), "SHA384");
}

TEST(TpmAlgorithmsTest, WritesCodesWithoutLeadingZeros) {
  EXPECT_EQ(hex_code(0xb), "0xb");
  EXPECT_EQ(hex_code(0x8018), "0x8018");
  EXPECT_EQ(hex_code(0x2019102300163636ULL), "0x2019102300163636");
  EXPECT_EQ(hex_code(0), "0x0");
}

TEST(TpmAlgorithmsTest, KnowsNoOtherHash) {
  EXPECT_EQ(find_tpm_hash(0x0012), nullptr);  // SM3_256
  EXPECT_EQ(find_tpm_hash(kAlgNull), nullptr);
  EXPECT_EQ(find_tpm_hash_by_bank("sm3_256"), nullptr);
  EXPECT_EQ(find_tpm_hash_by_bank("SHA256"), nullptr);
  EXPECT_EQ(find_tpm_hash_by_bank(""), nullptr);
}

TEST(TpmAlgorithmsTest, WritesUnknownIdsAsCodes) {
  EXPECT_EQ(hash_algorithm_name(0x0012), "0x12");
  EXPECT_EQ(signature_algorithm_name(0x001a), "0x1a");  // TPM_ALG_ECDAA is not a quote scheme
}

}  // namespace
}  // namespace ensign::attest::tpm
