// rsa_public_key.h: the DER SubjectPublicKeyInfo of an RSA key given as its modulus and public
// exponent, as TPM public areas and Azure's HCLAkPub JWK carry it. Private to src/attest/tpm.
#pragma once

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::tpm::internal {

// rsa_public_key_der returns the DER SubjectPublicKeyInfo of the RSA key (n, e) built by OpenSSL
// from the big-endian `modulus` and `exponent`. Fails with InvalidArgument when OpenSSL does not
// take them as an RSA key, with Internal when it cannot encode one.
Result<Bytes> rsa_public_key_der(ByteView modulus, ByteView exponent);

}  // namespace ensign::attest::tpm::internal
