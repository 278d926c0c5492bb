#include "attest/sim_evidence.h"

#include "tee/sim/report.h"

namespace ensign::attest {
namespace {

}  // namespace

Verification verify_sim_evidence(ByteView evidence, const std::optional<Bytes>& root_public_key) {
  Verification verification;
  verification.format = EvidenceFormat::kSim;
  auto report = tee::sim::parse_sim_report(evidence);
  if (!report) {
    verification.errors.push_back("structure: " + report.error().message());
    return verification;
  }
  verification.measurement = report->measurement;
  verification.report_data = report->report_data;
  verification.debug = (report->flags & tee::sim::kSimReportFlagDebug) != 0;
  verification.claims = {
      {"version", report->version},
      {"platform", report->platform},
      {"flags", hex_code(report->flags)},
      {"simulated", (report->flags & tee::sim::kSimReportFlagSimulated) != 0},
      {"debug", verification.debug},
      {"measurement", hex_encode(report->measurement)},
      {"report_data", hex_encode(report->report_data)},
      {"root_key_id", hex_encode(report->root_key_id)},
  };
  if (!root_public_key) {
    verification.errors.push_back(
        "sim report signature: no sim root public key to check it with (give --sim-root, the "
        "signing installation's sim-root.pub.pem)");
    return verification;
  }
  if (auto signed_by_root = tee::sim::verify_sim_report(*report, *root_public_key);
      !signed_by_root) {
    verification.errors.push_back("sim report signature: " + signed_by_root.error().message());
  }
  return verification;
}

}  // namespace ensign::attest
