#include "formats/bundle.h"

#include <nlohmann/json.hpp>
#include <type_traits>
#include <utility>
#include <variant>

#include "formats/json_reader.h"

namespace ensign::formats {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// The media type Sigstore clients wrote for v0.3 before the ".v0.3+json" form.
constexpr std::string_view kLegacyBundleMediaType =
    "application/vnd.dev.sigstore.bundle+json;version=0.3";
constexpr std::string_view kKeyAttestationMember = "ensignKeyAttestation";

// --- serialisation ---

ordered_json tlog_entry_json(const TlogEntry& entry) {
  ordered_json hashes = ordered_json::array();
  for (const Bytes& hash : entry.hashes) {
    hashes.push_back(base64_encode(hash));
  }
  // protobuf JSON writes int64 fields as strings.
  return ordered_json{
      {"logIndex", std::to_string(entry.log_index)},
      {"logId", {{"keyId", base64_encode(entry.log_id)}}},
      {"kindVersion", {{"kind", entry.kind}, {"version", entry.version}}},
      {"integratedTime", "0"},
      {"inclusionProof",
       {{"logIndex", std::to_string(entry.log_index)},
        {"rootHash", base64_encode(entry.root_hash)},
        {"treeSize", std::to_string(entry.tree_size)},
        {"hashes", std::move(hashes)},
        {"checkpoint", {{"envelope", entry.checkpoint}}}}},
      {"canonicalizedBody", base64_encode(entry.canonicalized_body)},
  };
}

ordered_json verification_material_json(const Bundle& bundle) {
  ordered_json tlog_entries = ordered_json::array();
  for (const TlogEntry& entry : bundle.tlog_entries) {
    tlog_entries.push_back(tlog_entry_json(entry));
  }
  return ordered_json{
      {"publicKey", {{"hint", bundle.public_key_hint}}},
      {"tlogEntries", std::move(tlog_entries)},
      {"timestampVerificationData", {{"rfc3161Timestamps", ordered_json::array()}}},
  };
}

ordered_json content_json(const MessageSignature& message) {
  return ordered_json{
      {"messageDigest",
       {{"algorithm", digest_algorithm_name(message.digest_algorithm)},
        {"digest", base64_encode(message.digest)}}},
      {"signature", base64_encode(message.signature)},
  };
}

ordered_json content_json(const DsseEnvelope& envelope) {
  return ordered_json{
      {"payload", base64_encode(envelope.payload)},
      {"payloadType", envelope.payload_type},
      {"signatures",
       ordered_json::array(
           {{{"keyid", envelope.keyid}, {"sig", base64_encode(envelope.signature)}}})},
  };
}

// --- parsing ---

Result<crypto::HashAlgorithm> parse_digest_algorithm(const ObjectReader& digest) {
  ENSIGN_TRY(name, digest.string("algorithm"));
  for (auto algorithm : {crypto::HashAlgorithm::kSha256,
                         crypto::HashAlgorithm::kSha384,
                         crypto::HashAlgorithm::kSha512}) {
    if (name == digest_algorithm_name(algorithm)) {
      return algorithm;
    }
  }
  return invalid(digest.member_path("algorithm"),
                 "unsupported digest algorithm " + quote_for_message(name) +
                     " (expected SHA2_256, SHA2_384 or SHA2_512)");
}

// unsigned_member reads an int64 field as protobuf JSON writes it: a decimal string (or a
// number), not negative.
Result<std::uint64_t> unsigned_member(const ObjectReader& object, std::string_view key) {
  ENSIGN_TRY(value, object.required(key));
  if (value->is_number_unsigned()) {
    return value->get<std::uint64_t>();
  }
  if (value->is_string()) {
    const auto& text = value->get_ref<const std::string&>();
    std::uint64_t number = 0;
    bool digits = !text.empty() && text.size() <= 19;
    for (char c : text) {
      digits = digits && c >= '0' && c <= '9';
      number = number * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (digits) {
      return number;
    }
  }
  return invalid(object.member_path(key), "expected a non-negative integer");
}

Result<TlogEntry> parse_tlog_entry(const nlohmann::json& value, const std::string& path) {
  ENSIGN_TRY(object, ObjectReader::of(value, path));
  ENSIGN_CHECK(object.only({"logIndex", "logId", "kindVersion", "integratedTime",
                            "inclusionPromise", "inclusionProof", "canonicalizedBody"}));
  if (object.has("inclusionPromise")) {
    return invalid(object.member_path("inclusionPromise"),
                   "not supported: ensign logs prove inclusion with a checkpoint");
  }
  TlogEntry entry;
  ENSIGN_TRY(log_index, unsigned_member(object, "logIndex"));
  entry.log_index = log_index;
  ENSIGN_TRY(log_id, object.object("logId"));
  ENSIGN_CHECK(log_id.only({"keyId"}));
  ENSIGN_TRY(key_id, log_id.base64("keyId"));
  entry.log_id = std::move(key_id);
  ENSIGN_TRY(kind_version, object.object("kindVersion"));
  ENSIGN_CHECK(kind_version.only({"kind", "version"}));
  ENSIGN_TRY(kind, kind_version.string("kind"));
  ENSIGN_TRY(version, kind_version.string("version"));
  entry.kind = std::move(kind);
  entry.version = std::move(version);
  ENSIGN_TRY(body, object.base64("canonicalizedBody"));
  entry.canonicalized_body = std::move(body);
  ENSIGN_TRY(proof, object.object("inclusionProof"));
  ENSIGN_CHECK(proof.only({"logIndex", "rootHash", "treeSize", "hashes", "checkpoint"}));
  ENSIGN_TRY(proof_index, unsigned_member(proof, "logIndex"));
  if (proof_index != entry.log_index) {
    return invalid(proof.member_path("logIndex"), "is not the entry's logIndex");
  }
  ENSIGN_TRY(tree_size, unsigned_member(proof, "treeSize"));
  entry.tree_size = tree_size;
  ENSIGN_TRY(root_hash, proof.base64("rootHash"));
  entry.root_hash = std::move(root_hash);
  ENSIGN_TRY(hashes, proof.array("hashes"));
  if (hashes->size() > kMaxInclusionProofHashes) {
    return invalid(proof.member_path("hashes"), "has more than " +
                                                    std::to_string(kMaxInclusionProofHashes) +
                                                    " hashes");
  }
  for (const auto& hash : *hashes) {
    if (!hash.is_string()) {
      return invalid(proof.member_path("hashes"), "expected base64 strings");
    }
    auto decoded = base64_decode(hash.get<std::string>());
    if (!decoded) {
      return invalid(proof.member_path("hashes"), "expected base64 strings");
    }
    entry.hashes.push_back(std::move(decoded).value());
  }
  ENSIGN_TRY(checkpoint, proof.object("checkpoint"));
  ENSIGN_CHECK(checkpoint.only({"envelope"}));
  ENSIGN_TRY(envelope, checkpoint.string("envelope"));
  entry.checkpoint = std::move(envelope);
  return entry;
}

Result<std::vector<TlogEntry>> parse_tlog_entries(const ObjectReader& material) {
  std::vector<TlogEntry> entries;
  if (!material.has("tlogEntries")) {
    return entries;
  }
  ENSIGN_TRY(array, material.array("tlogEntries"));
  if (array->size() > kMaxTlogEntries) {
    return invalid(material.member_path("tlogEntries"),
                   "has more than " + std::to_string(kMaxTlogEntries) + " entries");
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    ENSIGN_TRY(entry, parse_tlog_entry((*array)[i], material.member_path("tlogEntries") + "[" +
                                                        std::to_string(i) + "]"));
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<std::string> parse_verification_material(const ObjectReader& root) {
  ENSIGN_TRY(material, root.object("verificationMaterial"));
  ENSIGN_CHECK(material.only({"publicKey",
                              "x509CertificateChain",
                              "certificate",
                              "tlogEntries",
                              "timestampVerificationData"}));
  for (std::string_view certificate_member : {"x509CertificateChain", "certificate"}) {
    if (material.has(certificate_member)) {
      return invalid(material.member_path(certificate_member),
                     "not supported: ensign bundles use a public key");
    }
  }
  if (material.has("timestampVerificationData")) {
    ENSIGN_TRY(timestamps, material.object("timestampVerificationData"));
    ENSIGN_CHECK(timestamps.only({"rfc3161Timestamps"}));
    ENSIGN_CHECK(timestamps.optional_empty_array(
        "rfc3161Timestamps", "not supported: ensign bundles carry no RFC 3161 timestamps"));
  }
  ENSIGN_TRY(public_key, material.object("publicKey"));
  ENSIGN_CHECK(public_key.only({"hint"}));
  return public_key.string("hint");
}

Result<MessageSignature> parse_message_signature(const ObjectReader& root) {
  ENSIGN_TRY(message, root.object("messageSignature"));
  ENSIGN_CHECK(message.only({"messageDigest", "signature"}));
  ENSIGN_TRY(digest, message.object("messageDigest"));
  ENSIGN_CHECK(digest.only({"algorithm", "digest"}));
  MessageSignature result;
  ENSIGN_TRY(algorithm, parse_digest_algorithm(digest));
  result.digest_algorithm = algorithm;
  ENSIGN_TRY(digest_bytes, digest.base64("digest"));
  if (digest_bytes.size() != crypto::hash_size(algorithm)) {
    return invalid(digest.member_path("digest"),
                   "is " + std::to_string(digest_bytes.size()) + " bytes, " +
                       std::string(digest_algorithm_name(algorithm)) + " needs " +
                       std::to_string(crypto::hash_size(algorithm)));
  }
  result.digest = std::move(digest_bytes);
  ENSIGN_TRY(signature, message.base64("signature"));
  result.signature = std::move(signature);
  return result;
}

Result<DsseEnvelope> parse_dsse_envelope(const ObjectReader& root) {
  ENSIGN_TRY(envelope, root.object("dsseEnvelope"));
  ENSIGN_CHECK(envelope.only({"payload", "payloadType", "signatures"}));
  DsseEnvelope result;
  ENSIGN_TRY(payload_type, envelope.string("payloadType"));
  result.payload_type = std::move(payload_type);
  ENSIGN_TRY(payload, envelope.base64("payload", /*allow_empty=*/true));
  if (payload.size() > kMaxDssePayloadSize) {
    return invalid(envelope.member_path("payload"),
                   "is " + std::to_string(payload.size()) + " bytes, more than the limit of " +
                       std::to_string(kMaxDssePayloadSize));
  }
  result.payload = std::move(payload);
  ENSIGN_TRY(signatures, envelope.array("signatures"));
  if (signatures->size() != 1) {
    return invalid(envelope.member_path("signatures"),
                   "expected exactly one signature, found " + std::to_string(signatures->size()));
  }
  ENSIGN_TRY(signature,
             ObjectReader::of(signatures->front(), envelope.member_path("signatures") + "[0]"));
  ENSIGN_CHECK(signature.only({"keyid", "sig"}));
  ENSIGN_TRY(keyid, signature.optional_string("keyid"));
  result.keyid = std::move(keyid);
  ENSIGN_TRY(signature_bytes, signature.base64("sig"));
  result.signature = std::move(signature_bytes);
  return result;
}

Result<KeyAttestation> parse_key_attestation(const ObjectReader& root) {
  ENSIGN_TRY(attestation, root.object(kKeyAttestationMember));
  ENSIGN_CHECK(attestation.only({"platform", "evidence"}));
  KeyAttestation result;
  ENSIGN_TRY(platform, attestation.string("platform"));
  result.platform = std::move(platform);
  ENSIGN_TRY(evidence, attestation.base64("evidence"));
  result.evidence = std::move(evidence);
  return result;
}

}  // namespace

std::string bundle_to_json(const Bundle& bundle) {
  ordered_json document{
      {"mediaType", kBundleMediaType},
      {"verificationMaterial", verification_material_json(bundle)},
  };
  std::visit(
      [&document](const auto& content) {
        constexpr bool kIsMessage =
            std::is_same_v<std::decay_t<decltype(content)>, MessageSignature>;
        document[kIsMessage ? "messageSignature" : "dsseEnvelope"] = content_json(content);
      },
      bundle.content);
  if (bundle.key_attestation) {
    document[std::string(kKeyAttestationMember)] = {
        {"platform", bundle.key_attestation->platform},
        {"evidence", base64_encode(bundle.key_attestation->evidence)},
    };
  }
  // Invalid UTF-8 in a hint or payload type becomes U+FFFD instead of an exception.
  return document.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

Result<Bundle> parse_bundle(ByteView json_text) {
  ENSIGN_TRY(document, parse_json(json_text, kMaxBundleSize, "bundle"));
  return bundle_from_json(document, "bundle");
}

Result<Bundle> bundle_from_json(const nlohmann::json& document, const std::string& path) {
  ENSIGN_TRY(root, ObjectReader::of(document, path));
  ENSIGN_CHECK(root.only({"mediaType",
                          "verificationMaterial",
                          "messageSignature",
                          "dsseEnvelope",
                          kKeyAttestationMember}));
  ENSIGN_TRY(media_type, root.string("mediaType"));
  if (media_type != kBundleMediaType && media_type != kLegacyBundleMediaType) {
    return invalid(root.member_path("mediaType"),
                   "unsupported media type " + quote_for_message(media_type) + " (expected " +
                       kBundleMediaType + ")");
  }
  Bundle bundle;
  ENSIGN_TRY(hint, parse_verification_material(root));
  bundle.public_key_hint = std::move(hint);
  ENSIGN_TRY(material, root.object("verificationMaterial"));
  ENSIGN_TRY(tlog_entries, parse_tlog_entries(material));
  bundle.tlog_entries = std::move(tlog_entries);
  bool has_message = root.has("messageSignature");
  if (has_message == root.has("dsseEnvelope")) {
    return invalid(root.path(), "needs exactly one of messageSignature and dsseEnvelope");
  }
  if (has_message) {
    ENSIGN_TRY(message, parse_message_signature(root));
    bundle.content = std::move(message);
  } else {
    ENSIGN_TRY(envelope, parse_dsse_envelope(root));
    bundle.content = std::move(envelope);
  }
  if (root.has(kKeyAttestationMember)) {
    ENSIGN_TRY(attestation, parse_key_attestation(root));
    bundle.key_attestation = std::move(attestation);
  }
  return bundle;
}

}  // namespace ensign::formats
