// state.h: where an installation keeps its state (ENSIGN_HOME) and who is acting on it.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "host/store/store.h"

namespace ensign::host {

inline constexpr char kDatabaseFileName[] = "ensign.db";
// kDatabaseVariable names the environment variable that puts the store elsewhere: a store URL
// (store::Store::open_url), such as sqlite:PATH or postgresql://user@host/db.
inline constexpr char kDatabaseVariable[] = "ENSIGN_DB";
inline constexpr char kSimRootPublicFileName[] = "sim-root.pub.pem";
inline constexpr char kTpmAkPublicFileName[] = "tpm-ak.pub.pem";  // the TPM's attestation key

// Meta names the installation records at `ensign init`.
inline constexpr char kMetaPlatform[] = "platform";
inline constexpr char kMetaMeasurement[] = "measurement";    // hex
inline constexpr char kMetaPlatformKey[] = "platform_key";   // base64 DER SPKI
inline constexpr char kMetaInitializedAt[] = "initialized_at";
inline constexpr char kMetaTcti[] = "tpm_tcti";  // tpm: the TCTI `ensign init --tcti` chose
// The verifier key, made on first use by `ensign attest verifier-key` or `attest verify --token`.
inline constexpr char kMetaVerifierPublicKey[] = "verifier_public_key";    // base64 DER SPKI
inline constexpr char kMetaVerifierSealedKey[] = "verifier_sealed_key";    // base64 sealed blob
inline constexpr char kMetaVerifierAttestation[] = "verifier_attestation";  // base64 evidence

// state_dir returns $ENSIGN_HOME, else $XDG_DATA_HOME/ensign, else ~/.local/share/ensign.
Result<std::string> state_dir();

// ensure_state_dir creates `dir` (and parents) with mode 0700 when absent; fails with
// FailedPrecondition when it exists with group or other access.
Status ensure_state_dir(const std::string& dir);

// open_store opens the database $ENSIGN_DB names, or when it is unset or empty `dir`'s
// ensign.db; with kExisting a missing or empty one is FailedPrecondition telling the user to run
// `ensign init`.
Result<std::unique_ptr<store::Store>> open_store(const std::string& dir, store::OpenMode mode);

// current_actor returns the name recorded in the audit table for local use: "local:<user>".
std::string current_actor();

}  // namespace ensign::host
