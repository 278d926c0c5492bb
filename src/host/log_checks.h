// log_checks.h: an auditor's checks of what they kept from the transparency log: a checkpoint,
// or a Sigstore bundle's tlog entry. LogProofs supplies the proofs; every check is made here,
// with log/merkle.h's verifiers, against the roots in what the auditor kept rather than the
// store's, so a store that was rolled back or rewritten fails them.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "formats/bundle.h"
#include "host/log_proofs.h"

namespace ensign::host {

// check_consistency checks that the smaller of two checkpoints of this log is a prefix of the
// larger, with a consistency proof from `proofs` verified against the two roots, and returns the
// proof's hashes. Checkpoints of one size are consistent only when their roots are equal; the
// empty tree is a prefix of every tree. Fails with Unauthenticated saying why not, also when the
// log holds no checkpoint of the smaller size (it was rolled back or rewritten).
Result<std::vector<Bytes>> check_consistency(LogProofs& proofs,
                                             const SignedCheckpoint& first,
                                             const SignedCheckpoint& second);

// check_kept_checkpoint checks `note`, a checkpoint of this log kept earlier: that it is signed
// by the log key and that the latest checkpoint extends it. Returns the proof checked, old_tree
// being the kept checkpoint. Fails with InvalidArgument when the note is not a signed
// checkpoint, and Unauthenticated when it is of another log or key, newer than the latest (the
// log was rolled back) or not a prefix of it.
Result<ConsistencyProof> check_kept_checkpoint(LogProofs& proofs, std::string_view note);

// TlogEntryCheck is what a passed check_tlog_entry established.
struct TlogEntryCheck {
  std::uint64_t index = 0;
  SignedCheckpoint tree;     // the bundle's checkpoint, which the entry is included in
  SignedCheckpoint against;  // the checkpoint `tree` was found consistent with
};

// check_tlog_entry checks a bundle's first tlog entry against this log: that its log id is this
// log key's; that its checkpoint is signed by the log key and is of the inclusion proof's tree;
// that the proof puts the leaf hash of its canonicalized body at its log index; that the body is
// the log entry of the bundle's own signature; and that the checkpoint is consistent with
// `against` (the latest checkpoint when null, which open_log_checkpoint must have opened).
// Fails with InvalidArgument when the bundle has no tlog entry or its checkpoint is not a signed
// checkpoint, and with Unauthenticated naming the first check that fails.
Result<TlogEntryCheck> check_tlog_entry(LogProofs& proofs,
                                        const formats::Bundle& bundle,
                                        const SignedCheckpoint* against);

}  // namespace ensign::host
