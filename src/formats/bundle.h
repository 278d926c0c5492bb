// bundle.h: Sigstore bundle v0.3 (application/vnd.dev.sigstore.bundle.v0.3+json) with a public
// key hint as verification material, holding either a messageSignature or a DSSE envelope, plus
// ensign's key attestation.
//
// Where the key attestation goes: a top-level member "ensignKeyAttestation"
// ({"platform": "sim", "evidence": "<base64>"}). Sigstore clients parse bundles as protobuf JSON
// and ignore members they do not know, so @sigstore/verify accepts the bundle unchanged; a parser
// that rejects unknown members gets a bundle without it from `ensign sign --no-attestation`.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/hash.h"
#include "crypto/keys.h"

namespace ensign::formats {

inline constexpr char kBundleMediaType[] = "application/vnd.dev.sigstore.bundle.v0.3+json";
// A bundle file may not exceed this (a DSSE payload of kMaxDssePayloadSize, base64, plus room).
inline constexpr std::size_t kMaxDssePayloadSize = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxBundleSize = kMaxDssePayloadSize / 3 * 4 + 64 * 1024;

struct MessageSignature {
  crypto::HashAlgorithm digest_algorithm = crypto::HashAlgorithm::kSha256;  // "SHA2_256", ...
  Bytes digest;     // the artifact's digest
  Bytes signature;  // DER ECDSA, or raw Ed25519, over the artifact
};

struct DsseEnvelope {
  std::string payload_type;
  Bytes payload;
  std::string keyid;  // signatures[0].keyid
  Bytes signature;    // over PAE(payload_type, payload); exactly one signature
};

struct KeyAttestation {
  std::string platform;  // "sim", ...
  Bytes evidence;        // the platform's report over SHA-256(public key DER) || 32 zero bytes
};

struct Bundle {
  std::string public_key_hint;  // verificationMaterial.publicKey.hint: the key version's id
  std::variant<MessageSignature, DsseEnvelope> content;
  std::optional<KeyAttestation> key_attestation;
};

// bundle_to_json serialises a bundle as indented JSON, ending in a newline.
std::string bundle_to_json(const Bundle& bundle);

// parse_bundle parses a bundle of at most kMaxBundleSize bytes. Fails with InvalidArgument naming
// the first member that is missing, mistyped, badly encoded or unsupported (e.g. another media
// type, certificate verification material, a DSSE envelope with other than one signature).
Result<Bundle> parse_bundle(ByteView json);

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
