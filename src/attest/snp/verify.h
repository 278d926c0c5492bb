// verify.h: verifying an AMD SEV-SNP report offline against AMD's certificates: the report
// signature with the VCEK (or VLEK), that certificate's chain to a pinned ARK, and the
// certificate's AMD extensions against the report.
#pragma once

#include "attest/endorsements.h"
#include "attest/verification.h"
#include "core/bytes.h"

namespace ensign::attest::snp {

// verify_report parses `evidence` (one ATTESTATION_REPORT, report.h) and checks it with
// `endorsements`, in this order:
//  1. structure: a parse failure is the only error, "structure: ...";
//  2. the signing certificate: SIGNING_KEY 0 needs a certificate with CN=SEV-VCEK among
//     endorsements.certificates, 1 one with CN=SEV-VLEK; 7 (no key) and reserved values fail;
//  3. the report signature, ECDSA P-384 with SHA-384 over bytes 0x000-0x29F (with several
//     candidates, the one whose key verifies it);
//  4. the certificate's chain, VCEK -> ASK -> ARK or VLEK -> ASVK -> ARK, through the other
//     endorsements.certificates to endorsements.anchors at endorsements.at with
//     endorsements.crls (memoized in endorsements.chain_cache when set), whose ARK and ASK/ASVK
//     must be of the generation the certificate's productName names;
//  5. the certificate's extensions: productName against the report's CPUID (a version 2 report is
//     decoded for the named generation), hwID against CHIP_ID for a VCEK unless CHIP_ID is
//     masked, and the SPLs against REPORTED_TCB.
// A check runs even when an earlier one failed, unless it needs what failed, so every failure is
// listed; each error names the signature, certificate or field involved. Never throws. The result
// has format kSevSnp, the report's claims (report_claims), MEASUREMENT, REPORT_DATA, the policy's
// DEBUG bit, AUTHOR_KEY_DIGEST as signer when AUTHOR_KEY_EN is set or the digest is nonzero, the
// verified chain, and tcb_status "unknown" (AMD publishes no TCB collateral to appraise it with).
Verification verify_report(ByteView evidence, const Endorsements& endorsements);

}  // namespace ensign::attest::snp
