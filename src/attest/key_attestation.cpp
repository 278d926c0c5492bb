#include "attest/key_attestation.h"

#include "attest/sim_evidence.h"
#include "attest/tpm/key_attestation.h"
#include "tee/sim/report.h"

namespace ensign::attest {
namespace {

// with_measurement_checked completes a result whose evidence verified: verified, unless its
// measurement is not the expected one.
KeyAttestationResult with_measurement_checked(KeyAttestationResult result,
                                              const std::optional<Bytes>& expected_measurement) {
  if (expected_measurement && *expected_measurement != result.measurement) {
    result.reason = "measurement " + hex_encode(result.measurement) + " is not the expected " +
                    hex_encode(*expected_measurement);
    return result;
  }
  result.verified = true;
  return result;
}

KeyAttestationResult verify_sim(ByteView evidence, ByteView public_key, ByteView platform_key,
                                const std::optional<Bytes>& expected_measurement) {
  KeyAttestationResult result;
  result.platform = tee::sim::kSimPlatformName;
  Verification verification =
      verify_sim_evidence(evidence, Bytes(platform_key.begin(), platform_key.end()));
  result.measurement = verification.measurement;
  result.report_data = verification.report_data;
  if (verification.claims.value("simulated", false)) {
    result.flags.emplace_back("simulated");
  }
  if (verification.debug) {
    result.flags.emplace_back("debug");
  }
  if (!verification.verified()) {
    result.reason = verification.errors.front();
    return result;
  }
  if (verification.report_data != tee::sim::key_attestation_report_data(public_key)) {
    result.reason = "the report data does not bind this public key (the evidence is for another key)";
    return result;
  }
  return with_measurement_checked(std::move(result), expected_measurement);
}

KeyAttestationResult verify_tpm(ByteView evidence, ByteView public_key, ByteView platform_key,
                                const std::optional<Bytes>& expected_measurement) {
  KeyAttestationResult result;
  result.platform = "tpm";
  // PCR 16, which holds the measurement, is the debug PCR: any process on the machine can reset it.
  result.flags.emplace_back("debug-pcr");
  tpm::TpmKeyAttestation attestation =
      tpm::verify_tpm_key_attestation(evidence, public_key, platform_key);
  result.measurement = attestation.measurement;
  result.report_data = attestation.report_data;
  result.details = {{"key_attributes", attestation.attributes}, {"claims", attestation.claims}};
  if (!attestation.verified()) {
    result.reason = attestation.errors.front();
    return result;
  }
  return with_measurement_checked(std::move(result), expected_measurement);
}

}  // namespace

KeyAttestationResult verify_key_attestation(std::string_view platform, ByteView evidence,
                                            ByteView public_key, ByteView platform_key,
                                            const std::optional<Bytes>& expected_measurement) {
  if (platform == tee::sim::kSimPlatformName) {
    return verify_sim(evidence, public_key, platform_key, expected_measurement);
  }
  if (platform == "tpm") {
    return verify_tpm(evidence, public_key, platform_key, expected_measurement);
  }
  KeyAttestationResult result;
  result.platform = std::string(platform);
  result.reason = "key attestations from platform '" + std::string(platform) +
                  "' cannot be verified by this version of ensign";
  return result;
}

}  // namespace ensign::attest
