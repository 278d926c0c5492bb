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
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "formats/signing_input.h"  // IWYU pragma: export

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

// TlogEntry is verificationMaterial.tlogEntries[i]: the bundle's signature as a transparency log
// holds it (Rekor v2 shape: an inclusion proof to a signed checkpoint, no inclusion promise), as
// ensign's log writes it (log/entry.h). A bundle carries at most kMaxTlogEntries.
inline constexpr std::size_t kMaxTlogEntries = 4;
inline constexpr std::size_t kMaxInclusionProofHashes = 64;
struct TlogEntry {
  std::uint64_t log_index = 0;
  Bytes log_id;                    // logId.keyId: SHA-256 of the log key's DER SPKI
  std::string kind;                // kindVersion.kind: "hashedrekord" or "dsse"
  std::string version;             // kindVersion.version: "0.0.2"
  Bytes canonicalized_body;        // the log's leaf
  std::uint64_t tree_size = 0;     // inclusionProof.treeSize
  Bytes root_hash;                 // inclusionProof.rootHash
  std::vector<Bytes> hashes;       // inclusionProof.hashes, from the leaf's sibling up
  std::string checkpoint;          // inclusionProof.checkpoint.envelope: C2SP signed note
};

struct Bundle {
  std::string public_key_hint;  // verificationMaterial.publicKey.hint: the key version's id
  std::variant<MessageSignature, DsseEnvelope> content;
  std::optional<KeyAttestation> key_attestation;
  std::vector<TlogEntry> tlog_entries;  // verificationMaterial.tlogEntries
};

// bundle_to_json serialises a bundle as indented JSON, ending in a newline.
std::string bundle_to_json(const Bundle& bundle);

// parse_bundle parses a bundle of at most kMaxBundleSize bytes. Fails with InvalidArgument naming
// the first member that is missing, mistyped, badly encoded or unsupported (e.g. another media
// type, certificate verification material, a DSSE envelope with other than one signature).
Result<Bundle> parse_bundle(ByteView json);

// bundle_from_json reads a bundle already parsed as JSON (a member of a request body), naming
// members from `path` in errors ("request.bundle.mediaType: missing").
Result<Bundle> bundle_from_json(const nlohmann::json& document, const std::string& path);

}  // namespace ensign::formats
