// collateral.h: Intel's collateral for DCAP quotes, as served by Intel PCS: TCB Info (SGX and
// TDX) and QE Identity (QE, QVE, TD_QE) JSON, their signatures and issuer chain, and the TCB
// status they give a platform and its quoting enclave. No I/O.
// Layouts: Intel "SGX and TDX PCS API" (TCB Info v2 and v3, Enclave Identity v2); matching and
// status convergence as Intel's Quote Verification Library (TcbLevelCheck, TdxModuleCheck,
// EnclaveReportVerifier) does them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/endorsements.h"
#include "core/bytes.h"
#include "core/result.h"
#include "core/time.h"

namespace ensign::attest::dcap {

inline constexpr std::size_t kMaxCollateralSize = 512 * 1024;  // one JSON document
inline constexpr std::size_t kMaxTcbLevels = 256;              // per TCB Info or identity
inline constexpr std::size_t kMaxAdvisoryIds = 256;            // per TCB level
inline constexpr std::size_t kMaxTdxModuleIdentities = 64;     // per TCB Info
inline constexpr std::size_t kCollateralSignatureSize = 64;    // ECDSA P-256 r || s

// SignedBody is what Intel signs in a collateral document: the exact text of the inner object
// ("tcbInfo" or "enclaveIdentity" value, byte for byte as in the document) and the signature
// over it, ECDSA P-256 with SHA-256, r || s big-endian.
struct SignedBody {
  std::string text;
  Bytes signature;  // kCollateralSignatureSize bytes
};

// IsvTcbLevel is one TCB level of a quoting enclave identity or a TDX module identity.
struct IsvTcbLevel {
  std::uint16_t isvsvn = 0;
  std::string tcb_date;    // RFC 3339, as in the document
  std::string tcb_status;  // Intel's spelling: UpToDate, OutOfDate, Revoked, ...
  std::vector<std::string> advisory_ids;
};

// TdxModule is a TCB Info's "tdxModule" (id empty, no levels) or one of its
// "tdxModuleIdentities" (id "TDX_<major version, two hex digits>", with levels).
struct TdxModule {
  std::string id;
  Bytes mrsigner;         // 48 bytes
  Bytes attributes;       // 8 bytes
  Bytes attributes_mask;  // 8 bytes
  std::vector<IsvTcbLevel> tcb_levels;
};

// TcbLevel is one platform TCB level of a TCB Info, highest first in the document.
struct TcbLevel {
  std::array<std::uint8_t, 16> sgx_components{};  // sgxtcbcomponents[].svn (v2: sgxtcbcompNNsvn)
  std::uint16_t pcesvn = 0;
  std::optional<std::array<std::uint8_t, 16>> tdx_components;  // TDX TCB Info only
  std::string tcb_date;                                        // RFC 3339, as in the document
  std::string tcb_status;                                      // Intel's spelling
  std::vector<std::string> advisory_ids;
};

// TcbInfo is one parsed TCB Info document (version 2, SGX only, or version 3, SGX or TDX).
struct TcbInfo {
  std::string id;  // "SGX" or "TDX"; version 2 has no id and is "SGX"
  unsigned version = 0;
  UnixTime issue_date = 0;
  UnixTime next_update = 0;
  Bytes fmspc;   // 6 bytes
  Bytes pce_id;  // 2 bytes
  unsigned tcb_type = 0;
  std::uint32_t tcb_evaluation_data_number = 0;
  std::optional<TdxModule> tdx_module;           // TDX only
  std::vector<TdxModule> tdx_module_identities;  // TDX only, may be empty
  std::vector<TcbLevel> tcb_levels;              // in the document's order, never empty
  SignedBody signed_body;
};

// QeIdentity is one parsed QE Identity document (Enclave Identity version 2).
struct QeIdentity {
  std::string id;  // "QE", "QVE" or "TD_QE"
  unsigned version = 0;
  UnixTime issue_date = 0;
  UnixTime next_update = 0;
  std::uint32_t tcb_evaluation_data_number = 0;
  std::uint32_t miscselect = 0;       // the hex bytes read little-endian, as the report holds it
  std::uint32_t miscselect_mask = 0;  // likewise
  Bytes attributes;                   // 16 bytes
  Bytes attributes_mask;              // 16 bytes
  Bytes mrsigner;                     // 32 bytes
  std::uint16_t isvprodid = 0;
  std::vector<IsvTcbLevel> tcb_levels;  // in the document's order, never empty
  SignedBody signed_body;
};

// Collateral is every TCB Info and QE Identity the caller supplied, parsed.
struct Collateral {
  std::vector<TcbInfo> tcb_infos;
  std::vector<QeIdentity> qe_identities;
  bool empty() const;
};

// parse_tcb_info reads a TCB Info document {"tcbInfo":{...},"signature":"<hex r||s>"} of at most
// kMaxCollateralSize bytes, keeping the exact text of "tcbInfo" for the signature check. Fails
// with InvalidArgument naming the member that is missing, of the wrong type or out of range
// (unknown members are ignored, as Intel adds members over versions), or the JSON defect.
Result<TcbInfo> parse_tcb_info(std::string_view json);

// parse_qe_identity reads a QE Identity document {"enclaveIdentity":{...},"signature":"..."} like
// parse_tcb_info. Fails with InvalidArgument likewise.
Result<QeIdentity> parse_qe_identity(std::string_view json);

// add_collateral parses one JSON document (a TCB Info {"tcbInfo":..., "signature":...} or a QE
// Identity {"enclaveIdentity":..., "signature":...}, as Intel PCS serves them) of at most
// kMaxCollateralSize bytes and adds it to `collateral`. Fails with InvalidArgument naming what is
// malformed; unknown members are ignored, as Intel adds members over versions.
Status add_collateral(Collateral& collateral, std::string_view json);

// describe names a collateral item in messages: "TCB Info TDX fmspc 50806f000000 (issued
// 2023-06-18T08:42:58Z)" or "QE Identity TD_QE (issued 2023-06-08T07:24:59Z)".
std::string describe(const TcbInfo& tcb_info);
std::string describe(const QeIdentity& identity);

// CollateralCheck is the outcome of checking one collateral item's signature, signer and
// validity window.
struct CollateralCheck {
  std::vector<std::string> errors;        // each starts with describe(item)
  std::vector<CertificateSummary> chain;  // the signer's verified chain, leaf first
};

// verify_tcb_info checks a TCB Info's signature with the key of one of
// endorsements.certificates, that this certificate is Intel's "Intel SGX TCB Signing" and chains
// to a trusted root at endorsements.at under endorsements.crls, and that issueDate <= at <=
// nextUpdate. Every failure is one error naming the TCB Info and what failed.
CollateralCheck verify_tcb_info(const TcbInfo& tcb_info, const Endorsements& endorsements);

// verify_qe_identity checks a QE Identity like verify_tcb_info.
CollateralCheck verify_qe_identity(const QeIdentity& identity, const Endorsements& endorsements);

// PlatformTcb is what the quote and its PCK certificate say about the platform's TCB.
struct PlatformTcb {
  Bytes fmspc;                                    // 6 bytes, from the PCK certificate
  Bytes pceid;                                    // 2 bytes, from the PCK certificate
  std::array<std::uint8_t, 16> sgx_components{};  // PCK certificate SGX TCB component SVNs
  std::uint16_t pcesvn = 0;                       // PCK certificate PCESVN
  std::optional<std::array<std::uint8_t, 16>> tee_tcb_svn;  // TDX quotes only: TEE_TCB_SVN
  std::optional<Bytes> mrsignerseam;                        // TDX quotes only
  std::optional<Bytes> seam_attributes;                     // TDX quotes only
};

// QeReportIdentity is what the quoting enclave's report says about it.
struct QeReportIdentity {
  std::uint32_t miscselect = 0;
  Bytes attributes;  // 16 bytes
  Bytes mrsigner;    // 32 bytes
  std::uint16_t isvprodid = 0;
  std::uint16_t isvsvn = 0;
};

// TcbMatch is the outcome of matching a platform or a quoting enclave against one collateral
// item: the status it gives (Intel's spelling), or the errors that prevent one.
struct TcbMatch {
  std::optional<std::string> status;                  // set exactly when errors is empty
  std::vector<std::string> errors;                    // each starts with describe(item)
  nlohmann::json details = nlohmann::json::object();  // the matched levels
};

// match_platform_tcb finds the platform's TCB level in `tcb_info` as Intel's QVL does: the
// TCB Info must be for the platform's FMSPC and PCEID (and for TDX be id "TDX" version 3); the
// level is the first, in the document's order, whose SGX component SVNs and PCESVN are all at or
// below the PCK certificate's and, for TDX, whose TDX component SVNs are at or below TEE_TCB_SVN
// (components 0 and 1, the TDX module's, are skipped when TEE_TCB_SVN[1], the module's major
// version, is nonzero). For TDX the module must match MRSIGNERSEAM and SEAM_ATTRIBUTES (under the
// mask) of "tdxModule", or of the identity "TDX_<TEE_TCB_SVN[1]>" when that is nonzero, whose
// level for ISVSVN TEE_TCB_SVN[0] then converges with the platform level's status. No matching
// level is the error "TCB level not supported"; an unknown status of the matched level an error.
TcbMatch match_platform_tcb(const TcbInfo& tcb_info, const PlatformTcb& platform, bool tdx);

// match_qe_identity checks the quoting enclave's report against `identity` as Intel's QVL does:
// MISCSELECT and ATTRIBUTES under their masks, MRSIGNER and ISVPRODID must match (each mismatch
// one error naming the field), then the first level whose ISVSVN is at or below the report's
// gives the status: UpToDate, Revoked, or OutOfDate for any other. No such level is the error
// "QE TCB level not supported".
TcbMatch match_qe_identity(const QeIdentity& identity, const QeReportIdentity& quoting_enclave);

// converge_tcb_status combines a platform status with the quoting enclave's status as QVL does:
// a revoked QE makes the result Revoked; an out-of-date QE turns UpToDate and SWHardeningNeeded
// into OutOfDate, and ConfigurationNeeded and ConfigurationAndSWHardeningNeeded into
// OutOfDateConfigurationNeeded; otherwise the platform status stands.
std::string converge_tcb_status(std::string_view platform_status, std::string_view qe_status);

// TcbAppraisal is the outcome of checking a quote's platform and QE against the collateral.
struct TcbAppraisal {
  std::string tcb_status = "unknown";  // Intel's spelling: UpToDate, SWHardeningNeeded, ...
  std::vector<std::string> errors;     // each names the collateral item and what failed
  nlohmann::json details = nlohmann::json::object();  // matched levels, dates, advisory ids
};

// appraise_tcb checks a quote's TCB against `collateral`: the signature of every TCB Info and QE
// Identity it uses and their issuer chain (to the pinned Intel root, at endorsements.at, with the
// CRLs given), their issueDate/nextUpdate window at endorsements.at, then finds the TCB Info for
// the platform's FMSPC and PCEID (id "TDX" when `tdx`, else "SGX") and the QE Identity of the
// quoting enclave (id "TD_QE" when `tdx`, else "QE"), matches the TCB levels as Intel's quote
// verification library does, and returns the combined status. A missing TCB Info or QE Identity
// is an error naming what was needed (e.g. the FMSPC). When several documents fit, the one
// current at endorsements.at with the highest tcbEvaluationDataNumber (then the latest
// issueDate) is used. tcb_status stays "unknown" whenever there is an error; details still show
// what matched.
TcbAppraisal appraise_tcb(const Collateral& collateral,
                          const PlatformTcb& platform,
                          const QeReportIdentity& quoting_enclave,
                          bool tdx,
                          const Endorsements& endorsements);

}  // namespace ensign::attest::dcap
