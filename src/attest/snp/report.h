// report.h: the AMD SEV-SNP ATTESTATION_REPORT (SEV Secure Nested Paging Firmware ABI
// Specification, AMD 56860, "ATTESTATION_REPORT Structure"), versions 2 to 5, and its claims.
//
// Byte layout (integers little-endian; exactly 0x4A0 bytes, nothing may follow):
//   0x000  4   VERSION                  0x180  8   REPORTED_TCB
//   0x004  4   GUEST_SVN                0x188  1   CPUID_FAM_ID (version 3+)
//   0x008  8   POLICY                   0x189  1   CPUID_MOD_ID (version 3+)
//   0x010  16  FAMILY_ID                0x18A  1   CPUID_STEP (version 3+)
//   0x020  16  IMAGE_ID                 0x1A0  64  CHIP_ID
//   0x030  4   VMPL                     0x1E0  8   COMMITTED_TCB
//   0x034  4   SIGNATURE_ALGO           0x1E8  3   CURRENT_BUILD, CURRENT_MINOR, CURRENT_MAJOR
//   0x038  8   CURRENT_TCB              0x1EC  3   COMMITTED_BUILD, _MINOR, _MAJOR
//   0x040  8   PLATFORM_INFO            0x1F0  8   LAUNCH_TCB
//   0x048  4   AUTHOR_KEY_EN (bit 0),   0x1F8  8   LAUNCH_MIT_VECTOR (version 5+)
//              MASK_CHIP_KEY (bit 1),   0x200  8   CURRENT_MIT_VECTOR (version 5+)
//              SIGNING_KEY (bits 4:2)   0x2A0  72  SIGNATURE R
//   0x050  64  REPORT_DATA              0x2E8  72  SIGNATURE S
//   0x090  48  MEASUREMENT
//   0x0C0  32  HOST_DATA
//   0x0E0  48  ID_KEY_DIGEST
//   0x110  48  AUTHOR_KEY_DIGEST
//   0x140  32  REPORT_ID
//   0x160  32  REPORT_ID_MA
// Reserved, must be zero: 0x04C-0x04F, 0x18B-0x19F (0x188-0x19F before v3), 0x1EB, 0x1EF,
// 0x208-0x29F (0x1F8-0x29F before v5), and 0x330-0x49F after R and S. Version 4 has the layout
// of version 3. The signature (ECDSA P-384 with SHA-384, SIGNATURE_ALGO 1) covers bytes
// 0x000-0x29F; R and S are little-endian integers.
//
// TCB_VERSION has two layouts. Milan and Genoa: BOOT_LOADER, TEE, 4 reserved bytes, SNP,
// MICROCODE. Turin and later (CPUID family 1Ah): FMC, BOOT_LOADER, TEE, SNP, 3 reserved bytes,
// MICROCODE. A version 3+ report names its CPU (CPUID_FAM_ID, CPUID_MOD_ID), which decides. A
// version 2 report does not: parse_report then follows the CHIP_ID, which on Turin is 8 bytes
// followed by zeros (64 bytes on Milan and Genoa), and uses the Milan/Genoa layout when CHIP_ID is
// masked (all zero). A verifier that holds the signing VCEK/VLEK knows the product from its
// productName extension and re-decodes a version 2 report with use_product.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "attest/verification.h"
#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::snp {

inline constexpr std::size_t kReportSize = 0x4A0;
inline constexpr std::size_t kSignedSize = 0x2A0;  // bytes 0x000-0x29F are signed
inline constexpr std::size_t kSignatureOffset = 0x2A0;
inline constexpr std::size_t kSignatureComponentSize = 72;  // R and S, little-endian
inline constexpr std::uint32_t kMinimumVersion = 2;
inline constexpr std::uint32_t kMaximumVersion = 5;
inline constexpr std::uint32_t kSignatureAlgorithmEcdsaP384Sha384 = 1;

// SIGNING_KEY values (bits 4:2 of the word at 0x048); 2 to 6 are reserved.
inline constexpr std::uint32_t kSigningKeyVcek = 0;
inline constexpr std::uint32_t kSigningKeyVlek = 1;
inline constexpr std::uint32_t kSigningKeyNone = 7;

// GUEST_POLICY bits (bits 7:0 ABI_MINOR, 15:8 ABI_MAJOR).
inline constexpr unsigned kPolicySmtBit = 16;
inline constexpr unsigned kPolicyReservedOneBit = 17;  // the spec says it is always one
inline constexpr unsigned kPolicyMigrateMaBit = 18;
inline constexpr unsigned kPolicyDebugBit = 19;
inline constexpr unsigned kPolicySingleSocketBit = 20;
inline constexpr unsigned kPolicyCxlAllowBit = 21;
inline constexpr unsigned kPolicyMemAes256XtsBit = 22;
inline constexpr unsigned kPolicyRaplDisBit = 23;
inline constexpr unsigned kPolicyCiphertextHidingDramBit = 24;
inline constexpr unsigned kPolicyPageSwapDisableBit = 25;

// PLATFORM_INFO bits.
inline constexpr unsigned kPlatformSmtEnBit = 0;
inline constexpr unsigned kPlatformTsmeEnBit = 1;
inline constexpr unsigned kPlatformEccEnBit = 2;
inline constexpr unsigned kPlatformRaplDisBit = 3;
inline constexpr unsigned kPlatformCiphertextHidingEnBit = 4;
inline constexpr unsigned kPlatformAliasCheckCompleteBit = 5;
inline constexpr unsigned kPlatformTioEnBit = 7;

