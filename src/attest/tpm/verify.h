// verify.h: verifying a TPM 2.0 quote: its structure, its signature by the attestation key (AK)
// and, when PCR values come with it, that they are the ones it quoted. The AK itself is trusted
// as given: a pinned key, or one an HCL report binds to verified hardware evidence.
#pragma once

#include "attest/tpm/evidence.h"
#include "attest/tpm/pcr_values.h"
#include "attest/verification.h"
#include "core/bytes.h"

namespace ensign::attest::tpm {

// verify_quote verifies `evidence` in any form of evidence.h with `inputs`: the structure, then
// the AK (inputs.ak_public, else the container's; both given and different is an error, as is
// none), then the signature over the TPMS_ATTEST bytes, then, when PCR values are given
// (inputs.pcrs or the container's; both given and different is an error), that their digest is
// pcrDigest. Returns a Verification of format kTpm: measurement is pcrDigest, report_data is
// extraData, and claims hold attest, sig_alg, hash_alg, ak_public_sha256 and, with PCR values,
// pcrs. Every failure is one line in `errors`; it never throws.
Verification verify_quote(ByteView evidence, const QuoteInputs& inputs);

}  // namespace ensign::attest::tpm
