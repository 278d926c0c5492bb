// verify.h: checking a Sigstore bundle against an artifact and a public key, as ensign verify does.
#pragma once

#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/hash.h"
#include "formats/bundle.h"

namespace ensign::formats {

// Verdict is the outcome of a verification that could be carried out: valid, or invalid with a
// one-line reason ("signature does not verify with key <fingerprint>", "artifact digest does not
// match the bundle's messageDigest", ...).
struct Verdict {
  bool valid = false;
  std::string reason;
};

// Artifact is what a bundle is checked against: a file (streamed), bytes in memory, or only the
// artifact's digest, as a remote client sends it (in the bundle's messageDigest algorithm for a
// messageSignature, SHA-256 for a DSSE subject). A path converts to an Artifact implicitly.
class Artifact {
 public:
  Artifact(std::string path);  // NOLINT(google-explicit-constructor): a file is the common case
  static Artifact in_memory(Bytes contents);
  static Artifact digest_only(Bytes digest);

  // description names the artifact in verdicts: "artifact PATH", "the artifact given by digest".
  const std::string& description() const { return description_; }

  // digest returns the artifact's digest; for a digest-only artifact, fails with InvalidArgument
  // when the given digest's length is not `algorithm`'s.
  Result<Bytes> digest(crypto::HashAlgorithm algorithm) const;
  // contents reads the whole artifact, at most `max_size` bytes; a digest-only artifact has none
  // (InvalidArgument).
  Result<Bytes> contents(std::size_t max_size) const;

 private:
  enum class Kind { kFile, kMemory, kDigest };
  Artifact(Kind kind, Bytes data, std::string description);

  Kind kind_;
  std::string path_;  // kFile
  Bytes data_;        // kMemory: the contents; kDigest: the digest
  std::string description_;
};

// verify_bundle checks `bundle` against `artifact` and the DER SPKI `public_key`:
// - messageSignature: the artifact's digest (streamed) must equal messageDigest, and the signature
//   must verify over the artifact (ECDSA with the curve's hash; Ed25519 over the whole artifact,
//   which must then be at most kMaxDssePayloadSize bytes and cannot be given by digest).
// - dsseEnvelope: the signature must verify over PAE(payloadType, payload); when `artifact`
//   is given, it must be the payload itself or, for in-toto statements, match one of the
//   statement's subjects by sha256.
// Returns an Error (not a Verdict) only when the verification cannot be carried out: unreadable
// artifact, unusable public key, a digest of the wrong length.
Result<Verdict> verify_bundle(const Bundle& bundle,
                              const std::optional<Artifact>& artifact,
                              ByteView public_key);

}  // namespace ensign::formats
