// Tests of attest/tpm/certify.h. The TPM2_Certify of swtpm_vectors.h parses and verifies without a
// TPM, and each field pushed past its bound is refused; then certifications made for each test by
// swtpm on a Unix socket in a scratch directory, driven by tpm2-tools 5.4 (tpm2_certify, and
// tpm2_send for a TPM2_Certify with the caller's nonce, which tpm2_certify 5.4 cannot pass),
// verify, and a wrong nonce, byte, key or AK is refused with an error naming it. Those are
// skipped when swtpm or tpm2-tools is not installed.
#include "attest/tpm/certify.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "attest/tpm/azure_hcl.h"
#include "core/file.h"
#include "core/wire.h"
#include "crypto/keys.h"
#include "support/corrupt.h"
#include "support/scratch_directory.h"
#include "support/software_tpm.h"
#include "swtpm_vectors.h"

namespace ensign::attest::tpm {
namespace {

using ensign::test::appended;
using ensign::test::flipped;
using ensign::test::truncated;
using test::bytes;

constexpr std::size_t kMaxFileSize = 1024 * 1024;
constexpr std::string_view kNonce = "0a1b2c3d4e5f60718293";

// errors_of prints a certification's errors for a failed expectation.
std::string errors_of(const Certification& certification) {
  return ::testing::PrintToString(certification.errors);
}

bool mentions(const Certification& certification, const std::string& part) {
  return std::any_of(
      certification.errors.begin(), certification.errors.end(), [&part](const std::string& error) {
        return error.find(part) != std::string::npos;
      });
}

std::string error_of(const Result<CertifyAttest>& parsed) {
  return parsed ? std::string("(parsed)") : parsed.error().message();
}

Bytes with_u16_at(ByteView original, std::size_t offset, std::uint16_t value) {
  Bytes replacement;
  wire::append_u16(replacement, value);
  Bytes copy(original.begin(), original.end());
  copy.at(offset) = replacement[0];
  copy.at(offset + 1) = replacement[1];
  return copy;
}

// ---- The stored certification (swtpm_vectors.h) ----

// Offsets in kCertifyAttest: type 4, qualifiedSigner 6 (34 bytes), extraData 42 (4 bytes),
// clockInfo.safe 64, name 73 (34 bytes), qualifiedName 109 (34 bytes), 145 bytes in all.
constexpr std::size_t kSafeOffset = 64;
constexpr std::size_t kNameOffset = 73;
constexpr std::size_t kQualifiedNameOffset = 109;

Certification verify_stored(std::optional<ByteView> expected_spki,
                            std::optional<ByteView> expected_extra_data) {
  return verify_certification(bytes(test::kCertifyAttest),
                              bytes(test::kCertifySignature),
                              bytes(test::kAkSpki),
                              bytes(test::kEccPublic),
                              expected_spki,
                              expected_extra_data);
}

TEST(CertifyAttestTest, ParsesWhatTpm2CertifyWrote) {
  auto attest = parse_certify_attest(bytes(test::kCertifyAttest));
  ASSERT_TRUE(attest.has_value()) << attest.error().message();
  EXPECT_EQ(attest->magic, kTpmGeneratedValue);
  EXPECT_EQ(attest->type, kStAttestCertify);
  EXPECT_EQ(attest->qualified_signer.size(), 34u);
  EXPECT_EQ(hex_encode(attest->extra_data), test::kTpm2ToolsQualifyingData);
  EXPECT_EQ(attest->safe, 1);
  EXPECT_EQ(hex_encode(attest->name), test::kEccName);
  EXPECT_EQ(attest->qualified_name.size(), 34u);
  auto claims = certify_claims(*attest);
  EXPECT_EQ(claims["type"], "0x8017");
  EXPECT_EQ(claims["extra_data"], test::kTpm2ToolsQualifyingData);
  EXPECT_EQ(claims["name"], test::kEccName);
  EXPECT_EQ(claims["qualified_name"], hex_encode(attest->qualified_name));
  EXPECT_EQ(claims.size(), 11u);
}

TEST(CertifyAttestTest, RefusesEveryTruncation) {
  Bytes whole = bytes(test::kCertifyAttest);
  for (std::size_t size = 0; size < whole.size(); ++size) {
    EXPECT_NE(error_of(parse_certify_attest(truncated(whole, size))).find("input ends inside"),
              std::string::npos)
        << size;
  }
}

TEST(CertifyAttestTest, RefusesTrailingBytes) {
  EXPECT_NE(error_of(parse_certify_attest(appended(bytes(test::kCertifyAttest), Bytes{0})))
                .find("TPMS_ATTEST: 1 trailing bytes after attested.certify.qualifiedName"),
            std::string::npos);
}

TEST(CertifyAttestTest, RefusesOversizedFieldsAndOtherTypes) {
  Bytes whole = bytes(test::kCertifyAttest);
  const std::vector<std::pair<Bytes, std::string>> cases = {
      {flipped(whole, 0), "magic (offset 0) 0xfe544347 is not TPM_GENERATED_VALUE"},
      {with_u16_at(whole, 4, kStAttestQuote),
       "type (offset 4) 0x8018 (TPM_ST_ATTEST_QUOTE) is not TPM_ST_ATTEST_CERTIFY 0x8017"},
      {with_u16_at(whole, 6, 67), "qualifiedSigner (offset 6) size 67 is outside 0..66"},
      {flipped(whole, kSafeOffset, 0x03), "clockInfo.safe (offset 64) 2 is not a TPMI_YES_NO"},
      {with_u16_at(whole, kNameOffset, 67),
       "attested.certify.name (offset 73) size 67 is outside 0..66"},
      {with_u16_at(whole, kQualifiedNameOffset, 0xffff),
       "attested.certify.qualifiedName (offset 109) size 65535 is outside 0..66"},
      {with_u16_at(whole, kQualifiedNameOffset, 35),
       "input ends inside attested.certify.qualifiedName"},
  };
  for (const auto& [input, expected] : cases) {
    std::string error = error_of(parse_certify_attest(input));
    EXPECT_NE(error.find(expected), std::string::npos) << error;
  }
}

TEST(CertifyAttestTest, IsNotAQuote) {
  auto quote = parse_quote_attest(bytes(test::kCertifyAttest));
  ASSERT_FALSE(quote.has_value());
  EXPECT_NE(quote.error().message().find(
                "0x8017 (TPM_ST_ATTEST_CERTIFY) is not TPM_ST_ATTEST_QUOTE 0x8018"),
            std::string::npos);
}

TEST(StoredCertificationTest, Verifies) {
  Bytes spki = bytes(test::kEccSpki);
  Bytes qualifying_data = bytes(test::kTpm2ToolsQualifyingData);
  Certification certification = verify_stored(spki, qualifying_data);
  ASSERT_TRUE(certification.verified()) << errors_of(certification);
  EXPECT_EQ(hex_encode(certification.key_name), test::kEccName);
  EXPECT_EQ(certification.key.spki, spki);
  EXPECT_EQ(certification.attributes,
            (std::vector<std::string>{
                "fixedTPM", "fixedParent", "sensitiveDataOrigin", "userWithAuth", "sign"}));
  EXPECT_EQ(certification.claims["sig_alg"], "TPM_ALG_ECDSA");
  EXPECT_EQ(certification.claims["hash_alg"], "SHA256");
  EXPECT_EQ(certification.claims["ak_public_sha256"],
            crypto::key_fingerprint(bytes(test::kAkSpki)));
  EXPECT_EQ(certification.claims["key_name"], test::kEccName);
  EXPECT_EQ(certification.claims["key"]["type"], "TPM_ALG_ECC");
  EXPECT_EQ(certification.claims["attest"]["name"], test::kEccName);
}

TEST(StoredCertificationTest, VerifiesWithoutTheOptionalChecks) {
  EXPECT_TRUE(verify_stored(std::nullopt, std::nullopt).verified());
}

TEST(StoredCertificationTest, RefusesEveryFlippedByteOfTheAttest) {
  Bytes whole = bytes(test::kCertifyAttest);
  for (std::size_t index = 0; index < whole.size(); ++index) {
    Certification certification = verify_certification(flipped(whole, index),
                                                       bytes(test::kCertifySignature),
                                                       bytes(test::kAkSpki),
                                                       bytes(test::kEccPublic),
                                                       std::nullopt,
                                                       std::nullopt);
    EXPECT_TRUE(mentions(certification, "TPMS_ATTEST") ||
                mentions(certification, "signature does not verify"))
        << index << ": " << errors_of(certification);
  }
}

TEST(StoredCertificationTest, ReportsEveryFailureAtOnce) {
  Certification certification = verify_certification(bytes(test::kCertifyAttest),
                                                     bytes(test::kCertifySignature),
                                                     bytes(test::kEccSpki),
                                                     bytes(test::kAkPublic),
                                                     bytes(test::kRsaSpki),
                                                     as_bytes("another nonce"));
  EXPECT_EQ(certification.errors.size(), 4u) << errors_of(certification);
  EXPECT_TRUE(mentions(certification,
                       "certify signature: TPM_ALG_ECDSA/SHA256 signature does not verify with "
                       "the AK (sha256 " +
                           crypto::key_fingerprint(bytes(test::kEccSpki)) + ")"));
  EXPECT_TRUE(mentions(certification,
                       "certified Name " + std::string(test::kEccName) + " is not the Name"));
  EXPECT_TRUE(mentions(certification, "certified key: its public key (sha256 "));
  EXPECT_TRUE(mentions(certification,
                       "TPMS_ATTEST: extraData 00ff55aa is not the expected " +
                           hex_encode(as_bytes("another nonce"))));
}

TEST(StoredCertificationTest, RefusesMalformedInputsByName) {
  Bytes attest = bytes(test::kCertifyAttest);
  Bytes signature = bytes(test::kCertifySignature);
  Bytes ak = bytes(test::kAkSpki);
  Bytes key = bytes(test::kEccPublic);
  EXPECT_TRUE(mentions(verify_certification(attest, signature, Bytes{0x30}, key, {}, {}), "AK: "));
  EXPECT_TRUE(mentions(verify_certification(attest, truncated(signature, 10), ak, key, {}, {}),
                       "certify signature: TPMT_SIGNATURE: input ends inside signatureR"));
  EXPECT_TRUE(
      mentions(verify_certification(attest, signature, ak, bytes(test::kSealedPublic), {}, {}),
               "certified key: TPMT_PUBLIC: type (offset 0) TPM_ALG_KEYEDHASH"));
  EXPECT_TRUE(mentions(verify_certification(truncated(attest, 100), signature, ak, key, {}, {}),
                       "TPMS_ATTEST: input ends inside attested.certify.name"));
  Bytes not_a_key = {0x30, 0x00};
  EXPECT_TRUE(mentions(verify_certification(attest, signature, ak, key, not_a_key, {}),
                       "expected key: malformed public key"));
}

// ---- Certifications swtpm makes ----

constexpr const char* kSigningAttributes =
    "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign";
constexpr const char* kAkAttributes =
    "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign";
constexpr std::uint32_t kPersistentKey = 0x81000010;
constexpr std::uint32_t kPersistentAk = 0x81000011;

// certify_command returns a TPM2_Certify command (TPM 2.0 Part 3, 18.2) of the persistent object
// `object` by the persistent AK `signer` over `qualifying_data`, both authorized with empty
// passwords, signed with the AK's own scheme (inScheme TPM_ALG_NULL).
Bytes certify_command(std::uint32_t object, std::uint32_t signer, ByteView qualifying_data) {
  constexpr std::uint16_t kStSessions = 0x8002;      // TPM_ST_SESSIONS
  constexpr std::uint32_t kCcCertify = 0x0148;       // TPM_CC_Certify
  constexpr std::uint32_t kRsPassword = 0x40000009;  // TPM_RS_PW
  Bytes password;  // TPMS_AUTH_COMMAND: handle, empty nonce, no attributes, empty password
  wire::append_u32(password, kRsPassword);
  wire::append_u16(password, 0);
  password.push_back(0);
  wire::append_u16(password, 0);
  Bytes body;
  wire::append_u32(body, object);
  wire::append_u32(body, signer);
  wire::append_u32(body, static_cast<std::uint32_t>(2 * password.size()));
  wire::append(body, password);
  wire::append(body, password);
  wire::append_u16(body, static_cast<std::uint16_t>(qualifying_data.size()));
  wire::append(body, qualifying_data);
  wire::append_u16(body, kAlgNull);
  Bytes command;
  wire::append_u16(command, kStSessions);
  wire::append_u32(command, static_cast<std::uint32_t>(10 + body.size()));
  wire::append_u32(command, kCcCertify);
  wire::append(command, body);
  return command;
}

// CertifyResponse is what a TPM2_Certify response carries: certifyInfo's TPMS_ATTEST and the
// TPMT_SIGNATURE.
struct CertifyResponse {
  Bytes attest;
  Bytes signature;
};

// parse_certify_response reads a TPM2_Certify response: header (tag, size, responseCode),
// parameterSize, certifyInfo (TPM2B_ATTEST), signature, then the sessions, which are not read.
CertifyResponse parse_certify_response(ByteView response) {
  wire::Cursor cursor(response);
  CertifyResponse parsed;
  auto tag = cursor.u16();
  auto size = cursor.u32();
  auto code = cursor.u32();
  auto parameters = cursor.u32();
  auto attest_size = cursor.u16();
  EXPECT_TRUE(tag && size && parameters && attest_size && *size == response.size());
  EXPECT_EQ(code.value_or(1), 0u) << "TPM2_Certify failed";
  if (!attest_size || !parameters || *parameters < 2U + *attest_size) {
    return parsed;
  }
  auto attest = cursor.take(*attest_size);
  auto signature = cursor.take(*parameters - 2U - *attest_size);
  EXPECT_TRUE(attest && signature);
  if (attest && signature) {
    parsed.attest = to_bytes(*attest);
    parsed.signature = to_bytes(*signature);
  }
  return parsed;
}

class SwtpmCertifyTest : public ensign::test::SoftwareTpmTest {
 protected:
  void SetUp() override {
    SoftwareTpmTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    ASSERT_EQ(tpm_->tool("tpm2_createprimary -C o -g sha256 -G ecc256:aes128cfb -c srk.ctx"), 0)
        << tpm_->log();
    make_key("key", "ecc256:ecdsa-sha256", kSigningAttributes);
    make_key("ak", "ecc256:ecdsa-sha256:null", kAkAttributes);
    certify("key", "ak", "certify");
  }

