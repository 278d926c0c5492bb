#include "attest/key_attestation.h"

#include "tee/sim/report.h"

namespace ensign::attest {
namespace {

KeyAttestationResult verify_sim(ByteView evidence, ByteView public_key, ByteView platform_key,
                                const std::optional<Bytes>& expected_measurement) {
  KeyAttestationResult result;
  result.platform = tee::sim::kSimPlatformName;
  auto report = tee::sim::parse_sim_report(evidence);
  if (!report) {
    result.reason = "malformed sim report: " + report.error().message();
    return result;
  }
  result.measurement = report->measurement;
  result.report_data = report->report_data;
  if ((report->flags & tee::sim::kSimReportFlagSimulated) != 0) {
    result.flags.emplace_back("simulated");
  }
  if ((report->flags & tee::sim::kSimReportFlagDebug) != 0) {
    result.flags.emplace_back("debug");
  }
  if (auto signed_by_root = tee::sim::verify_sim_report(*report, platform_key); !signed_by_root) {
    result.reason = signed_by_root.error().message();
    return result;
  }
  if (report->report_data != tee::sim::key_attestation_report_data(public_key)) {
    result.reason = "the report data does not bind this public key (the evidence is for another key)";
    return result;
  }
  if (expected_measurement && *expected_measurement != report->measurement) {
    result.reason = "measurement " + hex_encode(report->measurement) + " is not the expected " +
                    hex_encode(*expected_measurement);
    return result;
  }
  result.verified = true;
  return result;
}

}  // namespace

KeyAttestationResult verify_key_attestation(std::string_view platform, ByteView evidence,
                                            ByteView public_key, ByteView platform_key,
                                            const std::optional<Bytes>& expected_measurement) {
  if (platform == tee::sim::kSimPlatformName) {
    return verify_sim(evidence, public_key, platform_key, expected_measurement);
  }
  KeyAttestationResult result;
  result.platform = std::string(platform);
  result.reason = "key attestations from platform '" + std::string(platform) +
                  "' cannot be verified by this version of ensign";
  return result;
}

}  // namespace ensign::attest
