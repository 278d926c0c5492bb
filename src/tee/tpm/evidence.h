// evidence.h: what the tpm platform attests with, and the evidence document it returns.
//
// The document is JSON, a superset of trustee's TPM evidence (so `ensign attest verify` and
// other verifiers that read trustee's form take it as it is):
//   {"platform": "tpm",
//    "ak_public": base64 DER SPKI of the AK,
//    "tpm_quote": {"message": base64 TPMS_ATTEST, "signature": base64 TPMT_SIGNATURE,
//                  "pcrs": [hex SHA-256 PCR values, kQuotedPcrs order]},
//    "pcr_selection": "sha256:0,1,2,3,4,5,6,7,16",
//    "measurement": hex, "measurement_pcr": 16,
//  and in a key attestation also
//    "certify": {"message": base64 TPMS_ATTEST, "signature": base64 TPMT_SIGNATURE},
//    "key_public": base64 TPMT_PUBLIC of the certified key}
// The quote's qualifying data is the 64 bytes of report data; a key attestation's quote and
// certification both carry key_attestation_report_data(SPKI).
#pragma once

#include <tss2/tss2_esys.h>

#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::tee::tpm {

// SignedAttest is what TPM2_Quote and TPM2_Certify return, marshalled.
struct SignedAttest {
  Bytes message;    // TPMS_ATTEST
  Bytes signature;  // TPMT_SIGNATURE
};

// quote runs TPM2_Quote with `ak` over `selection`.
Result<SignedAttest> quote(ESYS_CONTEXT* esys, ESYS_TR ak, ByteView qualifying_data,
                           const TPML_PCR_SELECTION& selection);

// certify runs TPM2_Certify of `object` by `ak`.
Result<SignedAttest> certify(ESYS_CONTEXT* esys, ESYS_TR object, ESYS_TR ak,
                             ByteView qualifying_data);

struct EvidenceDocument {
  ByteView ak_public;
  ByteView measurement;
  SignedAttest quote;
  std::vector<Bytes> pcrs;
  std::optional<SignedAttest> certification;
  std::optional<Bytes> key_public;
};

// encode_evidence_document writes the document described above.
Bytes encode_evidence_document(const EvidenceDocument& document);

}  // namespace ensign::tee::tpm
