// signature.h: a quote's signature checked with its attestation key (AK): RSASSA-PKCS1-v1_5,
// RSA-PSS or ECDSA with the hash its TPMT_SIGNATURE names, composed from OpenSSL's
// EVP_DigestVerify.
#pragma once

#include <openssl/evp.h>

#include "attest/tpm/attest.h"
#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::tpm {

// decode_quote_signature reads a quote's signature for the AK `ak`: as many bytes as an RSA AK's
// modulus are a raw RSASSA-PKCS1-v1_5 SHA-256 signature (Azure's form); anything else must parse
// as a TPMT_SIGNATURE. Fails with InvalidArgument as parse_tpm_signature does.
Result<TpmSignature> decode_quote_signature(ByteView signature, const EVP_PKEY* ak);

// verify_tpm_signature checks `signature` over `message` (the TPMS_ATTEST bytes) with `ak`.
// Fails with InvalidArgument when the scheme does not suit the key type (RSASSA and RSAPSS need
// RSA, ECDSA needs EC) or the hash is not SHA-256, SHA-384 or SHA-512 (SHA-1 is refused), and
// with Unauthenticated when the signature does not verify.
Status verify_tpm_signature(const TpmSignature& signature, EVP_PKEY* ak, ByteView message);

}  // namespace ensign::attest::tpm
