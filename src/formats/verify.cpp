#include "formats/verify.h"

#include <utility>
#include <variant>

#include "core/file.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "formats/json_reader.h"
#include "formats/intoto.h"

namespace ensign::formats {
namespace {


// VerificationKey is the checked public key with the names verdicts use for it.
struct VerificationKey {
  EvpPkeyPtr key;
  crypto::KeyAlgorithm algorithm;
  std::string fingerprint;
};

Verdict valid(std::string what) {
  return Verdict{true, std::move(what)};
}

Verdict invalid(std::string reason) {
  return Verdict{false, std::move(reason)};
}

std::string digest_text(crypto::HashAlgorithm algorithm, ByteView digest) {
  return std::string(digest_algorithm_name(algorithm)) + ":" + hex_encode(digest);
}

struct ArtifactDigest {
  Bytes digest;
  Bytes contents;  // filled only when asked for
};

// digest_artifact returns the artifact's digest; with `keep_contents` (Ed25519, which signs the
// whole artifact) it reads the artifact, at most kMaxDssePayloadSize bytes, and returns it too.
Result<ArtifactDigest> digest_artifact(const Artifact& artifact,
                                       crypto::HashAlgorithm algorithm,
                                       bool keep_contents) {
  if (!keep_contents) {
    ENSIGN_TRY(digest, artifact.digest(algorithm));
    return ArtifactDigest{std::move(digest), {}};
  }
  auto contents = artifact.contents(kMaxDssePayloadSize);
  if (!contents) {
    return fail(contents.error().with_context(
        "an Ed25519 messageSignature covers the whole artifact, read in memory"));
  }
  Bytes digest = crypto::hash(algorithm, *contents);
  return ArtifactDigest{std::move(digest), std::move(contents).value()};
}

Result<Verdict> verify_message_signature(const MessageSignature& message,
                                         const std::optional<Artifact>& artifact_given,
                                         const VerificationKey& key) {
  if (!artifact_given) {
    return fail(ErrorCode::kInvalidArgument,
                "a messageSignature bundle signs an artifact: give the artifact to verify it");
  }
  crypto::HashAlgorithm expected = message_digest_algorithm(key.algorithm);
  if (message.digest_algorithm != expected) {
    return invalid("messageDigest algorithm " +
                   std::string(digest_algorithm_name(message.digest_algorithm)) +
                   " does not fit key " + key.fingerprint + " (" +
                   std::string(crypto::key_algorithm_name(key.algorithm)) + " bundles use " +
                   std::string(digest_algorithm_name(expected)) + ")");
  }
  bool whole_artifact = !crypto::signature_hash(key.algorithm).has_value();
  const std::string& what = artifact_given->description();
  ENSIGN_TRY(artifact, digest_artifact(*artifact_given, expected, whole_artifact));
  if (artifact.digest != message.digest) {
    return invalid(what + " has digest " +
                   digest_text(expected, artifact.digest) +
                   ", which does not match the bundle's messageDigest " +
                   digest_text(expected, message.digest));
  }
  bool verified =
      whole_artifact
          ? crypto::verify_message(
                key.key.get(), key.algorithm, artifact.contents, message.signature)
          : crypto::verify_digest(key.key.get(), key.algorithm, artifact.digest, message.signature);
  if (!verified) {
    return invalid("messageSignature does not verify with key " + key.fingerprint +
                   " over " + what);
  }
  return valid("messageSignature over " + what + " (" +
               digest_text(expected, artifact.digest) + ") verifies with key " + key.fingerprint);
}

// match_dsse_artifact tells whether the artifact is the envelope's payload or, for an in-toto
// statement, one of its subjects by sha256. The payload comparison uses SHA-256 so the artifact
// is streamed whatever its size; equal SHA-256 digests mean equal bytes.
Result<Verdict> match_dsse_artifact(const DsseEnvelope& envelope, const Artifact& artifact) {
  ENSIGN_TRY(artifact_sha256, artifact.digest(crypto::HashAlgorithm::kSha256));
  if (crypto::sha256(envelope.payload) == artifact_sha256) {
    return valid("DSSE envelope verifies and its payload is " + artifact.description());
  }
  std::string artifact_text =
      artifact.description() + " (sha256:" + hex_encode(artifact_sha256) + ")";
  if (envelope.payload_type != kIntotoPayloadType) {
    return invalid(artifact_text + " is not the DSSE payload (payloadType " +
                   quote_for_message(envelope.payload_type) + ")");
  }
  auto subjects = intoto_subjects(envelope.payload);
  if (!subjects) {
    return invalid("DSSE payload is not a usable in-toto statement: " + subjects.error().message());
  }
  for (const auto& subject : *subjects) {
    auto found = subject.digest.find("sha256");
    if (found == subject.digest.end()) {
      continue;
    }
    auto subject_sha256 = hex_decode(found->second);
    if (subject_sha256 && *subject_sha256 == artifact_sha256) {
      return valid("DSSE envelope verifies and in-toto subject " + quote_for_message(subject.name) +
                   " is " + artifact_text);
    }
  }
  return invalid(artifact_text + " matches neither the DSSE payload nor any of the " +
                 std::to_string(subjects->size()) + " in-toto subjects by sha256");
}

Result<Verdict> verify_dsse_envelope(const DsseEnvelope& envelope,
                                     const std::optional<Artifact>& artifact,
                                     const VerificationKey& key) {
  Bytes encoding = dsse_pae(envelope.payload_type, envelope.payload);
  if (!crypto::verify_message(key.key.get(), key.algorithm, encoding, envelope.signature)) {
    return invalid("DSSE signature does not verify with key " + key.fingerprint +
                   " over PAE(payloadType, payload)");
  }
  if (!artifact) {
    return valid("DSSE envelope (" + quote_for_message(envelope.payload_type) +
                 ") verifies with key " + key.fingerprint);
  }
  return match_dsse_artifact(envelope, *artifact);
}

}  // namespace

Artifact::Artifact(std::string path)
    : kind_(Kind::kFile), path_(std::move(path)), description_("artifact " + path_) {}

Artifact::Artifact(Kind kind, Bytes data, std::string description)
    : kind_(kind), data_(std::move(data)), description_(std::move(description)) {}

Artifact Artifact::in_memory(Bytes contents) {
  return Artifact(Kind::kMemory, std::move(contents), "the artifact");
}

Artifact Artifact::digest_only(Bytes digest) {
  return Artifact(Kind::kDigest, std::move(digest), "the artifact given by digest");
}

Result<Bytes> Artifact::digest(crypto::HashAlgorithm algorithm) const {
  switch (kind_) {
    case Kind::kFile:
      return crypto::hash_file(algorithm, path_);
    case Kind::kMemory:
      return crypto::hash(algorithm, data_);
    case Kind::kDigest:
      break;
  }
  if (data_.size() != crypto::hash_size(algorithm)) {
    return fail(ErrorCode::kInvalidArgument,
                "the artifact's digest has " + std::to_string(data_.size()) + " bytes, but " +
                    std::string(digest_algorithm_name(algorithm)) + " digests have " +
                    std::to_string(crypto::hash_size(algorithm)));
  }
  return data_;
}

Result<Bytes> Artifact::contents(std::size_t max_size) const {
  switch (kind_) {
    case Kind::kFile:
      return read_file(path_, max_size);
    case Kind::kMemory:
      if (data_.size() > max_size) {
        return fail(ErrorCode::kResourceExhausted,
                    "the artifact has " + std::to_string(data_.size()) + " bytes, more than " +
                        std::to_string(max_size));
      }
      return data_;
    case Kind::kDigest:
      break;
  }
  return fail(ErrorCode::kInvalidArgument, "only the artifact's digest was given, not the artifact");
}

Result<Verdict> verify_bundle(const Bundle& bundle,
                              const std::optional<Artifact>& artifact,
                              ByteView public_key) {
  auto key = crypto::public_key_from_der(public_key);
  if (!key) {
    return fail(key.error());
  }
  auto algorithm = crypto::key_algorithm_of(key->get());
  if (!algorithm) {
    return fail(
        algorithm.error().with_context("public key " + crypto::key_fingerprint(public_key)));
  }
  VerificationKey verification_key{
      std::move(key).value(), *algorithm, crypto::key_fingerprint(public_key)};
  if (const auto* message = std::get_if<MessageSignature>(&bundle.content)) {
    return verify_message_signature(*message, artifact, verification_key);
  }
  return verify_dsse_envelope(
      std::get<DsseEnvelope>(bundle.content), artifact, verification_key);
}

}  // namespace ensign::formats
