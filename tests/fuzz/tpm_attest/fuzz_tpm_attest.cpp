// fuzz_tpm_attest: libFuzzer target for the TPM quote parsers (src/attest/tpm). The first byte
// picks the parser, the rest is its input: TPMS_ATTEST, TPMT_SIGNATURE, the evidence forms,
// Azure's HCL report, PCR value files, or the whole verifier with a fixed RSA AK.
//
// The seeds in corpus/ are small synthetic inputs made for this target (file names say which
// parser each feeds); none is taken from the shared vectors.
#include <cstddef>
#include <cstdint>

#include "attest/tpm/azure_hcl.h"
#include "attest/tpm/verify.h"
#include "core/bytes.h"
#include "core/openssl_handles.h"
#include "crypto/keys.h"

namespace {

namespace tpm = ensign::attest::tpm;

// fixed_ak returns the DER SPKI of an RSA key made once per run, so the verifier's signature
// check runs on every input that gets that far.
const ensign::Bytes& fixed_ak() {
  static const ensign::Bytes der = [] {
    ensign::EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}));
    return ensign::crypto::public_key_to_der(key.get()).value();
  }();
  return der;
}

void parse_attest(ensign::ByteView input) {
  auto attest = tpm::parse_quote_attest(input);
  if (!attest) {
    return;
  }
  // Whatever parsed must respect the bounds the parser promises.
  if (attest->qualified_signer.size() > tpm::kMaxNameSize ||
      attest->extra_data.size() > tpm::kMaxDataSize ||
      attest->pcr_digest.size() > tpm::kMaxDigestSize ||
      attest->pcr_select.size() > tpm::kMaxPcrBanks || attest->safe > 1 ||
      attest->magic != tpm::kTpmGeneratedValue || attest->type != tpm::kStAttestQuote) {
    __builtin_trap();
  }
  (void)tpm::attest_claims(*attest).dump();
}

void parse_signature(ensign::ByteView input) {
  auto signature = tpm::parse_tpm_signature(input);
  if (signature && signature->rsa_signature.empty() && signature->ecdsa_r.empty()) {
    __builtin_trap();
  }
}

void parse_pcrs(ensign::ByteView input) {
  auto values = tpm::parse_pcr_values(input);
  if (values && (values->empty() || values->front().size() > tpm::kMaxDigestSize)) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  ensign::ByteView input(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      parse_attest(input);
      break;
    case 1:
      parse_signature(input);
      break;
    case 2:
      (void)tpm::parse_quote_evidence(input);
      break;
    case 3:
      (void)tpm::ak_public_from_file_contents(input);
      break;
    case 4:
      parse_pcrs(input);
      break;
    default: {
      ensign::attest::Verification verification =
          tpm::verify_quote(input, tpm::QuoteInputs{fixed_ak(), std::nullopt, {}});
      (void)ensign::attest::to_json(verification).dump();
      break;
    }
  }
  return 0;
}
