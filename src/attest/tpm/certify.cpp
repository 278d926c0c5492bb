#include "attest/tpm/certify.h"

#include <openssl/evp.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "attest/tpm/algorithms.h"
#include "attest/tpm/internal/attest_header.h"
#include "attest/tpm/internal/reader.h"
#include "attest/tpm/signature.h"
#include "crypto/keys.h"

namespace ensign::attest::tpm {
namespace {

// check_signature adds the AK's claims, or the error saying why the AK's signature over
// `certify_attest` does not verify.
void check_signature(ByteView certify_attest,
                     ByteView signature_bytes,
                     ByteView ak_spki,
                     Certification& certification) {
  auto&& errors = certification.errors;
  std::string ak_sha256 = crypto::key_fingerprint(ak_spki);
  std::string ak_name = "the AK (sha256 " + ak_sha256 + ")";
  certification.claims["ak_public_sha256"] = ak_sha256;
  auto ak = crypto::public_key_from_der(ak_spki);
  if (!ak) {
    errors.push_back("AK: " + ak.error().message());
    return;
  }
  auto signature = parse_tpm_signature(signature_bytes);
  if (!signature) {
    errors.push_back("certify signature: " + signature.error().message());
    return;
  }
  certification.claims["sig_alg"] = signature_algorithm_name(signature->sig_alg);
  certification.claims["hash_alg"] = hash_algorithm_name(signature->hash_alg);
  auto verified = verify_tpm_signature(*signature, ak->get(), certify_attest);
  if (!verified) {
    errors.push_back("certify signature: " + verified.error().message() + " with " + ak_name);
  }
}

// check_key adds the certified key's public area, Name and claims, or the errors saying why it is
// not the certified one or not the expected one.
void check_key(ByteView key_public,
               const Result<CertifyAttest>& attest,
               std::optional<ByteView> expected_spki,
               Certification& certification) {
  auto&& errors = certification.errors;
  auto key = parse_public_area(key_public);
  if (!key) {
    errors.push_back("certified key: " + key.error().message());
    return;
  }
  certification.key = *key;
  certification.attributes = object_attribute_names(key->object_attributes);
  certification.claims["key"] = public_area_claims(*key);
  auto name = object_name(key_public);
  if (!name) {
    errors.push_back("certified key: " + name.error().message());
  } else {
    certification.key_name = *name;
    certification.claims["key_name"] = hex_encode(*name);
    if (attest && attest->name != *name) {
      errors.push_back("certified Name " + hex_encode(attest->name) + " is not the Name " +
                       hex_encode(*name) + " of the key's public area");
    }
  }
  if (!expected_spki) {
    return;
  }
  auto expected = crypto::public_key_from_der(*expected_spki);
  auto certified = crypto::public_key_from_der(key->spki);
  if (!expected) {
    errors.push_back("expected key: " + expected.error().message());
  } else if (!certified || EVP_PKEY_eq(certified->get(), expected->get()) != 1) {
    errors.push_back("certified key: its public key (sha256 " + crypto::key_fingerprint(key->spki) +
                     ") is not the expected one (sha256 " +
                     crypto::key_fingerprint(*expected_spki) + ")");
  }
}

void verify_into(ByteView certify_attest,
                 ByteView signature,
                 ByteView ak_spki,
                 ByteView key_public,
                 std::optional<ByteView> expected_spki,
                 std::optional<ByteView> expected_extra_data,
                 Certification& certification) {
  auto attest = parse_certify_attest(certify_attest);
  if (!attest) {
    certification.errors.push_back(attest.error().message());
  } else {
    certification.attest = *attest;
    certification.claims["attest"] = certify_claims(*attest);
  }
  check_signature(certify_attest, signature, ak_spki, certification);
  check_key(key_public, attest, expected_spki, certification);
  if (attest && expected_extra_data &&
      !std::equal(attest->extra_data.begin(),
                  attest->extra_data.end(),
                  expected_extra_data->begin(),
                  expected_extra_data->end())) {
    certification.errors.push_back("TPMS_ATTEST: extraData " + hex_encode(attest->extra_data) +
                                   " is not the expected " + hex_encode(*expected_extra_data));
  }
}

}  // namespace

Result<CertifyAttest> parse_certify_attest(ByteView bytes) {
  internal::Reader reader(bytes, "TPMS_ATTEST");
  CertifyAttest attest;
  ENSIGN_CHECK(internal::read_attest_header(reader, kStAttestCertify, attest));
  ENSIGN_TRY(name, reader.sized("attested.certify.name", kMaxNameSize));
  attest.name = std::move(name);
  ENSIGN_TRY(qualified_name, reader.sized("attested.certify.qualifiedName", kMaxNameSize));
  attest.qualified_name = std::move(qualified_name);
  ENSIGN_CHECK(reader.finish("attested.certify.qualifiedName"));
  return attest;
}

nlohmann::json certify_claims(const CertifyAttest& attest) {
  nlohmann::json claims = internal::attest_header_claims(attest);
  claims["name"] = hex_encode(attest.name);
  claims["qualified_name"] = hex_encode(attest.qualified_name);
  return claims;
}

Certification verify_certification(ByteView certify_attest,
                                   ByteView signature,
                                   ByteView ak_spki,
                                   ByteView key_public,
                                   std::optional<ByteView> expected_spki,
                                   std::optional<ByteView> expected_extra_data) {
  Certification certification;
  try {
    verify_into(certify_attest,
                signature,
                ak_spki,
                key_public,
                expected_spki,
                expected_extra_data,
                certification);
  } catch (const std::exception& error) {
    certification.errors.push_back(std::string("TPM2_Certify: verification stopped: ") +
                                   error.what());
  }
  return certification;
}

}  // namespace ensign::attest::tpm
