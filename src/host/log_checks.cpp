#include "host/log_checks.h"

#include <variant>

#include "crypto/hash.h"
#include "crypto/keys.h"
#include "log/entry.h"
#include "log/merkle.h"

namespace ensign::host {
namespace {

Unexpected unauthenticated(std::string message) {
  return fail(ErrorCode::kUnauthenticated, std::move(message));
}

std::string checkpoint_name(const log::Checkpoint& checkpoint) {
  return "checkpoint of size " + std::to_string(checkpoint.size);
}

// signed_content tells whether a log entry is of the bundle's signature: the same kind, key,
// signature and digest (the artifact's, or the DSSE payload's).
bool signed_content(const log::Entry& entry, const formats::Bundle& bundle) {
  if (crypto::key_fingerprint(entry.public_key) != bundle.public_key_hint) {
    return false;
  }
  if (const auto* message = std::get_if<formats::MessageSignature>(&bundle.content)) {
    return entry.kind == log::EntryKind::kHashedRekord &&
           entry.digest_algorithm == message->digest_algorithm && entry.digest == message->digest &&
           entry.signature == message->signature;
  }
  const auto& envelope = std::get<formats::DsseEnvelope>(bundle.content);
  return entry.kind == log::EntryKind::kDsse &&
         entry.digest == crypto::hash(entry.digest_algorithm, envelope.payload) &&
         entry.signature == envelope.signature;
}

// check_body checks that a tlog entry's body is the log entry of the bundle's signature, so an
// entry cannot be moved from one bundle into another.
Status check_body(const formats::TlogEntry& tlog, const formats::Bundle& bundle) {
  auto entry = log::parse_entry(as_string_view(tlog.canonicalized_body));
  if (!entry) {
    return unauthenticated("the tlog entry's body is not a log entry: " + entry.error().message());
  }
  if (log::entry_kind_name(entry->kind) != tlog.kind) {
    return unauthenticated("the tlog entry is of kind '" + tlog.kind + "', its body of kind '" +
                           std::string(log::entry_kind_name(entry->kind)) + "'");
  }
  if (!signed_content(*entry, bundle)) {
    return unauthenticated("the tlog entry's body logs another signature than the bundle's");
  }
  return {};
}

}  // namespace

Result<std::vector<Bytes>> check_consistency(LogProofs& proofs,
                                             const SignedCheckpoint& first,
                                             const SignedCheckpoint& second) {
  bool in_order = first.checkpoint.size <= second.checkpoint.size;
  const log::Checkpoint& older = in_order ? first.checkpoint : second.checkpoint;
  const log::Checkpoint& newer = in_order ? second.checkpoint : first.checkpoint;
  if (older.size == 0) {
    if (older.root_hash != log::empty_root()) {
      return unauthenticated("the " + checkpoint_name(older) +
                             " does not have the empty tree's root");
    }
    return std::vector<Bytes>();
  }
  std::vector<Bytes> hashes;
  if (older.size < newer.size) {
    auto proof = proofs.consistency_proof(older.size, newer.size);
    if (!proof && proof.error().code() == ErrorCode::kNotFound) {
      return unauthenticated(proof.error().message() + ": the log was rolled back or rewritten");
    }
    ENSIGN_CHECK(proof);
    hashes = std::move(proof->hashes);
  }
  // Against the roots given, not the store's: the proof must hold for what the caller kept.
  auto verified =
      log::verify_consistency(older.size, newer.size, older.root_hash, newer.root_hash, hashes);
  if (!verified) {
    return unauthenticated("the " + checkpoint_name(older) + " is not a prefix of the " +
                           checkpoint_name(newer) + ": " + verified.error().message());
  }
  return hashes;
}

Result<ConsistencyProof> check_kept_checkpoint(LogProofs& proofs, std::string_view note) {
  ENSIGN_TRY(head, proofs.head());
  ENSIGN_TRY(kept, open_log_checkpoint(note, head));
  ENSIGN_TRY(latest, proofs.latest());
  if (kept.checkpoint.size > latest.checkpoint.size) {
    return unauthenticated("the kept " + checkpoint_name(kept.checkpoint) +
                           " is newer than the log's latest, of size " +
                           std::to_string(latest.checkpoint.size) + ": the log was rolled back");
  }
  ENSIGN_TRY(hashes, check_consistency(proofs, kept, latest));
  return ConsistencyProof{std::move(hashes), std::move(kept), std::move(latest)};
}

Result<TlogEntryCheck> check_tlog_entry(LogProofs& proofs,
                                        const formats::Bundle& bundle,
                                        const SignedCheckpoint* against) {
  if (bundle.tlog_entries.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "the bundle has no tlog entry (verificationMaterial.tlogEntries)");
  }
  const formats::TlogEntry& tlog = bundle.tlog_entries.front();
  ENSIGN_TRY(head, proofs.head());
  if (tlog.log_id != crypto::sha256(head.public_key)) {
    return unauthenticated("the tlog entry is of another log (logId " + base64_encode(tlog.log_id) +
                           "), not of '" + head.origin + "'");
  }
  auto opened = open_log_checkpoint(tlog.checkpoint, head);
  if (!opened) {
    return fail(opened.error().with_context("the tlog entry's checkpoint"));
  }
  TlogEntryCheck check{tlog.log_index, std::move(opened).value(), {}};
  const log::Checkpoint& tree = check.tree.checkpoint;
  if (tlog.tree_size != tree.size || tlog.root_hash != tree.root_hash) {
    return unauthenticated("the inclusion proof's tree size and root are not those of its " +
                           checkpoint_name(tree));
  }
  auto included = log::verify_inclusion(tlog.log_index,
                                        tree.size,
                                        log::leaf_hash(tlog.canonicalized_body),
                                        tlog.hashes,
                                        tree.root_hash);
  if (!included) {
    return unauthenticated("the inclusion proof of log entry " + std::to_string(tlog.log_index) +
                           " in the " + checkpoint_name(tree) + ": " + included.error().message());
  }
  ENSIGN_CHECK(check_body(tlog, bundle));
  if (against != nullptr) {
    check.against = *against;
  } else {
    ENSIGN_TRY(latest, proofs.latest());
    check.against = std::move(latest);
  }
  ENSIGN_CHECK(check_consistency(proofs, check.tree, check.against));
  return check;
}

}  // namespace ensign::host
