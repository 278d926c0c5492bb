#include "host/log_proofs.h"

#include "log/merkle.h"
#include "log/signed_note.h"

namespace ensign::host {
namespace {

// stored_data_loss re-codes an error met on stored data: whatever the code, the store does not
// hold what the signed checkpoints commit to.
Unexpected stored_data_loss(std::string_view context, const Error& error) {
  return fail(ErrorCode::kDataLoss, std::string(context) + ": " + error.message());
}

}  // namespace

Result<SignedCheckpoint> open_log_checkpoint(std::string_view note, const store::LogHead& head) {
  // Read the origin first, unverified, only to say whose checkpoint it is when it is not ours.
  ENSIGN_TRY(parsed, log::parse_signed_note(note));
  ENSIGN_TRY(claimed, log::parse_checkpoint_text(parsed.text));
  if (claimed.origin != head.origin) {
    return fail(ErrorCode::kUnauthenticated,
                "the checkpoint is of the log '" + claimed.origin +
                    "', not of this installation's log '" + head.origin + "'");
  }
  auto opened = log::verify_checkpoint(note, head.origin, head.public_key);
  if (!opened) {
    return fail(ErrorCode::kUnauthenticated,
                "the checkpoint is not signed by the log key of '" + head.origin +
                    "': " + opened.error().message());
  }
  return SignedCheckpoint{std::string(note), std::move(opened).value()};
}

Result<store::LogHead> LogProofs::head() {
  ENSIGN_TRY(head, store_.log_head());
  if (!head) {
    return fail(ErrorCode::kFailedPrecondition,
                "there is no transparency log yet: the first `ensign sign` makes it");
  }
  return std::move(*head);
}

Result<SignedCheckpoint> LogProofs::stored_checkpoint(const store::LogHead& head,
                                                      std::string_view note,
                                                      std::uint64_t size) {
  std::string name = "the stored checkpoint of size " + std::to_string(size);
  auto opened = open_log_checkpoint(note, head);
  if (!opened) {
    return stored_data_loss(name, opened.error());
  }
  if (opened->checkpoint.size != size) {
    return fail(ErrorCode::kDataLoss,
                name + " is of size " + std::to_string(opened->checkpoint.size));
  }
  return opened;
}

Result<SignedCheckpoint> LogProofs::latest() {
  ENSIGN_TRY(current, head());
  return stored_checkpoint(current, current.checkpoint, current.size);
}

Result<SignedCheckpoint> LogProofs::checkpoint(std::uint64_t size) {
  ENSIGN_TRY(current, head());
  auto note = store_.log_checkpoint(size);
  if (!note && note.error().code() == ErrorCode::kNotFound) {
    return fail(ErrorCode::kNotFound,
                "the log has no signed checkpoint of size " + std::to_string(size) +
                    " (one is signed per batch; " + "the latest is of size " +
                    std::to_string(current.size) + ")");
  }
  ENSIGN_CHECK(note);
  return stored_checkpoint(current, *note, size);
}

log::NodeReader LogProofs::stored_nodes() {
  return [this](log::NodeId id) { return store_.log_node(id); };
}

Result<SignedCheckpoint> LogProofs::tree(std::optional<std::uint64_t> size) {
  return size ? checkpoint(*size) : latest();
}

Result<InclusionProof> LogProofs::inclusion_proof(std::uint64_t index,
                                                  std::optional<std::uint64_t> size) {
  ENSIGN_TRY(tree, this->tree(size));
  std::uint64_t tree_size = tree.checkpoint.size;
  std::string entry = "log entry " + std::to_string(index);
  if (index >= tree_size) {
    return fail(ErrorCode::kNotFound,
                "the log's tree of " + std::to_string(tree_size) + " leaves has no " + entry);
  }
  ENSIGN_TRY(rows, store_.log_entries(index, 1));
  if (rows.empty() || rows.front().index != index) {
    return fail(ErrorCode::kDataLoss, entry + " is missing from the store");
  }
  InclusionProof proof{index, log::leaf_hash(as_bytes(rows.front().body)), {}, std::move(tree)};
  // Check what is handed out: a proof the stored entry and nodes cannot back is data loss.
  std::string context = "the stored log does not prove " + entry +
                        " in the signed checkpoint of size " + std::to_string(tree_size);
  auto hashes = log::inclusion_proof(index, tree_size, stored_nodes());
  if (!hashes) {
    return stored_data_loss(context, hashes.error());
  }
  proof.hashes = std::move(hashes).value();
  auto verified = log::verify_inclusion(
      index, tree_size, proof.leaf_hash, proof.hashes, proof.tree.checkpoint.root_hash);
  if (!verified) {
    return stored_data_loss(context, verified.error());
  }
  return proof;
}

Result<InclusionProof> LogProofs::inclusion_proof_of(ByteView leaf_hash,
                                                     std::optional<std::uint64_t> size) {
  ENSIGN_TRY(index, store_.find_log_entry(leaf_hash));
  ENSIGN_TRY(proof, inclusion_proof(index, size));
  if (proof.leaf_hash != Bytes(leaf_hash.begin(), leaf_hash.end())) {
    return fail(ErrorCode::kDataLoss,
                "the stored leaf hash of log entry " + std::to_string(index) +
                    " is not the hash of its body");
  }
  return proof;
}

Result<ConsistencyProof> LogProofs::consistency_proof(std::uint64_t old_size,
                                                      std::optional<std::uint64_t> new_size) {
  ENSIGN_TRY(new_tree, tree(new_size));
  std::uint64_t size2 = new_tree.checkpoint.size;
  if (old_size == 0 || old_size > size2) {
    return fail(ErrorCode::kInvalidArgument,
                "no consistency proof from a tree of " + std::to_string(old_size) +
                    " leaves to one of " + std::to_string(size2));
  }
  ENSIGN_TRY(old_tree, checkpoint(old_size));
  std::string context = "the stored log does not prove its signed checkpoint of size " +
                        std::to_string(old_size) + " a prefix of the one of size " +
                        std::to_string(size2);
  auto hashes = log::consistency_proof(old_size, size2, stored_nodes());
  if (!hashes) {
    return stored_data_loss(context, hashes.error());
  }
  auto verified = log::verify_consistency(
      old_size, size2, old_tree.checkpoint.root_hash, new_tree.checkpoint.root_hash, *hashes);
  if (!verified) {
    return stored_data_loss(context, verified.error());
  }
  return ConsistencyProof{std::move(hashes).value(), std::move(old_tree), std::move(new_tree)};
}

}  // namespace ensign::host