  // make_key creates and loads a key of `algorithm` with `attributes` under the SRK into
  // NAME.ctx, and writes its TPM2B_PUBLIC (NAME.pub), Name (NAME.name) and PEM (NAME.pem).
  void make_key(const std::string& name,
                const std::string& algorithm,
                const std::string& attributes) {
    ASSERT_EQ(tpm_->tool("tpm2_create -C srk.ctx -G " + algorithm + " -a '" + attributes + "' -u " +
                         name + ".pub -r " + name + ".priv"),
              0)
        << tpm_->log();
    ASSERT_EQ(tpm_->tool("tpm2_load -C srk.ctx -u " + name + ".pub -r " + name + ".priv -c " +
                         name + ".ctx"),
              0)
        << tpm_->log();
    ASSERT_EQ(
        tpm_->tool("tpm2_readpublic -c " + name + ".ctx -o " + name + ".readpublic -n " + name +
                   ".name && tpm2_readpublic -c " + name + ".ctx -f pem -o " + name + ".pem"),
        0)
        << tpm_->log();
  }

  // certify has `ak` certify `key` with tpm2_certify into PREFIX.attest and PREFIX.sig.
  void certify(const std::string& key, const std::string& ak, const std::string& prefix) {
    ASSERT_EQ(tpm_->tool("tpm2_certify -c " + key + ".ctx -C " + ak + ".ctx -g sha256 -o " +
                         prefix + ".attest -s " + prefix + ".sig"),
              0)
        << tpm_->log();
  }

