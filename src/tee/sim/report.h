// report.h: the sim report, the evidence of the simulated platform, and the report data ensign
// binds into a key attestation. Needs no private key: the host and verifiers link it too.
//
// Byte layout of a version 1 sim report (integers big-endian; n = platform length = 3):
//   offset   size  field
//   0        4     magic "ESRP"
//   4        2     version, 1
//   6        1     platform length n, 3
//   7        n     platform, "sim"
//   7+n      4     flags: bit 0 simulated, bit 1 debug (a sim report always sets both; every
//                  other bit is 0)
//   11+n     48    measurement: SHA-384 of the enclave binary
//   59+n     64    report data, chosen by the caller of evidence()
//   123+n    32    root key id: SHA-256 of the DER SubjectPublicKeyInfo of the sim root key
//   155+n    2     signature length s, 1..kMaxSimReportSignatureSize
//   157+n    s     signature: ECDSA P-384 with SHA-384, ASN.1 DER, by the sim root key over
//                  bytes [0, 155+n), i.e. everything before the signature length
// Nothing may follow the signature, and a whole report is at most kMaxSimReportSize bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::tee::sim {

inline constexpr char kSimReportMagic[] = "ESRP";
inline constexpr std::uint16_t kSimReportVersion = 1;
inline constexpr char kSimPlatformName[] = "sim";
inline constexpr std::uint32_t kSimReportFlagSimulated = 1u << 0;
inline constexpr std::uint32_t kSimReportFlagDebug = 1u << 1;
inline constexpr std::size_t kMeasurementSize = 48;
inline constexpr std::size_t kSimReportDataSize = 64;
inline constexpr std::size_t kRootKeyIdSize = 32;
inline constexpr std::size_t kMaxSimReportSignatureSize = 128;
inline constexpr std::size_t kMaxSimReportSize = 1024;

// SimReport is a parsed sim report. Parsing checks its shape only; verify_sim_report checks
// who signed it.
struct SimReport {
  std::uint16_t version = kSimReportVersion;
  std::string platform;
  std::uint32_t flags = 0;
  Bytes measurement;   // 48 bytes
  Bytes report_data;   // 64 bytes
  Bytes root_key_id;   // 32 bytes
  Bytes signature;     // DER ECDSA P-384
  Bytes signed_bytes;  // the bytes the signature covers
};

// root_key_id returns the id of a sim root: SHA-256 of its DER SubjectPublicKeyInfo.
Bytes root_key_id(ByteView root_public_key_der);

// encode_sim_report_claims returns the signed part of a version 1 report (everything before the
// signature length). Fails with InvalidArgument when a field has the wrong size.
Result<Bytes> encode_sim_report_claims(ByteView measurement,
                                       ByteView report_data,
                                       ByteView root_key_id);

// complete_sim_report appends the signature length and `signature` to a signed part made by
// encode_sim_report_claims. Fails with InvalidArgument when the signature is empty or over
// kMaxSimReportSignatureSize.
Result<Bytes> complete_sim_report(ByteView signed_part, ByteView signature);

// parse_sim_report parses a report of at most kMaxSimReportSize bytes. Fails with
// InvalidArgument naming the problem: over the limit, truncated, wrong magic, unsupported
// version, another platform, unexpected flags, or trailing bytes.
Result<SimReport> parse_sim_report(ByteView evidence);

// verify_sim_report checks that `report` was signed by the sim root whose DER SPKI is
// `root_public_key_der`. Fails with Unauthenticated when the report names another root key or
// the signature does not verify, and with InvalidArgument when the key is not an ECDSA P-384
// public key.
Status verify_sim_report(const SimReport& report, ByteView root_public_key_der);

// key_attestation_report_data returns the report data of a key attestation:
// SHA-256(spki_der) followed by 32 zero bytes (64 bytes in all). A verifier recomputes it from
// the public key it was given and compares it with the report's report data.
Bytes key_attestation_report_data(ByteView spki_der);

}  // namespace ensign::tee::sim
