// azure_hcl.h: Azure's HCL attestation report (what a confidential VM's vTPM holds in NV index
// 0x01400001), which binds the vTPM's attestation key (AK) to the hardware report: the SNP
// report's or TD report's REPORT_DATA starts with the hash of the runtime-data JSON holding the AK.
// Also where an --ak-pub file is read, since it may be such a report.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::tpm {

inline constexpr std::size_t kMaxHclReportSize = 32 * 1024;
inline constexpr std::size_t kMaxRuntimeDataSize = 16 * 1024;
inline constexpr std::size_t kMaxAkFileSize = 64 * 1024;

// HardwareReportType is the IGVM request data's report_type.
enum class HardwareReportType : std::uint32_t {
  kSevSnp = 2,  // an AMD SEV-SNP ATTESTATION_REPORT of 0x4A0 bytes
  kTdx = 4,     // an Intel TDREPORT of 0x400 bytes
};

// HclReport is a parsed HCL report whose binding has been checked. The hardware report itself is
// not verified here: the AK is only as trustworthy as that report, so callers verify it with the
// SEV-SNP or TDX verifier.
struct HclReport {
  HardwareReportType report_type = HardwareReportType::kSevSnp;
  Bytes hardware_report;
  Bytes runtime_data;  // the runtime-data JSON
  std::size_t runtime_data_offset = 0;
  Bytes ak_public;  // DER SubjectPublicKeyInfo of the JWK whose kid is "HCLAkPub"
};

// is_hcl_report tells whether `bytes` start with the HCL report's "HCLA" signature.
bool is_hcl_report(ByteView bytes);

// parse_hcl_report parses the report ("HCLA" header of 0x20 bytes | 0x4A0 bytes of hardware
// report | IGVM request data: data size, version, report_type, hash type, variable data size,
// all little-endian u32 | runtime-data JSON | zero padding), checks that the hardware report's
// REPORT_DATA begins with the hash of the runtime data, and reads the HCLAkPub RSA JWK. Fails
// with InvalidArgument naming the field when the input exceeds kMaxHclReportSize, a field is out
// of range, the padding is not zero, the binding fails, or the JSON holds no usable HCLAkPub.
Result<HclReport> parse_hcl_report(ByteView bytes);

// ak_public_from_file_contents returns the DER SubjectPublicKeyInfo of an AK given as a PEM
// "PUBLIC KEY" block, DER SPKI, or an HCL report (its HCLAkPub). Fails with InvalidArgument when
// the input exceeds kMaxAkFileSize, does not parse, or holds a key that is neither RSA nor EC.
Result<Bytes> ak_public_from_file_contents(ByteView contents);

}  // namespace ensign::attest::tpm