  Bytes file(const std::string& name) const {
    auto contents = read_file(scratch_.path(name), kMaxFileSize);
    EXPECT_TRUE(contents.has_value()) << name;
    return contents ? *contents : Bytes{};
  }

  // tpmt_public returns the TPMT_PUBLIC of NAME.readpublic, the TPM2B_PUBLIC tpm2_readpublic -o
  // wrote, after checking that it parses as one.
  Bytes tpmt_public(const std::string& name) const {
    Bytes sized = file(name + ".readpublic");
    auto parsed = parse_public_area_sized(sized);
    EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message());
    EXPECT_EQ(sized, file(name + ".pub"));  // tpm2_create -u wrote the same TPM2B_PUBLIC
    return sized.size() < 2 ? Bytes{} : Bytes(sized.begin() + 2, sized.end());
  }

  Bytes spki(const std::string& name) const {
    auto der = ak_public_from_file_contents(file(name + ".pem"));
    EXPECT_TRUE(der.has_value()) << (der ? "" : der.error().message());
    return der ? *der : Bytes{};
  }

  Certification verify(const std::string& prefix,
                       const std::string& ak,
                       const std::string& key,
                       std::optional<ByteView> expected_spki,
                       std::optional<ByteView> expected_extra_data) const {
    return verify_certification(file(prefix + ".attest"),
                                file(prefix + ".sig"),
                                spki(ak),
                                tpmt_public(key),
                                expected_spki,
                                expected_extra_data);
  }

};

TEST_F(SwtpmCertifyTest, VerifiesWhatTpm2CertifyWrites) {
  Bytes key_spki = spki("key");
  Bytes qualifying_data = bytes(test::kTpm2ToolsQualifyingData);
  Certification certification = verify("certify", "ak", "key", key_spki, qualifying_data);
  ASSERT_TRUE(certification.verified()) << errors_of(certification);
  EXPECT_EQ(certification.key.spki, key_spki);
  EXPECT_EQ(certification.key_name, file("key.name"));
  EXPECT_EQ(certification.attest.name, file("key.name"));
  for (const char* attribute : {"fixedTPM", "fixedParent", "sensitiveDataOrigin", "sign"}) {
    EXPECT_NE(
        std::find(certification.attributes.begin(), certification.attributes.end(), attribute),
        certification.attributes.end())
        << attribute;
  }
  EXPECT_EQ(std::find(certification.attributes.begin(),
                      certification.attributes.end(),
                      std::string("restricted")),
            certification.attributes.end());
  EXPECT_EQ(certification.claims["key"]["public_key_sha256"], crypto::key_fingerprint(key_spki));
}

TEST_F(SwtpmCertifyTest, VerifiesACertificationOfTheCallersNonce) {
  ASSERT_EQ(tpm_->tool("tpm2_evictcontrol -C o -c key.ctx 0x81000010 && "
                       "tpm2_evictcontrol -C o -c ak.ctx 0x81000011"),
            0)
      << tpm_->log();
  Bytes nonce = hex_decode(kNonce).value();
  scratch_.write("certify.cmd", certify_command(kPersistentKey, kPersistentAk, nonce));
  ASSERT_EQ(tpm_->tool("tpm2_send -o certify.rsp < certify.cmd"), 0) << tpm_->log();
  CertifyResponse response = parse_certify_response(file("certify.rsp"));
  Certification certification = verify_certification(
      response.attest, response.signature, spki("ak"), tpmt_public("key"), spki("key"), nonce);
  ASSERT_TRUE(certification.verified()) << errors_of(certification);
  EXPECT_EQ(hex_encode(certification.attest.extra_data), kNonce);
  EXPECT_EQ(certification.claims["attest"]["extra_data"], kNonce);

  Bytes other_nonce = flipped(nonce, nonce.size() - 1);
  Certification refused = verify_certification(response.attest,
                                               response.signature,
                                               spki("ak"),
                                               tpmt_public("key"),
                                               std::nullopt,
                                               other_nonce);
  ASSERT_EQ(refused.errors.size(), 1u) << errors_of(refused);
  EXPECT_EQ(refused.errors[0],
            "TPMS_ATTEST: extraData " + std::string(kNonce) + " is not the expected " +
                hex_encode(other_nonce));
}

TEST_F(SwtpmCertifyTest, RefusesAnotherNonce) {
  Bytes nonce = hex_decode(kNonce).value();
  Certification certification = verify("certify", "ak", "key", std::nullopt, nonce);
  ASSERT_EQ(certification.errors.size(), 1u) << errors_of(certification);
  EXPECT_TRUE(mentions(
      certification, "TPMS_ATTEST: extraData 00ff55aa is not the expected " + std::string(kNonce)));
}

TEST_F(SwtpmCertifyTest, RefusesAFlippedByteInTheName) {
  Bytes attest = flipped(file("certify.attest"), file("certify.attest").size() - 40);
  Certification certification = verify_certification(
      attest, file("certify.sig"), spki("ak"), tpmt_public("key"), std::nullopt, std::nullopt);
  EXPECT_TRUE(mentions(certification,
                       "certify signature: TPM_ALG_ECDSA/SHA256 signature does not verify with "
                       "the AK"));
  EXPECT_TRUE(mentions(certification, "is not the Name " + hex_encode(file("key.name"))));
}

TEST_F(SwtpmCertifyTest, RefusesTheNameOfAnotherKey) {
  make_key("other", "ecc256:ecdsa-sha256", kSigningAttributes);
  Certification certification = verify("certify", "ak", "other", std::nullopt, std::nullopt);
  ASSERT_EQ(certification.errors.size(), 1u) << errors_of(certification);
  EXPECT_EQ(certification.errors[0],
            "certified Name " + hex_encode(file("key.name")) + " is not the Name " +
                hex_encode(file("other.name")) + " of the key's public area");
}

TEST_F(SwtpmCertifyTest, RefusesAnotherExpectedKey) {
  make_key("other", "ecc256:ecdsa-sha256", kSigningAttributes);
  Bytes other = spki("other");
  Certification certification = verify("certify", "ak", "key", other, std::nullopt);
  ASSERT_EQ(certification.errors.size(), 1u) << errors_of(certification);
  EXPECT_TRUE(mentions(certification,
                       "is not the expected one (sha256 " + crypto::key_fingerprint(other) + ")"));
}

TEST_F(SwtpmCertifyTest, RefusesAnotherAk) {
  make_key("other_ak", "ecc256:ecdsa-sha256:null", kAkAttributes);
  Certification certification = verify("certify", "other_ak", "key", std::nullopt, std::nullopt);
  ASSERT_EQ(certification.errors.size(), 1u) << errors_of(certification);
  EXPECT_TRUE(mentions(certification,
                       "certify signature: TPM_ALG_ECDSA/SHA256 signature does not verify with "
                       "the AK (sha256 " +
                           crypto::key_fingerprint(spki("other_ak")) + ")"));
}

TEST_F(SwtpmCertifyTest, RefusesTheSignatureInPlainForm) {
  ASSERT_EQ(tpm_->tool("tpm2_certify -c key.ctx -C ak.ctx -g sha256 -o plain.attest -s plain.sig "
                       "-f plain"),
            0)
      << tpm_->log();
  Certification certification = verify("plain", "ak", "key", std::nullopt, std::nullopt);
  ASSERT_EQ(certification.errors.size(), 1u) << errors_of(certification);
  EXPECT_TRUE(mentions(certification, "certify signature: TPMT_SIGNATURE: sigAlg (offset 0)"));
}

TEST_F(SwtpmCertifyTest, VerifiesAnRsaKeyCertifiedByAnRsaAk) {
  make_key("rsa", "rsa2048:rsassa-sha256", kSigningAttributes);
  make_key("rsa_ak", "rsa2048:rsassa-sha256:null", kAkAttributes);
  certify("rsa", "rsa_ak", "rsa_certify");
  Bytes rsa_spki = spki("rsa");
  Certification certification =
      verify("rsa_certify", "rsa_ak", "rsa", rsa_spki, bytes(test::kTpm2ToolsQualifyingData));
  ASSERT_TRUE(certification.verified()) << errors_of(certification);
  EXPECT_EQ(certification.claims["sig_alg"], "TPM_ALG_RSASSA");
  EXPECT_EQ(certification.key.key_bits, 2048u);
  EXPECT_EQ(certification.key.spki, rsa_spki);
  EXPECT_EQ(certification.key_name, file("rsa.name"));
}

}  // namespace
}  // namespace ensign::attest::tpm
