// pck.h: the Intel SGX extensions of a PCK certificate (OID 1.2.840.113741.1.13.1), which say
// which platform the certificate belongs to (PPID, FMSPC, PCE-ID) and at which TCB level it was
// issued; appraising a quote against TCB Info starts from them. Layout: Intel "SGX PCK
// Certificate and Certificate Revocation List Profile Specification", section 1.5.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "attest/pki/certificates.h"
#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::dcap {

// The platform identifiers a PCK certificate carries and Intel's collateral is issued for.
inline constexpr std::size_t kFmspcSize = 6;
inline constexpr std::size_t kPceidSize = 2;
inline constexpr std::string_view kSgxExtensionsOid = "1.2.840.113741.1.13.1";
inline constexpr std::size_t kMaxSgxExtensionsSize = 4096;  // the extension's DER value
inline constexpr std::size_t kMaxSgxExtensionEntries = 32;  // per SEQUENCE level

// PckConfiguration is the optional Configuration extension of a multi-package platform's PCK
// certificate; each flag is unset when absent.
struct PckConfiguration {
  std::optional<bool> dynamic_platform;
  std::optional<bool> cached_keys;
  std::optional<bool> smt_enabled;
};

// PckExtensions is what a PCK certificate's SGX extensions say.
struct PckExtensions {
  Bytes ppid;                                         // 16 bytes
  std::array<std::uint8_t, 16> sgx_tcb_components{};  // SGX TCB component SVNs 1..16
  std::uint16_t pcesvn = 0;
  Bytes cpusvn;                               // 16 bytes
  Bytes pceid;                                // 2 bytes
  Bytes fmspc;                                // 6 bytes
  std::uint32_t sgx_type = 0;                 // 0 Standard, 1 Scalable, 2 Scalable with Integrity
  std::optional<Bytes> platform_instance_id;  // 16 bytes, Platform CA certificates only
  std::optional<PckConfiguration> configuration;
};

// parse_pck_extensions decodes the SGX extensions of `certificate` with OpenSSL's ASN.1 decoder.
// Fails with InvalidArgument when the certificate has none, the value is over
// kMaxSgxExtensionsSize or is not DER, a required entry (PPID, TCB with its 18 components,
// PCE-ID, FMSPC, SGX Type) is missing, repeated or of the wrong type or size; unknown entries
// are ignored, as Intel adds them over versions.
Result<PckExtensions> parse_pck_extensions(const pki::Certificate& certificate);

// pck_claims returns the extensions as claims: ppid, fmspc, pceid, pcesvn, cpusvn,
// sgx_tcb_components (16 numbers), sgx_type ("0x1"), and platform_instance_id and
// configuration{dynamic_platform, cached_keys, smt_enabled} when present.
nlohmann::json pck_claims(const PckExtensions& extensions);

}  // namespace ensign::attest::dcap
