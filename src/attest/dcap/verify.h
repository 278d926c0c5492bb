// verify.h: verifying an Intel DCAP quote (SGX v3, TDX v4/v5) offline: the PCK certificate chain
// it carries to the pinned Intel SGX Root CA, the quoting enclave's report signed by the PCK key
// and bound to the attestation key, the quote signed by the attestation key and, with
// collateral, the platform's and quoting enclave's TCB status.
#pragma once

#include "attest/dcap/collateral.h"
#include "attest/endorsements.h"
#include "attest/verification.h"
#include "core/bytes.h"

namespace ensign::attest::dcap {

// verify_quote verifies `evidence` as of endorsements.at and returns what it found; it never
// fails as a call: every failed check is one line in Verification::errors, and checks that do
// not depend on a failed one still run. The checks, in order: the structure (parse_quote); the
// PCK chain from the quote's certification data to endorsements.anchors (the quote's own copy of
// the root is not an anchor; intermediates are the quote's chain and endorsements.certificates,
// CRLs endorsements.crls; memoized in endorsements.chain_cache, when set, under the embedded
// chain's bytes, so a cache belongs with one set of endorsements); the PCK certificate's SGX
// extensions; the QE report signature by the PCK key; the QE report data binding (SHA-256 of
// the attestation key and QE authentication data, then 32 zero bytes); the quote signature by
// the attestation key; and, when `collateral` is non-null and not empty, appraise_tcb, which
// sets tcb_status (otherwise "unknown"). `collateral` is borrowed for the call only.
Verification verify_quote(ByteView evidence,
                          const Endorsements& endorsements,
                          const Collateral* collateral);

}  // namespace ensign::attest::dcap