// has_bit returns whether bit `bit` of `value` is set.
constexpr bool has_bit(std::uint64_t value, unsigned bit) {
  return ((value >> bit) & 1u) != 0;
}

// Product is the AMD EPYC generation a report comes from; each has its own ARK.
enum class Product : unsigned char { kUnknown, kMilan, kGenoa, kTurin };

// product_name returns "Milan", "Genoa", "Turin" or "unknown".
std::string_view product_name(Product product);

// product_from_cpuid returns the generation of a CPUID family and model (extended fields
// combined, as the report's CPUID_FAM_ID and CPUID_MOD_ID hold them); kUnknown when it is none
// that ensign knows.
Product product_from_cpuid(std::uint8_t family, std::uint8_t model);

// product_from_name maps a VCEK/VLEK productName ("Milan-B0", "Genoa", "Turin-B0") or an ARK/ASK
// product ("Milan") to its generation; kUnknown for anything else.
Product product_from_name(std::string_view name);

enum class TcbLayout : unsigned char { kMilanGenoa, kTurin };

// TcbVersion is a decoded TCB_VERSION: security patch levels of the firmware components.
struct TcbVersion {
  std::uint64_t raw = 0;
  TcbLayout layout = TcbLayout::kMilanGenoa;
  std::optional<std::uint8_t> fmc;  // Turin layout only
  std::uint8_t bootloader = 0;
  std::uint8_t tee = 0;
  std::uint8_t snp = 0;
  std::uint8_t microcode = 0;
};

// decode_tcb_version splits a raw TCB_VERSION (as read little-endian) by `layout`.
TcbVersion decode_tcb_version(std::uint64_t raw, TcbLayout layout);

// FirmwareVersion is CURRENT_* or COMMITTED_* (build, minor, major bytes).
struct FirmwareVersion {
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::uint8_t build = 0;
};

// AttestationReport holds every field of a parsed report under its specification name.
// Parsing checks the structure only; verify_report (verify.h) checks who signed it.
struct AttestationReport {
  std::uint32_t version = 0;
  std::uint32_t guest_svn = 0;
  std::uint64_t policy = 0;
  std::array<std::uint8_t, 16> family_id{};
  std::array<std::uint8_t, 16> image_id{};
  std::uint32_t vmpl = 0;
  std::uint32_t signature_algo = 0;
  TcbVersion current_tcb;
  std::uint64_t platform_info = 0;
  std::uint32_t flags = 0;  // the word at 0x048; the three fields below are its bits
  bool author_key_en = false;
  bool mask_chip_key = false;
  std::uint32_t signing_key = 0;
  std::array<std::uint8_t, 64> report_data{};
  std::array<std::uint8_t, 48> measurement{};
  std::array<std::uint8_t, 32> host_data{};
  std::array<std::uint8_t, 48> id_key_digest{};
  std::array<std::uint8_t, 48> author_key_digest{};
  std::array<std::uint8_t, 32> report_id{};
  std::array<std::uint8_t, 32> report_id_ma{};
  TcbVersion reported_tcb;
  // CPUID_FAM_ID, CPUID_MOD_ID, CPUID_STEP; version 3 and later only.
  std::optional<std::array<std::uint8_t, 3>> cpuid_fam_mod_step;
  std::array<std::uint8_t, 64> chip_id{};
  TcbVersion committed_tcb;
  FirmwareVersion current_fw;
  FirmwareVersion committed_fw;
  TcbVersion launch_tcb;
  std::optional<std::uint64_t> launch_mit_vector;                   // version 5 and later only
  std::optional<std::uint64_t> current_mit_vector;                  // version 5 and later only
  std::array<std::uint8_t, kSignatureComponentSize> signature_r{};  // little-endian
  std::array<std::uint8_t, kSignatureComponentSize> signature_s{};  // little-endian
  // The generation the TCB versions were decoded for (see the banner).
  Product product = Product::kUnknown;
};

// parse_report reads exactly kReportSize bytes. Fails with InvalidArgument naming the problem:
// wrong size, unsupported VERSION, unknown SIGNATURE_ALGO, or a nonzero reserved byte range
// (named by its offsets). Bit fields (POLICY, PLATFORM_INFO, the word at 0x048) are kept as they
// are: AMD adds bits to them without a new report version.
Result<AttestationReport> parse_report(ByteView evidence);

// use_product records `product` as the report's generation and re-decodes its four TCB versions
// with that generation's layout (kUnknown keeps the Milan/Genoa layout).
void use_product(AttestationReport& report, Product product);

// is_chip_id_masked returns whether CHIP_ID is all zero, as the firmware writes it when the host
// set MaskChipId.
bool is_chip_id_masked(const AttestationReport& report);

// format_firmware_version returns "major.minor.build".
std::string format_firmware_version(const FirmwareVersion& version);


// report_claims returns every field of `report` in the claims convention of verification.h:
// byte strings lowercase hex, bit fields and codes "0x" hex, counters and SVNs numbers, and the
// decoded POLICY, PLATFORM_INFO and signer bits as booleans (policy_debug_allowed, ...). Fields a
// version does not have are null.
nlohmann::json report_claims(const AttestationReport& report);

}  // namespace ensign::attest::snp
