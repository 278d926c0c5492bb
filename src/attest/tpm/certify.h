// certify.h: TPM2_Certify (TCG TPM 2.0 Library Part 3, 18.2): the TPMS_ATTEST of type
// TPM_ST_ATTEST_CERTIFY in which a TPM's attestation key (AK) states that an object of a given
// Name is loaded in it, and its verification against the object's public area. As with quotes,
// the AK itself is trusted as given; it must be a restricted signing key, or anyone holding it
// could sign a TPMS_ATTEST of their own.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "attest/tpm/attest.h"
#include "attest/tpm/public_area.h"
#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::tpm {

inline constexpr std::uint16_t kStAttestCertify = 0x8017;  // TPM_ST_ATTEST_CERTIFY

// CertifyAttest is a parsed TPMS_ATTEST whose attested member is a TPMS_CERTIFY_INFO: the
// certified object's Name and Qualified Name.
struct CertifyAttest : AttestHeader {
  Bytes name;
  Bytes qualified_name;
};

// parse_certify_attest parses the bytes a TPM2_Certify signs (the contents of its TPM2B_ATTEST,
// what tpm2_certify -o writes). Fails with InvalidArgument naming the field when the magic is not
// TPM_GENERATED_VALUE, the type is not TPM_ST_ATTEST_CERTIFY, a size exceeds its maximum, safe is
// not 0 or 1, the input ends early or bytes follow qualifiedName.
Result<CertifyAttest> parse_certify_attest(ByteView bytes);

// certify_claims returns every field of `attest` under its specification name in snake_case, as
// attest_claims does for quotes: magic, type, qualified_signer, extra_data, clock, reset_count,
// restart_count, safe, firmware_version, name and qualified_name.
nlohmann::json certify_claims(const CertifyAttest& attest);

// Certification is the outcome of verifying one TPM2_Certify. It is verified exactly when
// `errors` is empty; each error names what failed. The other members hold what could be parsed
// even when verification failed.
struct Certification {
  std::vector<std::string> errors;
  bool verified() const { return errors.empty(); }

  CertifyAttest attest;
  PublicArea key;                       // the certified key's public area
  Bytes key_name;                       // object_name of that public area
  std::vector<std::string> attributes;  // object_attribute_names of its objectAttributes
  // attest (certify_claims), sig_alg, hash_alg, ak_public_sha256, key (public_area_claims) and
  // key_name.
  nlohmann::json claims = nlohmann::json::object();
};

// verify_certification verifies `certify_attest` (TPMS_ATTEST bytes) and `signature` (a
// marshalled TPMT_SIGNATURE, what tpm2_certify -s writes by default) for the key whose marshalled
// TPMT_PUBLIC is `key_public`: the structure (magic TPM_GENERATED_VALUE, type
// TPM_ST_ATTEST_CERTIFY), the signature by the AK `ak_spki` (DER SubjectPublicKeyInfo) over those
// bytes, that the certified Name is object_name(key_public), and, when given, that the key is
// `expected_spki` (DER SubjectPublicKeyInfo) and that extraData is `expected_extra_data` (the
// caller's nonce). Every failure is one line in `errors`; it never throws.
Certification verify_certification(ByteView certify_attest,
                                   ByteView signature,
                                   ByteView ak_spki,
                                   ByteView key_public,
                                   std::optional<ByteView> expected_spki,
                                   std::optional<ByteView> expected_extra_data);

}  // namespace ensign::attest::tpm
