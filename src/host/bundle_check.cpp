#include "host/bundle_check.h"

#include "attest/key_attestation.h"
#include "crypto/keys.h"
#include "host/key_view.h"

namespace ensign::host {

Result<std::vector<SignerCandidate>> key_signers(store::Store& store, const std::string& name,
                                                 const std::string& hint) {
  ENSIGN_TRY(versions, store.key_versions(name));
  std::vector<SignerCandidate> candidates;
  for (auto& version : versions) {
    if (hint.empty() || version.fingerprint == hint) {
      candidates.push_back({std::move(version.public_key), key_label(version)});
    }
  }
  return candidates;
}

Result<BundleCheck> check_bundle(const formats::Bundle& bundle,
                                 const std::optional<formats::Artifact>& artifact,
                                 const std::vector<SignerCandidate>& candidates,
                                 const std::string& key_name, const AttestationCheck& attestation) {
  BundleCheck check;
  if (candidates.empty()) {
    check.reason = "the bundle was made by key id " + bundle.public_key_hint +
                   ", which is no version of key '" + key_name + "'";
    return check;
  }
  const SignerCandidate* signer = nullptr;
  std::string first_reason;
  for (const auto& candidate : candidates) {
    ENSIGN_TRY(verdict, formats::verify_bundle(bundle, artifact, candidate.public_key));
    if (verdict.valid) {
      signer = &candidate;
      break;
    }
    if (first_reason.empty()) {
      first_reason = verdict.reason;
    }
  }
  if (signer == nullptr) {
    check.reason = first_reason;
    return check;
  }
  check.report["signer"] = signer->label;
  check.report["key_id"] = crypto::key_fingerprint(signer->public_key);
  if (attestation.required || attestation.measurement) {
    if (!bundle.key_attestation) {
      check.reason = "the bundle carries no key attestation (signed with --no-attestation?)";
      return check;
    }
    ENSIGN_TRY(root, attestation.platform_root());
    auto result = attest::verify_key_attestation(bundle.key_attestation->platform,
                                                 bundle.key_attestation->evidence,
                                                 signer->public_key, root, attestation.measurement);
    check.report["key_attestation"] = attestation_json(result, bundle.key_attestation->evidence);
    if (!result.verified) {
      check.reason = "key attestation: " + result.reason;
      return check;
    }
  }
  check.valid = true;
  return check;
}

nlohmann::json bundle_check_json(const BundleCheck& check) {
  nlohmann::json report = check.report;
  report["verified"] = check.valid;
  if (!check.valid) {
    report["reason"] = check.reason;
  }
  return report;
}

}  // namespace ensign::host
