// bundle_check.h: checking a Sigstore bundle against the versions of one of the installation's
// keys (or a given public key) and, when asked, the key's attestation: the one check behind
// `ensign verify` run locally and POST /v1/keys/NAME/verify, so both report alike.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "formats/bundle.h"
#include "formats/verify.h"
#include "host/store/store.h"

namespace ensign::host {

// SignerCandidate is a public key the bundle may have been made with.
struct SignerCandidate {
  Bytes public_key;
  std::string label;  // "release@v2" or the PEM file name
};

// key_signers returns the versions of key `name` whose fingerprint is `hint` (every version when
// `hint` is empty). Fails with NotFound when there is no such key.
Result<std::vector<SignerCandidate>> key_signers(store::Store& store, const std::string& name,
                                                 const std::string& hint);

// AttestationCheck says whether the bundle's key attestation must verify, with which
// measurement, and where the platform root comes from (read only when it is needed).
struct AttestationCheck {
  bool required = false;
  std::optional<Bytes> measurement;  // implies required
  std::function<Result<Bytes>()> platform_root;
};

// BundleCheck is a completed check: valid or not, why not, and a report naming the signer
// ("signer", "key_id") and the checked key attestation ("key_attestation").
struct BundleCheck {
  bool valid = false;
  std::string reason;
  nlohmann::json report = nlohmann::json::object();
};

// check_bundle verifies `bundle` over `artifact` with each candidate in turn; the first that
// verifies is the signer. `key_name` names the key in the reason when no candidate is left.
// Fails only when the check cannot be carried out (formats::verify_bundle's errors, an
// unreadable platform root).
Result<BundleCheck> check_bundle(const formats::Bundle& bundle,
                                 const std::optional<formats::Artifact>& artifact,
                                 const std::vector<SignerCandidate>& candidates,
                                 const std::string& key_name, const AttestationCheck& attestation);

// bundle_check_json is the check's report with "verified" and, when invalid, "reason": what
// `ensign verify --json` prints and POST /v1/keys/NAME/verify answers.
nlohmann::json bundle_check_json(const BundleCheck& check);

}  // namespace ensign::host
