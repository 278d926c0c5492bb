#include "enclave/log_signer.h"

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/keys.h"
#include "formats/signing_input.h"
#include "log/checkpoint.h"
#include "log/entry.h"
#include "log/merkle.h"

namespace ensign::enclave {

static_assert(protocol::kMaxRequesterSize == log::kMaxRequesterSize);
static_assert(protocol::kMaxLogEntrySize == log::kMaxEntrySize);
static_assert(protocol::kMaxCheckpointSize == log::kMaxNoteSize);

namespace {

// entry_digest returns what the log entry names as signed: the artifact's digest (as the bundle's
// messageDigest has it) or the DSSE payload's SHA-256.
std::pair<crypto::HashAlgorithm, Bytes> entry_digest(const protocol::SignItem& item) {
  switch (item.input) {
    case protocol::SignInput::kDigest:
      return {formats::message_digest_algorithm(item.algorithm), item.data};
    case protocol::SignInput::kMessage: {
      auto algorithm = formats::message_digest_algorithm(item.algorithm);
      return {algorithm, crypto::hash(algorithm, item.data)};
    }
    case protocol::SignInput::kDsse:
      break;
  }
  return {crypto::HashAlgorithm::kSha256, crypto::sha256(item.data)};
}

}  // namespace

Result<EVP_PKEY*> LogSigner::log_key(ByteView sealed) {
  Bytes digest = crypto::sha256(sealed);
  if (key_ && digest == key_blob_digest_) {
    return key_.get();
  }
  ENSIGN_TRY(private_der, platform_.unseal(tee::SealPurpose::kLogKey, kLogObjectId, sealed));
  ENSIGN_TRY(key, crypto::private_key_from_der(private_der, crypto::KeyAlgorithm::kEcdsaP256));
  ENSIGN_TRY(spki, crypto::public_key_to_der(key.get()));
  key_ = std::move(key);
  key_blob_digest_ = std::move(digest);
  key_spki_digest_ = crypto::sha256(spki);
  return key_.get();
}

Result<LogState> LogSigner::state(ByteView sealed, const std::vector<Bytes>& consistency_proof) {
  Bytes digest = crypto::sha256(sealed);
  if (!state_blob_digest_.empty() && digest == state_blob_digest_) {
    return state_;
  }
  ENSIGN_TRY(bytes, platform_.unseal(tee::SealPurpose::kLogState, kLogObjectId, sealed));
  ENSIGN_TRY(offered, decode_log_state(bytes.view()));
  if (state_blob_digest_.empty()) {
    return offered;
  }
  // Once this enclave has moved the log on, it continues only a tree that extends the newest one
  // it signed (another enclave process on the same store moved it on since): an older or
  // diverging state would sign a second tree of a size already signed (a fork).
  if (offered.origin != state_.origin || offered.log_key_digest != state_.log_key_digest) {
    return fail(ErrorCode::kInvalidArgument, "the log state belongs to another log");
  }
  std::uint64_t newest = state_.range.size();
  if (offered.range.size() < newest) {
    return fail(ErrorCode::kFailedPrecondition,
                "the log state (" + std::to_string(offered.range.size()) +
                    " entries) is older than the newest this enclave made (" +
                    std::to_string(newest) + " entries): stale or forked");
  }
  if (newest > 0) {
    auto extends = log::verify_consistency(
        newest, offered.range.size(), state_.range.root(), offered.range.root(), consistency_proof);
    if (!extends) {
      return fail(ErrorCode::kFailedPrecondition,
                  "the log state does not extend the newest tree this enclave signed (" +
                      std::to_string(newest) +
                      " entries), stale or forked: " + extends.error().message());
    }
  }
  offered.last_time = std::max(offered.last_time, state_.last_time);
  return offered;
}

Result<std::pair<Bytes, Bytes>> LogSigner::seal_and_sign(LogState state, EVP_PKEY* key) {
  Bytes encoded = encode_log_state(state);
  ENSIGN_TRY(
      sealed,
      platform_.seal(tee::SealPurpose::kLogState, kLogObjectId, SecretBytes::copy_of(encoded)));
  log::Checkpoint checkpoint{state.origin, state.range.size(), state.range.root(), {}};
  ENSIGN_TRY(note, log::sign_checkpoint(checkpoint, state.origin, key, note_key_id()));
  state_blob_digest_ = crypto::sha256(sealed);
  state_ = std::move(state);
  return std::pair{std::move(sealed), to_bytes(note)};
}

log::NoteKeyId LogSigner::note_key_id() const {
  log::NoteKeyId id{};
  std::copy_n(key_spki_digest_.begin(), id.size(), id.begin());  // log::note_key_id's rule
  return id;
}

Result<protocol::CreateLogReply> LogSigner::create(const protocol::CreateLogRequest& request) {
  ENSIGN_TRY(
      pair,
      generate_sealed_key(
          platform_, crypto::KeyAlgorithm::kEcdsaP256, tee::SealPurpose::kLogKey, kLogObjectId));
  LogState empty{request.origin, crypto::sha256(pair.public_key), {}, 0};
  key_blob_digest_ = crypto::sha256(pair.sealed_key);
  key_spki_digest_ = empty.log_key_digest;
  key_ = std::move(pair.key);
  ENSIGN_TRY(sealed_and_signed, seal_and_sign(std::move(empty), key_.get()));
  return protocol::CreateLogReply{std::move(pair.public_key),
                                  std::move(pair.sealed_key),
                                  std::move(pair.key_attestation),
                                  std::move(sealed_and_signed.first),
                                  std::move(sealed_and_signed.second)};
}

Result<protocol::SignedItem> LogSigner::sign_item(const protocol::SignItem& item, UnixTime time) {
  Result<Bytes> signature = fail(ErrorCode::kInternal, "unsigned");
  if (item.input == protocol::SignInput::kDsse) {
    signature = keyring_.sign(
        item, protocol::SignInput::kMessage, formats::dsse_pae(item.payload_type, item.data));
  } else {
    signature = keyring_.sign(item, item.input, item.data);
  }
  if (!signature) {
    return fail(signature.error());
  }
  auto [digest_algorithm, digest] = entry_digest(item);
  log::Entry entry;
  entry.kind = item.input == protocol::SignInput::kDsse ? log::EntryKind::kDsse
                                                        : log::EntryKind::kHashedRekord;
  entry.digest_algorithm = digest_algorithm;
  entry.digest = std::move(digest);
  entry.signature = *signature;
  entry.public_key = item.public_key;
  entry.key_algorithm = item.algorithm;
  entry.key_name = item.key_id;
  entry.key_version = item.version;
  entry.requester = item.requester;
  entry.time = time;
  ENSIGN_TRY(body, log::encode_entry(entry));
  return protocol::SignedItem{std::move(signature).value(), to_bytes(body)};
}

Result<protocol::SignReply> LogSigner::sign(const protocol::SignRequest& request) {
  ENSIGN_TRY(key, log_key(request.sealed_log_key));
  ENSIGN_TRY(current, state(request.sealed_log_state, request.consistency_proof));
  if (current.log_key_digest != key_spki_digest_) {
    return fail(ErrorCode::kInvalidArgument, "the log state belongs to another log key");
  }
  // The host's clock, kept from going back: entries are in time order.
  current.last_time = std::max<std::uint64_t>(current.last_time, request.time);
  protocol::SignReply reply;
  reply.first_index = current.range.size();
  for (std::size_t index = 0; index < request.items.size(); ++index) {
    auto signed_item = sign_item(request.items[index], static_cast<UnixTime>(current.last_time));
    if (!signed_item) {
      return fail(signed_item.error().with_context("item " + std::to_string(index)));
    }
    ENSIGN_CHECK(current.range.append(log::leaf_hash(signed_item->entry)));
    reply.items.push_back(std::move(signed_item).value());
  }
  ENSIGN_TRY(sealed_and_signed, seal_and_sign(std::move(current), key));
  reply.sealed_log_state = std::move(sealed_and_signed.first);
  reply.checkpoint = std::move(sealed_and_signed.second);
  return reply;
}

}  // namespace ensign::enclave
