// verify.h: checking a Sigstore bundle against an artifact and a public key, as ensign verify does.
#pragma once

#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "formats/bundle.h"

namespace ensign::formats {

// Verdict is the outcome of a verification that could be carried out: valid, or invalid with a
// one-line reason ("signature does not verify with key <fingerprint>", "artifact digest does not
// match the bundle's messageDigest", ...).
struct Verdict {
  bool valid = false;
  std::string reason;
};

// verify_bundle checks `bundle` against the artifact at `artifact_path` and the DER SPKI
// `public_key`:
// - messageSignature: the artifact's digest (streamed) must equal messageDigest, and the signature
//   must verify over the artifact (ECDSA with the curve's hash; Ed25519 over the whole artifact,
//   which must then be at most kMaxDssePayloadSize bytes).
// - dsseEnvelope: the signature must verify over PAE(payloadType, payload); when `artifact_path`
//   is given, the artifact must be the payload itself or, for in-toto statements, match one of
//   the statement's subjects by sha256.
// Returns an Error (not a Verdict) only when the verification cannot be carried out: unreadable
// artifact, unusable public key.
Result<Verdict> verify_bundle(const Bundle& bundle,
                              const std::optional<std::string>& artifact_path,
                              ByteView public_key);

}  // namespace ensign::formats
