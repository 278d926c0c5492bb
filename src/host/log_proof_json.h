// log_proof_json.h: the JSON form of the log's proofs, as `ensign log proof --json` prints them
// and ensignd's /v1/log/proof routes answer: hashes in standard base64, the proof's hashes in
// order from the leaf up, and each tree's checkpoint note as the enclave signed it.
#pragma once

#include <nlohmann/json.hpp>

#include "host/log_proofs.h"

namespace ensign::host {

// {"index", "tree_size", "leaf_hash", "root_hash", "proof": [B64...], "checkpoint"}
nlohmann::json inclusion_proof_json(const InclusionProof& proof);

// The largest inclusion proof answer read: 65 hashes and a checkpoint note, with room.
inline constexpr std::size_t kMaxInclusionProofJsonSize = 64 * 1024;

// read_inclusion_proof_json reads what inclusion_proof_json writes, as a server answered it, and
// checks the proof's arithmetic: its tree_size and root_hash are its checkpoint's, and the
// hashes lead from the leaf to that root (RFC 9162 section 2.1.3.2). It does not check the
// checkpoint's signature, which needs a log key the reader trusts. Fails with InvalidArgument
// on malformed JSON and Unauthenticated when the proof does not hold.
Result<InclusionProof> read_inclusion_proof_json(std::string_view text);

// {"first_size", "second_size", "first_root_hash", "second_root_hash", "proof": [B64...],
//  "first_checkpoint", "second_checkpoint"}
nlohmann::json consistency_proof_json(const ConsistencyProof& proof);

}  // namespace ensign::host
