// fuzz_dcap_quote: libFuzzer target for the Intel DCAP quote parser and verifier
// (src/attest/dcap/quote.cpp, pck.cpp, verify.cpp): parse any input, turn what parses into claims,
// and verify it with empty endorsements, which must never succeed.
//
// The seeds in corpus/ are synthetic, made for this fuzzer (README.md says how): a bare v4
// header, and complete SGX v3, TDX v4 and TDX v5 (TDX 1.5 body) quotes of zeros around the
// structure, so the fuzzer starts past the length fields. No real vectors.
#include <cstddef>
#include <cstdint>

#include "attest/dcap/quote.h"
#include "attest/dcap/verify.h"
#include "core/bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ensign::attest;
  ensign::ByteView input(data, size);
  auto quote = dcap::parse_quote(input);
  Endorsements nothing_trusted;
  Verification verification = dcap::verify_quote(input, nothing_trusted, nullptr);
  if (!quote) {
    // A quote that does not parse is one structure error and nothing else.
    if (verification.errors.size() != 1 || verification.errors[0].rfind("structure: ", 0) != 0) {
      __builtin_trap();
    }
    return 0;
  }
  // Whatever parsed must have the documented shape, and cannot verify without a trusted root.
  bool one_body = quote->enclave_report.has_value() != quote->td_report.has_value();
  if (!one_body || quote->signature.size() != dcap::kEcdsaP256SignatureSize ||
      quote->attestation_key.size() != dcap::kEcdsaP256PublicKeySize ||
      quote->qe_report_bytes.size() != dcap::kEnclaveReportSize || quote->trailing > size ||
      verification.verified()) {
    __builtin_trap();
  }
  auto text = dcap::quote_claims(*quote).dump();
  if (text.empty()) {
    __builtin_trap();
  }
  return 0;
}
