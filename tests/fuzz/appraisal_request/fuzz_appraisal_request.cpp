// fuzz_appraisal_request: libFuzzer target for the appraisal request decoder
// (src/attest/appraisal.cpp), the JSON the enclave accepts from its host: decode any input, and
// run the whole appraisal on what decodes, which reaches every format's parser and verifier, the
// certificate, CRL and collateral readers and the policy parser with fuzzed bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attest/appraisal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto request = ensign::attest::decode_appraisal_request(text);
  if (!request) {
    return 0;
  }
  // What decodes encodes back to something that decodes the same way.
  auto again = ensign::attest::decode_appraisal_request(ensign::attest::encode_appraisal_request(*request));
  if (!again || again->evidence != request->evidence || again->at != request->at) {
    __builtin_trap();
  }
  auto appraisal = ensign::attest::appraise_evidence(*request);
  (void)appraisal;
  return 0;
}
