#include "host/key_service.h"

#include <chrono>

#include "core/file.h"
#include "crypto/hash.h"
#include "crypto/signature.h"
#include "enclave/protocol/messages.h"
#include "host/key_view.h"

namespace ensign::host {
namespace protocol = enclave::protocol;

namespace {

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

KeyService::KeyService(store::Store& store, EnclaveClient& enclave, std::string actor,
                       ItemSigner signer)
    : store_(store), enclave_(enclave), log_(store, enclave), actor_(std::move(actor)),
      signer_(std::move(signer)) {
  if (!signer_) {
    signer_ = [this](protocol::SignItem item) -> Result<LoggedSignature> {
      ENSIGN_TRY(logged, log_.sign({std::move(item)}));
      return std::move(logged.front());
    };
  }
}

Result<store::KeyVersion> KeyService::generate(std::string_view name, std::uint32_t version,
                                               crypto::KeyAlgorithm algorithm) {
  if (!protocol::is_valid_key_id(name)) {
    return fail(ErrorCode::kInvalidArgument,
                "key name '" + std::string(name) + "' must be 1.." +
                    std::to_string(protocol::kMaxKeyIdSize) + " characters of [A-Za-z0-9._-]");
  }
  protocol::GenerateKeyRequest request;
  request.key_id = std::string(name);
  request.version = version;
  request.algorithm = algorithm;
  ENSIGN_TRY(reply, enclave_.generate_key(request));
  store::KeyVersion key;
  key.name = std::string(name);
  key.version = version;
  key.algorithm = algorithm;
  key.fingerprint = crypto::key_fingerprint(reply.public_key);
  key.public_key = std::move(reply.public_key);
  key.sealed_key = std::move(reply.sealed_key);
  key.key_attestation = std::move(reply.key_attestation);
  key.platform = enclave_.hello().platform;
  key.created_at = now_seconds();
  ENSIGN_CHECK(store_.add_key_version(key, actor_));
  return key;
}

Result<store::KeyVersion> KeyService::create_key(std::string_view name,
                                                 crypto::KeyAlgorithm algorithm) {
  auto existing = store_.get_key(name);
  if (existing) {
    return fail(ErrorCode::kAlreadyExists, "key '" + std::string(name) +
                                               "' already exists (use `ensign key rotate`)");
  }
  return generate(name, 1, algorithm);
}

Result<store::KeyVersion> KeyService::rotate_key(std::string_view name) {
  ENSIGN_TRY(info, store_.get_key(name));
  auto rotated = generate(name, info.current_version + 1, info.algorithm);
  if (!rotated && rotated.error().code() == ErrorCode::kFailedPrecondition) {
    // Another process rotated at the same moment: take the then-current version once more.
    ENSIGN_TRY(again, store_.get_key(name));
    return generate(name, again.current_version + 1, again.algorithm);
  }
  return rotated;
}

Result<store::KeyVersion> KeyService::current_version(std::string_view name) {
  ENSIGN_TRY(info, store_.get_key(name));
  return store_.key_version(name, info.current_version);
}

Result<LoggedSignature> KeyService::sign_input(const store::KeyVersion& key,
                                               protocol::SignInput input,
                                               std::string_view payload_type, ByteView data,
                                               std::string_view audit_digest,
                                               std::string_view audit_detail,
                                               const SignOptions& options) {
  protocol::SignItem item{key.name,   key.version, key.algorithm,
                          key.sealed_key, key.public_key, actor_,
                          input,      std::string(payload_type), to_bytes(data)};
  auto signed_item = signer_(std::move(item));
  if (!signed_item) {
    return fail(signed_item.error().with_context("signing with " + key_label(key)));
  }
  // The host does not verify the signature again: the enclave signed with the key whose public
  // half the item names (it compares them), the entry is already in the log, and every verifier
  // checks the signature anyway. On the server a second ECDSA verification cost a fifth of the
  // host's CPU per signature (bench/README.md).
  LoggedSignature logged = std::move(signed_item).value();
  if (!options.audit) {
    return logged;
  }
  store::AuditEvent event;
  event.actor = actor_;
  event.action = "sign";
  event.key_name = key.name;
  event.key_version = key.version;
  event.digest = std::string(audit_digest);
  event.detail = std::string(audit_detail) + ", log index " + std::to_string(logged.index);
  ENSIGN_CHECK(store_.append_audit(event));
  return logged;
}

Result<formats::Bundle> KeyService::bundle_for(const store::KeyVersion& key,
                                               const LoggedSignature& logged,
                                               const SignOptions& options) {
  formats::Bundle bundle;
  bundle.public_key_hint = key.fingerprint;
  bundle.tlog_entries.push_back(LogService::tlog_entry(logged));
  if (options.attach_key_attestation && !key.key_attestation.empty()) {
    bundle.key_attestation = formats::KeyAttestation{key.platform, key.key_attestation};
  }
  return bundle;
}

Result<formats::Bundle> KeyService::message_bundle(const store::KeyVersion& key, Bytes digest,
                                                   Result<LoggedSignature> logged,
                                                   const SignOptions& options) {
  if (!logged) {
    return fail(logged.error());
  }
  formats::MessageSignature content;
  content.digest_algorithm = formats::message_digest_algorithm(key.algorithm);
  content.digest = std::move(digest);
  content.signature = logged->signature;
  ENSIGN_TRY(bundle, bundle_for(key, *logged, options));
  bundle.content = std::move(content);
  return bundle;
}

Result<formats::Bundle> KeyService::sign_digest(std::string_view name, ByteView digest,
                                                const SignOptions& options) {
  ENSIGN_TRY(key, current_version(name));
  auto hash_algorithm = crypto::signature_hash(key.algorithm);
  if (!hash_algorithm) {
    return fail(ErrorCode::kInvalidArgument,
                key_label(key) + " is " + std::string(crypto::key_algorithm_name(key.algorithm)) +
                    ", which signs whole messages, not digests");
  }
  if (digest.size() != crypto::hash_size(*hash_algorithm)) {
    return fail(ErrorCode::kInvalidArgument,
                key_label(key) + " signs " + std::to_string(crypto::hash_size(*hash_algorithm)) +
                    "-byte digests, not " + std::to_string(digest.size()) + "-byte ones");
  }
  std::string digest_hex = hex_encode(digest);
  return message_bundle(key, to_bytes(digest),
                        sign_input(key, protocol::SignInput::kDigest, "", digest, digest_hex,
                                   "blob", options),
                        options);
}

Result<formats::Bundle> KeyService::sign_message(std::string_view name, ByteView message,
                                                 const SignOptions& options) {
  if (message.size() > protocol::kMaxSignMessageSize) {
    return fail(ErrorCode::kResourceExhausted,
                "a message to sign is at most " + std::to_string(protocol::kMaxSignMessageSize) +
                    " bytes");
  }
  ENSIGN_TRY(key, current_version(name));
  if (auto hash_algorithm = crypto::signature_hash(key.algorithm)) {
    return sign_digest(name, crypto::hash(*hash_algorithm, message), options);
  }
  Bytes digest = crypto::hash(formats::message_digest_algorithm(key.algorithm), message);
  std::string digest_hex = hex_encode(digest);
  return message_bundle(key, std::move(digest),
                        sign_input(key, protocol::SignInput::kMessage, "", message, digest_hex,
                                   "blob", options),
                        options);
}

Result<formats::Bundle> KeyService::sign_file(std::string_view name, const std::string& path,
                                              const SignOptions& options) {
  ENSIGN_TRY(key, current_version(name));
  if (auto hash_algorithm = crypto::signature_hash(key.algorithm)) {
    ENSIGN_TRY(digest, crypto::hash_file(*hash_algorithm, path));
    return sign_digest(name, digest, options);
  }
  ENSIGN_TRY(message, read_file(path, protocol::kMaxSignMessageSize));
  return sign_message(name, message, options);
}

Result<formats::Bundle> KeyService::sign_dsse(std::string_view name, std::string_view payload_type,
                                              ByteView payload, const SignOptions& options) {
  if (payload.size() > formats::kMaxDssePayloadSize) {
    return fail(ErrorCode::kResourceExhausted,
                "DSSE payload is over the limit of " +
                    std::to_string(formats::kMaxDssePayloadSize) + " bytes");
  }
  ENSIGN_TRY(key, current_version(name));
  std::string audit_digest = hex_encode(crypto::sha256(formats::dsse_pae(payload_type, payload)));
  ENSIGN_TRY(logged, sign_input(key, protocol::SignInput::kDsse, payload_type, payload,
                                audit_digest, "dsse " + std::string(payload_type), options));
  formats::DsseEnvelope envelope;
  envelope.payload_type = std::string(payload_type);
  envelope.payload.assign(payload.begin(), payload.end());
  envelope.keyid = key.fingerprint;
  envelope.signature = logged.signature;
  ENSIGN_TRY(bundle, bundle_for(key, logged, options));
  bundle.content = std::move(envelope);
  return bundle;
}

}  // namespace ensign::host
