// appraisal.h: one appraisal of one piece of evidence, end to end and offline: the request (the
// evidence and everything needed to verify it, as bytes), the dispatch to the format's
// verifier, the nonce check and the policy. The CLI appraises on the host; the enclave runs the
// very same code before it signs an attestation result.
//
// An AppraisalRequest travels as JSON (to the enclave, and later over the REST API):
//   {"format": "auto"|"sev-snp"|..., "evidence": b64, "certificates": [b64 file, ...],
//    "collateral": [b64 file, ...], "trusted_roots": [b64 file, ...],
//    "allow_unpinned_root": bool, "ak_public": b64, "ak_report": b64, "tpm_signature": b64,
//    "pcrs": [hex, ...],
//    "sim_root": b64, "nonce": hex, "at": "RFC 3339", "policy": "<policy JSON text>"}
// Files are passed as they are on disk (PEM or DER certificates, JSON collateral or CRLs).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "attest/verification.h"
#include "core/bytes.h"
#include "core/result.h"
#include "core/time.h"

namespace ensign::attest {

inline constexpr std::size_t kMaxAppraisalRequestSize = 2 * 1024 * 1024;
inline constexpr std::size_t kMaxEvidenceSize = 256 * 1024;
inline constexpr std::size_t kMaxAppraisalFiles = 32;  // per list

struct AppraisalRequest {
  std::optional<EvidenceFormat> format;    // nothing: detect it
  Bytes evidence;
  std::vector<Bytes> certificates;         // --cert files
  std::vector<Bytes> collateral;           // --collateral files: TCB Info, QE Identity, CRLs
  std::vector<Bytes> trusted_roots;        // the trust directory's root certificate files
  bool allow_unpinned_root = false;
  std::optional<Bytes> ak_public;          // TPM: DER SPKI
  std::optional<Bytes> ak_report;          // TPM: an Azure HCL report holding the AK (HCLAkPub),
                                           // whose SEV-SNP report is verified too
  std::optional<Bytes> tpm_signature;      // TPM: TPMT_SIGNATURE or raw signature
  std::vector<Bytes> pcrs;                 // TPM: PCR values by index
  std::optional<Bytes> sim_root;           // sim: the installation's root key, DER SPKI
  std::optional<Bytes> nonce;              // expected report data / qualifying data
  UnixTime at = 0;                         // verification time
  std::optional<std::string> policy;       // policy JSON text; nothing: the default policy
};

// encode_appraisal_request returns the JSON form of a request.
std::string encode_appraisal_request(const AppraisalRequest& request);

// decode_appraisal_request parses the JSON form, at most kMaxAppraisalRequestSize bytes with
// at most kMaxAppraisalFiles per list. Fails with InvalidArgument naming the member at fault;
// unknown members are an error.
Result<AppraisalRequest> decode_appraisal_request(std::string_view json);

// detect_evidence_format tells the format from the evidence's first bytes. Fails with
// InvalidArgument when it matches none (the caller should pass the format).
Result<EvidenceFormat> detect_evidence_format(ByteView evidence);

// Appraisal is a verification and the policy's verdict on it.
struct Appraisal {
  Verification verification;
  std::vector<std::string> policy_failures;
  std::string policy_id;
  bool passed() const { return verification.verified() && policy_failures.empty(); }
};

// appraise_evidence verifies the evidence of `request` with its endorsements at request.at,
// checks the nonce, then appraises it against the policy. Evidence that does not verify is an
// Appraisal with errors; this fails (InvalidArgument, PermissionDenied) only when an input
// other than the evidence is unusable: a certificate, CRL or collateral file that does not
// parse, a trusted root that is not pinned, a malformed policy, an undetectable format, or
// evidence over kMaxEvidenceSize.
Result<Appraisal> appraise_evidence(const AppraisalRequest& request);

// to_json returns the --json form of an appraisal: the verification's members plus "policy"
// {id, holds, failures} and "status" (the EAR status).
nlohmann::json to_json(const Appraisal& appraisal);

}  // namespace ensign::attest
