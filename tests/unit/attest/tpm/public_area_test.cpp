// Tests of attest/tpm/public_area.h on public areas swtpm made (swtpm_vectors.h): each key type
// parses to the SPKI tpm2_readpublic printed and the Name tpm2_load wrote; then every truncation,
// trailing byte, oversized field and unknown selector is refused with an error naming the field.
#include "attest/tpm/public_area.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/keys.h"
#include "support/corrupt.h"
#include "swtpm_vectors.h"

namespace ensign::attest::tpm {
namespace {

using ensign::test::appended;
using ensign::test::truncated;
using test::bytes;

// patched returns a copy of `original` with `replacement` written at `offset`.
Bytes patched(ByteView original, std::size_t offset, const Bytes& replacement) {
  Bytes copy(original.begin(), original.end());
  std::copy(
      replacement.begin(), replacement.end(), copy.begin() + static_cast<std::ptrdiff_t>(offset));
  return copy;
}

std::string error_of(const Result<PublicArea>& parsed) {
  return parsed ? std::string("(parsed)") : parsed.error().message();
}

Bytes sized(ByteView tpmt_public) {
  Bytes out = {static_cast<std::uint8_t>(tpmt_public.size() >> 8),
               static_cast<std::uint8_t>(tpmt_public.size() & 0xff)};
  out.insert(out.end(), tpmt_public.begin(), tpmt_public.end());
  return out;
}

TEST(PublicAreaTest, ParsesAnEccSigningKey) {
  auto key = parse_public_area(bytes(test::kEccPublic));
  ASSERT_TRUE(key.has_value()) << key.error().message();
  EXPECT_EQ(key->type, kAlgEcc);
  EXPECT_EQ(key->name_alg, kAlgSha256);
  EXPECT_EQ(key->object_attributes, 0x40072u);
  EXPECT_TRUE(key->auth_policy.empty());
  EXPECT_EQ(key->symmetric.algorithm, kAlgNull);
  EXPECT_EQ(key->scheme.scheme, kAlgEcdsa);
  EXPECT_EQ(key->scheme.hash_alg, kAlgSha256);
  EXPECT_EQ(key->curve_id, kEccNistP256);
  EXPECT_EQ(key->kdf.scheme, kAlgNull);
  EXPECT_EQ(key->x.size(), 32u);
  EXPECT_EQ(key->y.size(), 32u);
  EXPECT_EQ(hex_encode(key->spki), test::kEccSpki);
}

TEST(PublicAreaTest, ParsesAnRsaSigningKey) {
  auto key = parse_public_area(bytes(test::kRsaPublic));
  ASSERT_TRUE(key.has_value()) << key.error().message();
  EXPECT_EQ(key->type, kAlgRsa);
  EXPECT_EQ(key->scheme.scheme, kAlgRsassa);
  EXPECT_EQ(key->scheme.hash_alg, kAlgSha256);
  EXPECT_EQ(key->key_bits, 2048u);
  EXPECT_EQ(key->exponent, 0u);  // the default, 65537
  EXPECT_EQ(key->modulus.size(), 256u);
  EXPECT_EQ(hex_encode(key->spki), test::kRsaSpki);
}

TEST(PublicAreaTest, ParsesAP384KeyNamedWithSha384) {
  auto key = parse_public_area(bytes(test::kP384Public));
  ASSERT_TRUE(key.has_value()) << key.error().message();
  EXPECT_EQ(key->name_alg, kAlgSha384);
  EXPECT_EQ(key->curve_id, kEccNistP384);
  EXPECT_EQ(key->scheme.hash_alg, kAlgSha384);
  EXPECT_EQ(hex_encode(key->spki), test::kP384Spki);
  EXPECT_EQ(object_attribute_names(key->object_attributes),
            (std::vector<std::string>{
                "fixedTPM", "fixedParent", "sensitiveDataOrigin", "userWithAuth", "noDA", "sign"}));
}

TEST(PublicAreaTest, ParsesTheCompanionCipherOfAStorageKey) {
  auto key = parse_public_area(bytes(test::kSrkPublic));
  ASSERT_TRUE(key.has_value()) << key.error().message();
  EXPECT_EQ(key->symmetric.algorithm, 0x0006);  // TPM_ALG_AES
  EXPECT_EQ(key->symmetric.key_bits, 128u);
  EXPECT_EQ(key->symmetric.mode, 0x0043);  // TPM_ALG_CFB
  EXPECT_EQ(key->scheme.scheme, kAlgNull);
  EXPECT_EQ(key->object_attributes & (kObjectRestricted | kObjectDecrypt | kObjectSign),
            kObjectRestricted | kObjectDecrypt);
  auto claims = public_area_claims(*key);
  EXPECT_EQ(claims["symmetric"], "TPM_ALG_AES");
  EXPECT_EQ(claims["symmetric_key_bits"], 128);
  EXPECT_EQ(claims["scheme"]["scheme"], "TPM_ALG_NULL");
  EXPECT_FALSE(claims["scheme"].contains("hash_alg"));
}

TEST(PublicAreaTest, ParsesTheTpm2bPublicTpm2CreateWrites) {
  auto sized_key = parse_public_area_sized(sized(bytes(test::kEccPublic)));
  ASSERT_TRUE(sized_key.has_value()) << sized_key.error().message();
  EXPECT_EQ(sized_key->spki, parse_public_area(bytes(test::kEccPublic))->spki);
}

TEST(PublicAreaTest, NamesAreTheOnesTpm2LoadWrote) {
  for (const auto& [tpmt_public, name] : {std::pair{test::kEccPublic, test::kEccName},
                                          std::pair{test::kRsaPublic, test::kRsaName},
                                          std::pair{test::kP384Public, test::kP384Name},
                                          std::pair{test::kSrkPublic, test::kSrkName}}) {
    auto computed = object_name(bytes(tpmt_public));
    ASSERT_TRUE(computed.has_value()) << computed.error().message();
    EXPECT_EQ(hex_encode(*computed), name);
  }
}

TEST(PublicAreaTest, NamesObjectsItDoesNotParse) {
  auto name = object_name(bytes(test::kSealedPublic));
  ASSERT_TRUE(name.has_value()) << name.error().message();
  EXPECT_EQ(name->size(), 34u);
  EXPECT_EQ(hex_encode(ByteView(*name).first(2)), "000b");
}

TEST(PublicAreaTest, ClaimsCarryTheAttributesAndTheKeyFingerprint) {
  auto key = parse_public_area(bytes(test::kEccPublic));
  ASSERT_TRUE(key.has_value()) << key.error().message();
  auto claims = public_area_claims(*key);
  EXPECT_EQ(claims["type"], "TPM_ALG_ECC");
  EXPECT_EQ(claims["name_alg"], "SHA256");
  EXPECT_EQ(claims["object_attributes"], "0x40072");
  EXPECT_EQ(
      claims["attributes"],
      nlohmann::json({"fixedTPM", "fixedParent", "sensitiveDataOrigin", "userWithAuth", "sign"}));
  EXPECT_EQ(claims["scheme"],
            nlohmann::json({{"scheme", "TPM_ALG_ECDSA"}, {"hash_alg", "SHA256"}}));
  EXPECT_EQ(claims["curve_id"], "0x3");
  EXPECT_EQ(claims["public_key_sha256"], crypto::key_fingerprint(key->spki));
}

TEST(ObjectAttributeNamesTest, SpellsEveryBitAsPart2Does) {
  EXPECT_TRUE(object_attribute_names(0).empty());
  EXPECT_TRUE(object_attribute_names(kObjectReserved).empty());
  EXPECT_EQ(object_attribute_names(~kObjectReserved),
            (std::vector<std::string>{"fixedTPM",
                                      "stClear",
                                      "fixedParent",
                                      "sensitiveDataOrigin",
                                      "userWithAuth",
                                      "adminWithPolicy",
                                      "noDA",
                                      "encryptedDuplication",
                                      "restricted",
                                      "decrypt",
                                      "sign",
                                      "x509sign"}));
}

TEST(PublicAreaTest, RefusesObjectsWithoutAPublicKey) {
  EXPECT_NE(error_of(parse_public_area(bytes(test::kSealedPublic)))
                .find("type (offset 0) TPM_ALG_KEYEDHASH is not TPM_ALG_RSA or TPM_ALG_ECC"),
            std::string::npos);
  Bytes symcipher = patched(bytes(test::kSealedPublic), 0, {0x00, 0x25});
  EXPECT_NE(error_of(parse_public_area(symcipher)).find("TPM_ALG_SYMCIPHER is not TPM_ALG_RSA"),
            std::string::npos);
}

TEST(PublicAreaTest, RefusesEveryTruncation) {
  for (auto vector : {test::kEccPublic, test::kRsaPublic, test::kP384Public, test::kSrkPublic}) {
    Bytes whole = bytes(vector);
    for (std::size_t size = 0; size < whole.size(); ++size) {
      EXPECT_NE(error_of(parse_public_area(truncated(whole, size))).find("input ends inside"),
                std::string::npos)
          << size;
    }
  }
}

TEST(PublicAreaTest, RefusesTrailingBytes) {
  EXPECT_NE(error_of(parse_public_area(appended(bytes(test::kEccPublic), Bytes{0})))
                .find("TPMT_PUBLIC: 1 trailing bytes after unique.y"),
            std::string::npos);
  EXPECT_NE(error_of(parse_public_area(appended(bytes(test::kRsaPublic), Bytes{0, 0})))
                .find("TPMT_PUBLIC: 2 trailing bytes after unique.rsa"),
            std::string::npos);
}

TEST(PublicAreaTest, RefusesInputLargerThanAnyPublicArea) {
  Bytes oversized = appended(bytes(test::kRsaPublic), Bytes(kMaxPublicAreaSize, 0));
  EXPECT_NE(error_of(parse_public_area(oversized)).find("exceed the largest public area, 604"),
            std::string::npos);
  auto name = object_name(oversized);
  ASSERT_FALSE(name.has_value());
  EXPECT_NE(name.error().message().find("exceed the largest public area"), std::string::npos);
}

// FieldCase is one field of a swtpm public area overwritten, and the error that must name it.
struct FieldCase {
  std::string_view vector;
  std::size_t offset;
  Bytes replacement;
  std::string expected;
};

void PrintTo(const FieldCase& field, std::ostream* out) {
  *out << field.expected;
}

class PublicAreaFieldTest : public ::testing::TestWithParam<FieldCase> {};

TEST_P(PublicAreaFieldTest, RefusesTheField) {
  const FieldCase& field = GetParam();
  std::string error =
      error_of(parse_public_area(patched(bytes(field.vector), field.offset, field.replacement)));
  EXPECT_NE(error.find(field.expected), std::string::npos) << error;
}

// Offsets in kEccPublic: type 0, nameAlg 2, objectAttributes 4, authPolicy 8, symmetric 10,
// scheme 12 and its hash 14, curveID 16, kdf 18, unique.x 20, unique.y 54. In kRsaPublic: the
// same to scheme, keyBits 16, exponent 18, unique.rsa 22.
INSTANTIATE_TEST_SUITE_P(
    SwtpmKeys,
    PublicAreaFieldTest,
    ::testing::Values(
        FieldCase{test::kEccPublic,
                  7,
                  {0x73},
                  "objectAttributes (offset 4) 0x40073 sets reserved bits 0x1"},
        FieldCase{test::kEccPublic, 4, {0x80}, "sets reserved bits 0x80000000"},
        FieldCase{
            test::kEccPublic, 8, {0x00, 0x41}, "authPolicy (offset 8) size 65 is outside 0..64"},
        FieldCase{test::kEccPublic,
                  10,
                  {0x00, 0x0a},
                  "parameters.symmetric.algorithm (offset 10) 0xa is not one of TPM_ALG_NULL, "
                  "TPM_ALG_TDES, TPM_ALG_AES"},
        FieldCase{test::kEccPublic,
                  12,
                  {0x00, 0x14},
                  "parameters.scheme.scheme (offset 12) 0x14 is not one of TPM_ALG_NULL, "
                  "TPM_ALG_ECDSA"},
        FieldCase{test::kEccPublic,
                  16,
                  {0x00, 0x05},
                  "parameters.curveID (offset 16) 0x5 is not TPM_ECC_NIST_P256 or "
                  "TPM_ECC_NIST_P384"},
        FieldCase{test::kEccPublic,
                  18,
                  {0x00, 0x18},
                  "parameters.kdf.scheme (offset 18) 0x18 is not one of TPM_ALG_NULL, "
                  "TPM_ALG_MGF1"},
        FieldCase{test::kEccPublic,
                  20,
                  {0x00, 0x1f},
                  "unique.x (offset 20) is 31 bytes, a TPM_ECC_NIST_P256 coordinate is 32"},
        FieldCase{
            test::kEccPublic, 20, {0x00, 0x81}, "unique.x (offset 20) size 129 is outside 0..128"},
        FieldCase{test::kEccPublic, 87, {0x36}, "TPMT_PUBLIC: unique: the P-256 point is invalid"},
        FieldCase{test::kRsaPublic,
                  12,
                  {0x00, 0x18},
                  "parameters.scheme.scheme (offset 12) 0x18 is not one of TPM_ALG_NULL, "
                  "TPM_ALG_RSASSA"},
        FieldCase{test::kRsaPublic,
                  16,
                  {0x08, 0x01},
                  "parameters.keyBits (offset 16) 2049 is not a whole number of bytes from 1024 "
                  "to 4096"},
        FieldCase{test::kRsaPublic,
                  16,
                  {0x04, 0x00},
                  "unique.rsa (offset 22) is 256 bytes, a modulus of keyBits is 128"},
        FieldCase{test::kRsaPublic,
                  18,
                  {0x00, 0x01, 0x00, 0x00},
                  "parameters.exponent (offset 18) 65536 is not an odd number above 2"},
        FieldCase{test::kRsaPublic,
                  22,
                  {0x02, 0x01},
                  "unique.rsa (offset 22) size 513 is outside 0..512"}));

TEST(PublicAreaSizedTest, RefusesASizeThatIsNotTheInputs) {
  Bytes whole = sized(bytes(test::kEccPublic));
  EXPECT_NE(error_of(parse_public_area_sized(patched(whole, 0, {0x00, 0x59})))
                .find("TPM2B_PUBLIC: input ends inside publicArea"),
            std::string::npos);
  EXPECT_NE(error_of(parse_public_area_sized(patched(whole, 0, {0x00, 0x57})))
                .find("TPM2B_PUBLIC: 1 trailing bytes after publicArea"),
            std::string::npos);
  EXPECT_NE(error_of(parse_public_area_sized(patched(whole, 0, {0x00, 0x00})))
                .find("publicArea (offset 0) size 0 is outside 1..604"),
            std::string::npos);
  EXPECT_NE(error_of(parse_public_area_sized(Bytes{0x00})).find("input ends inside publicArea"),
            std::string::npos);
  // A TPMT_PUBLIC given where a TPM2B_PUBLIC belongs reads its type as the size.
  EXPECT_FALSE(parse_public_area_sized(bytes(test::kEccPublic)).has_value());
}

TEST(PublicAreaSizedTest, RefusesWhatTheTpmtPublicParserRefuses) {
  EXPECT_NE(error_of(parse_public_area_sized(sized(bytes(test::kSealedPublic))))
                .find("TPM_ALG_KEYEDHASH is not TPM_ALG_RSA or TPM_ALG_ECC"),
            std::string::npos);
}

TEST(ObjectNameTest, RefusesNameAlgorithmsItDoesNotCompute) {
  for (auto [name_alg, shown] : {std::pair{Bytes{0x00, 0x04}, std::string("SHA1")},
                                 std::pair{Bytes{0x00, 0x10}, std::string("0x10")},
                                 std::pair{Bytes{0x00, 0x12}, std::string("0x12")}}) {
    auto name = object_name(patched(bytes(test::kEccPublic), 2, name_alg));
    ASSERT_FALSE(name.has_value()) << shown;
    EXPECT_NE(name.error().message().find("nameAlg (offset 2) " + shown +
                                          " of a TPM_ALG_ECC object: only SHA256, SHA384 and "
                                          "SHA512 Names are computed"),
              std::string::npos)
        << name.error().message();
  }
  EXPECT_NE(object_name(truncated(bytes(test::kEccPublic), 3))
                .error()
                .message()
                .find("input ends inside nameAlg"),
            std::string::npos);
}

TEST(ObjectNameTest, ChangesWithEveryByteOfThePublicArea) {
  Bytes whole = bytes(test::kEccPublic);
  Bytes name = object_name(whole).value();
  for (std::size_t index = 4; index < whole.size(); ++index) {
    EXPECT_NE(object_name(ensign::test::flipped(whole, index)).value(), name) << index;
  }
}

}  // namespace
}  // namespace ensign::attest::tpm
