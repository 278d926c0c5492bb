// signature.h: signing and verifying with the supported key algorithms.
//
// ECDSA signatures are ASN.1 DER (SEQUENCE { r, s }), as openssl and Sigstore expect; Ed25519
// signatures are the 64 raw bytes of RFC 8032 (pure Ed25519, over the whole message).
#pragma once

#include "core/bytes.h"
#include "core/openssl_handles.h"
#include "core/result.h"
#include "crypto/keys.h"

namespace ensign::crypto {

// Every function here checks that `key` really is of `algorithm`: signing fails with
// InvalidArgument, and verifying returns false, when it is not.

// sign_digest signs a precomputed digest with an ECDSA key; the digest length must match the
// algorithm's hash (32 bytes for P-256, 48 for P-384). Fails with InvalidArgument for Ed25519,
// which cannot sign a digest.
Result<Bytes> sign_digest(EVP_PKEY* key, KeyAlgorithm algorithm, ByteView digest);

// sign_message signs a whole message: ECDSA hashes it with the algorithm's hash first, Ed25519
// signs it as is.
Result<Bytes> sign_message(EVP_PKEY* key, KeyAlgorithm algorithm, ByteView message);

// verify_digest checks an ECDSA signature over a precomputed digest. Returns false on a bad or
// malformed signature, or for Ed25519.
bool verify_digest(EVP_PKEY* public_key, KeyAlgorithm algorithm, ByteView digest,
                   ByteView signature);

// verify_message checks a signature over a whole message.
bool verify_message(EVP_PKEY* public_key, KeyAlgorithm algorithm, ByteView message,
                    ByteView signature);

}  // namespace ensign::crypto
