// log_proofs.h: LogProofs, the read side of the host's transparency log: the enclave's signed
// checkpoints and the inclusion and consistency proofs between them, built from the stored tree
// and checked against those checkpoints before they are handed out. It needs only the store, so
// the CLI and a server can answer for the log without starting the enclave.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "host/store/store.h"
#include "log/checkpoint.h"
#include "log/proofs.h"

namespace ensign::host {

// SignedCheckpoint is a checkpoint note as the enclave signed it, and what it says.
struct SignedCheckpoint {
  std::string note;
  log::Checkpoint checkpoint;
};

// open_log_checkpoint checks that `note` is a checkpoint of `head`'s log, signed by its log key,
// and reads it. Fails with InvalidArgument when the note is not a signed checkpoint, and with
// Unauthenticated when it is of another log (naming both origins) or has no signature by the log
// key that verifies.
Result<SignedCheckpoint> open_log_checkpoint(std::string_view note, const store::LogHead& head);

// InclusionProof proves that the leaf `leaf_hash` is at `index` of the tree `tree` is of.
struct InclusionProof {
  std::uint64_t index = 0;
  Bytes leaf_hash;            // recomputed from the stored entry: SHA-256(0x00 || entry)
  std::vector<Bytes> hashes;  // from the leaf's sibling up
  SignedCheckpoint tree;
};

// ConsistencyProof proves that old_tree is a prefix of new_tree.
struct ConsistencyProof {
  std::vector<Bytes> hashes;
  SignedCheckpoint old_tree;
  SignedCheckpoint new_tree;
};

class LogProofs {
 public:
  // LogProofs borrows the store.
  explicit LogProofs(store::Store& store) : store_(store) {}

  // head returns the log's head; FailedPrecondition when no log was made yet (the first
  // `ensign sign` makes it).
  Result<store::LogHead> head();

  // latest returns the head's checkpoint. Fails with DataLoss when it does not verify with the
  // log key or is not of the head's size.
  Result<SignedCheckpoint> latest();

  // checkpoint returns the stored checkpoint of the tree of `size` leaves. Fails with NotFound
  // when the enclave signed none of that size, and DataLoss when the stored one does not verify
  // with the log key or is of another size.
  Result<SignedCheckpoint> checkpoint(std::uint64_t size);

  // inclusion_proof returns the proof of leaf `index` in the tree of `size` leaves (which must
  // have a checkpoint), or of the latest tree. Fails with NotFound when the tree has no such
  // leaf, and DataLoss when the stored entry and nodes do not prove it in the checkpoint.
  Result<InclusionProof> inclusion_proof(std::uint64_t index, std::optional<std::uint64_t> size);

  // inclusion_proof_of is inclusion_proof for the leaf whose stored hash is `leaf_hash`;
  // NotFound when no leaf of the tree has it.
  Result<InclusionProof> inclusion_proof_of(ByteView leaf_hash, std::optional<std::uint64_t> size);

  // consistency_proof returns the proof that the tree of `old_size` leaves is a prefix of the
  // tree of `new_size` leaves (or the latest); both must have checkpoints. Fails with
  // InvalidArgument unless 0 < old_size <= new_size, NotFound without the checkpoints, and
  // DataLoss when the stored nodes do not prove the one checkpoint a prefix of the other.
  Result<ConsistencyProof> consistency_proof(std::uint64_t old_size,
                                             std::optional<std::uint64_t> new_size);

 private:
  // tree returns the checkpoint of `size`, or the latest.
  Result<SignedCheckpoint> tree(std::optional<std::uint64_t> size);
  Result<SignedCheckpoint> stored_checkpoint(const store::LogHead& head,
                                             std::string_view note,
                                             std::uint64_t size);
  // stored_nodes reads the store's tree nodes for log/proofs.h.
  log::NodeReader stored_nodes();

  store::Store& store_;
};

}  // namespace ensign::host
