// verification.h: what verifying one piece of evidence yields, whatever its format. Every
// format's verifier fills a Verification; policy appraisal and the attestation-result token read
// only this, so they are shared by all formats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest {

// EvidenceFormat is the kind of evidence; each has one parser and one verifier under src/attest.
enum class EvidenceFormat : unsigned char {
  kSevSnp = 1,  // AMD SEV-SNP ATTESTATION_REPORT
  kTdx,         // Intel TDX DCAP quote, versions 4 and 5
  kSgx,         // Intel SGX DCAP ECDSA quote, version 3
  kTpm,         // TPM 2.0 TPMS_ATTEST of a TPM2_Quote with its TPMT_SIGNATURE
  kSim,         // ensign's simulated platform report
};

// evidence_format_name returns the user-facing name: "sev-snp", "tdx", "sgx", "tpm" or "sim".
std::string_view evidence_format_name(EvidenceFormat format);

// parse_evidence_format maps a user-facing name to the format; fails with InvalidArgument listing
// the known names.
Result<EvidenceFormat> parse_evidence_format(std::string_view name);

// kTcbStatuses are the values Verification::tcb_status takes: Intel's TCB statuses (PCS API),
// "TCBLevelNotSupported" when the platform or its quoting enclave is below every level the
// collateral lists, and "unknown" when no collateral was given.
inline constexpr std::string_view kTcbStatuses[] = {
    "UpToDate",
    "SWHardeningNeeded",
    "ConfigurationNeeded",
    "ConfigurationAndSWHardeningNeeded",
    "OutOfDate",
    "OutOfDateConfigurationNeeded",
    "Revoked",
    "TCBLevelNotSupported",
    "unknown",
};

// CertificateSummary describes one certificate of a verified chain, leaf first. Names are
// RFC 2253 strings (most significant RDN last, e.g. "CN=SEV-VCEK,O=Advanced Micro Devices,...").
struct CertificateSummary {
  std::string subject;
  std::string issuer;
  std::string not_before;  // RFC 3339, UTC
  std::string not_after;   // RFC 3339, UTC
  std::string sha256;      // hex SHA-256 of the DER certificate
};

// Verification is the outcome of verifying one piece of evidence. It is verified exactly when
// `errors` is empty; each error names the signature, certificate, collateral item or claim that
// failed.
struct Verification {
  EvidenceFormat format = EvidenceFormat::kSim;
  std::vector<std::string> errors;
  // The common claims every format maps its own fields onto:
  Bytes measurement;            // SNP MEASUREMENT, TDX MRTD, SGX MRENCLAVE, TPM PCR digest, sim
  Bytes report_data;            // SNP/TDX/SGX REPORT_DATA, TPM extraData, sim report data
  bool debug = false;           // the TEE lets a debugger in (SNP policy, TD/SGX attributes)
  std::optional<Bytes> signer;  // SGX MRSIGNER; SNP AUTHOR_KEY_DIGEST when nonzero
  std::string tcb_status = "unknown";  // from collateral; "unknown" without it
  std::vector<CertificateSummary> chain;  // the chain that signed the evidence, leaf first
  // Every field of the report or quote under its specification name in snake_case. Byte strings
  // are lowercase hex, bit fields "0x"-prefixed hex strings, counters and SVNs numbers.
  nlohmann::json claims = nlohmann::json::object();

  bool verified() const { return errors.empty(); }
};

// hex_code returns a type code or bit field the way claims write them: "0x" and lowercase hex
// without leading zeros ("0x81", "0xb0000", "0x0").
std::string hex_code(std::uint64_t value);

// to_json returns the --json form of a verification: format, verified, errors, measurement,
// report_data, debug, signer, tcb_status, chain and claims.
nlohmann::json to_json(const Verification& verification);

}  // namespace ensign::attest
