// log_signer.h: LogSigner, the enclave's side of the transparency log. It makes the log's key
// and its empty state, and it answers every Sign request: the enclave signs a batch, writes each
// signing event's log entry itself, integrates the entries into the tree it keeps (a compact
// range in the sealed state), signs a checkpoint of the new tree with the log key, and only then
// releases the signatures, together with their entries and the checkpoint. There is no other way
// to get a signature out of the enclave, so every signature it ever released is in the log.
//
// Within one enclave process only the newest state, or a state whose tree the host proves (by an
// RFC 9162 consistency proof) to extend the newest tree this enclave signed, continues the log:
// that is how a server's enclave goes on after a local `ensign sign` or a second server on the
// same database appended. What the host can still do is restart the enclave and offer an older
// sealed state, which forks the log: two checkpoints of one size with different roots, which an
// auditor who kept a checkpoint detects with a consistency proof. A monotonic counter (a TPM NV counter) would stop it; there is none yet.
#pragma once

#include "core/openssl_handles.h"
#include "core/time.h"
#include "core/result.h"
#include "enclave/keyring.h"
#include "enclave/log_state.h"
#include "enclave/protocol/messages.h"
#include "log/signed_note.h"
#include "tee/platform.h"

namespace ensign::enclave {

// kLogObjectId is the sealing object id of the log key and of the log state.
inline constexpr char kLogObjectId[] = "ensign.log@1";

class LogSigner {
 public:
  // LogSigner borrows `platform` and `keyring`, which must outlive it.
  LogSigner(tee::Platform& platform, Keyring& keyring) : platform_(platform), keyring_(keyring) {}

  // create makes a new log: an ECDSA P-256 key sealed for tee::SealPurpose::kLogKey, with its
  // key attestation, the empty tree's sealed state and its signed checkpoint.
  Result<protocol::CreateLogReply> create(const protocol::CreateLogRequest& request);

  // sign signs every item, logs them as leaves size, size + 1, ... of the tree and returns the
  // signatures with their entries, the new sealed state and the new checkpoint. Fails, logging
  // nothing, when the key or the state does not unseal (DataLoss), the state is another log
  // key's (InvalidArgument), or an item cannot be signed (its error, naming the item).
  Result<protocol::SignReply> sign(const protocol::SignRequest& request);

 private:
  // log_key returns the log key sealed in `sealed`, unsealing it once per blob.
  Result<EVP_PKEY*> log_key(ByteView sealed);
  // state returns the log state sealed in `sealed`: the first time, unsealed; after that the
  // state this signer made last, or one that `consistency_proof` shows extends it
  // (FailedPrecondition otherwise).
  Result<LogState> state(ByteView sealed, const std::vector<Bytes>& consistency_proof);
  // seal_and_sign seals `state` and signs its checkpoint, remembering both.
  Result<std::pair<Bytes, Bytes>> seal_and_sign(LogState state, EVP_PKEY* key);
  // note_key_id is the log key's signed-note key ID, from the kept digest of its public key.
  log::NoteKeyId note_key_id() const;
  // sign_item signs one item and returns its signature and log entry.
  Result<protocol::SignedItem> sign_item(const protocol::SignItem& item, UnixTime time);

  tee::Platform& platform_;
  Keyring& keyring_;
  Bytes key_blob_digest_;
  EvpPkeyPtr key_;
  Bytes key_spki_digest_;
  Bytes state_blob_digest_;
  LogState state_;
};

}  // namespace ensign::enclave
