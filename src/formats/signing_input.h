// signing_input.h: what a Sigstore signer signs and the names it gives hashes, apart from the
// bundle's JSON so that the enclave, which signs and logs, carries no bundle parser.
#pragma once

#include <string_view>

#include "core/bytes.h"
#include "crypto/hash.h"
#include "crypto/keys.h"

namespace ensign::formats {

// dsse_pae returns the DSSE v1 pre-authentication encoding of a payload:
// "DSSEv1" SP len(type) SP type SP len(payload) SP payload.
Bytes dsse_pae(std::string_view payload_type, ByteView payload);

// digest_algorithm_name returns the Sigstore name of a hash: "SHA2_256", "SHA2_384", "SHA2_512".
std::string_view digest_algorithm_name(crypto::HashAlgorithm algorithm);

// message_digest_algorithm returns the messageDigest algorithm a bundle signed by a key of
// `algorithm` carries: SHA2_256 for ECDSA P-256 and Ed25519 (which signs the artifact itself),
// SHA2_384 for ECDSA P-384. Signers and verify_bundle both use it; it cannot fail.
crypto::HashAlgorithm message_digest_algorithm(crypto::KeyAlgorithm algorithm);

}  // namespace ensign::formats
