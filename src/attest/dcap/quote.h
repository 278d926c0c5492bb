// quote.h: Intel DCAP ECDSA quotes as the quoting enclaves produce them: SGX quote version 3 and
// TDX quote versions 4 and 5 (TDX 1.0 and 1.5 TD reports), with the signature data, the quoting
// enclave's report and the PCK certificate chain they carry. Parsing only; verify.h checks them.
// Layouts: Intel "SGX ECDSA Quote Library API" appendix A.4 (v3) and "TDX DCAP Quote Generation
// Library and Quote Verification Library" appendix A.3 (v4, v5). Integers are little-endian.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "attest/verification.h"
#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::dcap {

inline constexpr std::size_t kMaxQuoteSize = 64 * 1024;  // the input, padding included
inline constexpr std::size_t kMaxQeAuthDataSize = 4096;  // QE authentication data
inline constexpr std::size_t kMaxPckCertificationDataSize = 32 * 1024;  // the PEM PCK chain

inline constexpr std::size_t kQuoteHeaderSize = 48;
inline constexpr std::size_t kEnclaveReportSize = 384;  // SGX report body, also the QE report
inline constexpr std::size_t kTdReport10Size = 584;     // TDX 1.0 TD report body
inline constexpr std::size_t kTdReport15Size = 648;     // TDX 1.5: adds TEE_TCB_SVN_2, MRSERVICETD
inline constexpr std::size_t kEcdsaP256SignatureSize = 64;  // r || s, each 32 bytes big-endian
inline constexpr std::size_t kEcdsaP256PublicKeySize = 64;  // x || y, each 32 bytes big-endian

inline constexpr std::uint16_t kAttestationKeyEcdsaP256 = 2;
inline constexpr std::uint32_t kTeeTypeSgx = 0x00;
inline constexpr std::uint32_t kTeeTypeTdx = 0x81;
inline constexpr std::uint16_t kBodyTypeTdReport10 = 2;  // quote v5 body descriptor types
inline constexpr std::uint16_t kBodyTypeTdReport15 = 3;
inline constexpr std::uint16_t kCertificationDataPckChain = 5;  // PEM PCK leaf, CA, root
inline constexpr std::uint16_t kCertificationDataQeReport = 6;  // QE report certification data

// QuoteHeader is the 48-byte header every quote version starts with.
struct QuoteHeader {
  std::uint16_t version = 0;
  std::uint16_t att_key_type = 0;
  std::uint32_t tee_type = 0;
  std::uint16_t qe_svn = 0;
  std::uint16_t pce_svn = 0;
  FixedBytes<16> qe_vendor_id{};
  FixedBytes<20> user_data{};
};

// EnclaveReport is an SGX REPORT body (384 bytes): the enclave's report in an SGX quote, and the
// quoting enclave's own report in every quote.
struct EnclaveReport {
  FixedBytes<16> cpusvn{};
  std::uint32_t miscselect = 0;
  FixedBytes<16> isvextprodid{};
  FixedBytes<16> attributes{};  // flags (8, little-endian) then XFRM (8)
  FixedBytes<32> mrenclave{};
  FixedBytes<32> mrsigner{};
  FixedBytes<64> configid{};
  std::uint16_t isvprodid = 0;
  std::uint16_t isvsvn = 0;
  std::uint16_t configsvn = 0;
  FixedBytes<16> isvfamilyid{};
  FixedBytes<64> report_data{};

  // debug says whether ATTRIBUTES.DEBUG (flags bit 1) is set: a debugger may enter the enclave.
  bool debug() const;
};

// TdReport is a TDX TD report body: 584 bytes for TDX 1.0, 648 for TDX 1.5.
struct TdReport {
  FixedBytes<16> tee_tcb_svn{};
  FixedBytes<48> mrseam{};
  FixedBytes<48> mrsignerseam{};
  FixedBytes<8> seam_attributes{};
  FixedBytes<8> td_attributes{};
  FixedBytes<8> xfam{};
  FixedBytes<48> mrtd{};
  FixedBytes<48> mrconfigid{};
  FixedBytes<48> mrowner{};
  FixedBytes<48> mrownerconfig{};
  std::array<FixedBytes<48>, 4> rtmr{};
  FixedBytes<64> report_data{};
  std::optional<FixedBytes<16>> tee_tcb_svn_2;  // TDX 1.5 only
  std::optional<FixedBytes<48>> mr_servicetd;   // TDX 1.5 only

  // debug says whether TD_ATTRIBUTES.DEBUG (bit 0) is set: the TD runs in debug mode.
  bool debug() const;
};

// Quote is one parsed quote. Exactly one of enclave_report (version 3) and td_report (versions 4
// and 5) is set. Its fixed-size fields are copies; the variable-size ones (signed_bytes,
// qe_auth_data, pck_chain) are views into the evidence it was parsed from, which must outlive it.
struct Quote {
  QuoteHeader header;
  std::optional<std::uint16_t> body_type;  // version 5: the body descriptor
  std::optional<std::uint32_t> body_size;  // version 5: the body descriptor
  std::optional<EnclaveReport> enclave_report;
  std::optional<TdReport> td_report;
  ByteView signed_bytes;  // what the attestation key signs: header, descriptor (v5) and body
  std::uint32_t signature_data_size = 0;
  FixedBytes<kEcdsaP256SignatureSize> signature{};  // ECDSA P-256 r || s over signed_bytes
  FixedBytes<kEcdsaP256PublicKeySize> attestation_key{};  // P-256 public key x || y
  EnclaveReport qe_report;
  FixedBytes<kEnclaveReportSize> qe_report_bytes{};  // what qe_report was parsed from, as signed
  FixedBytes<kEcdsaP256SignatureSize> qe_report_signature{};  // by the PCK key over qe_report_bytes
  ByteView qe_auth_data;
  std::uint16_t certification_data_type = 0;  // of the PCK chain: 5
  ByteView pck_chain;                         // PEM: PCK certificate, PCK CA, root CA
  std::size_t trailing = 0;                   // bytes after the quote's end (unsigned, ignored)

  // is_tdx says whether this is a TDX quote (a TD report) rather than an SGX one.
  bool is_tdx() const { return td_report.has_value(); }
};

// parse_quote reads a quote of at most kMaxQuoteSize bytes: SGX version 3, or TDX version 4 or 5,
// attestation key type 2 (ECDSA P-256), with the PCK chain as certification data (type 5, nested
// in type 6 for versions 4 and 5). The quote's own lengths say where it ends; bytes after that
// (the rest of the buffer the quote came in: zero padding, or text test files append) are not
// signed, and are only counted in `trailing`. Fails with InvalidArgument naming the unsupported
// value (version, key type, TEE type, body type, certification data type) or the length that
// does not fit; never reads past the input.
Result<Quote> parse_quote(ByteView evidence);
// A quote's views would outlive a temporary buffer: keep the evidence in a variable.
Result<Quote> parse_quote(Bytes&& evidence) = delete;


// quote_claims returns the quote's fields under their specification names in snake_case:
// header{...}, report{...} (TD or enclave report), signed_len, sig_data_len, attestation_key,
// qe_report{...}, qe_auth_len, qe_auth_data, cert_type and trailing.
nlohmann::json quote_claims(const Quote& quote);

}  // namespace ensign::attest::dcap
