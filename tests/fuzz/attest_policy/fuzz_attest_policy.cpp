// fuzz_attest_policy: libFuzzer target for the appraisal policy parser (src/attest/policy.cpp):
// parse any input, and appraise a fixed verification with whatever parses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attest/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = ensign::attest::parse_policy(text);
  if (!policy) {
    return 0;
  }
  ensign::attest::Verification verification;
  verification.format = ensign::attest::EvidenceFormat::kTpm;
  verification.measurement = ensign::Bytes(32, 0xaa);
  verification.report_data = ensign::Bytes(64, 0x01);
  verification.claims = {{"vmpl", 0},
                         {"reported_tcb", {{"snp", 8}}},
                         {"report", {{"tee_tcb_svn", "0300"}}},
                         {"pcrs", {"00", "11"}}};
  auto failures = ensign::attest::appraise(*policy, verification);
  (void)failures;
  return 0;
}
