// endorsement_key.h: the versioned endorsement keys that sign SEV-SNP reports (VCEK, or VLEK for
// a cloud provider) and the AMD X.509 extensions of their certificates ("Versioned Chip
// Endorsement Key (VCEK) Certificate and KDS Interface Specification", AMD 57230), checked
// against the report the key signed, as go-sev-guest and trustee check them.
//
// The extension values are the DER inside extnValue: productName an IA5String ("Milan-B0",
// "Genoa", "Turin"), each SPL an INTEGER 0-255, and hwID the CHIP_ID, 64 bytes (8 on Turin),
// stored raw by AMD's KDS (some tools wrap it in an OCTET STRING; both are read).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "attest/pki/certificates.h"
#include "attest/snp/report.h"
#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::snp {

inline constexpr char kOidProductName[] = "1.3.6.1.4.1.3704.1.2";
inline constexpr char kOidBootloaderSpl[] = "1.3.6.1.4.1.3704.1.3.1";
inline constexpr char kOidTeeSpl[] = "1.3.6.1.4.1.3704.1.3.2";
inline constexpr char kOidSnpSpl[] = "1.3.6.1.4.1.3704.1.3.3";
inline constexpr char kOidMicrocodeSpl[] = "1.3.6.1.4.1.3704.1.3.8";
inline constexpr char kOidFmcSpl[] = "1.3.6.1.4.1.3704.1.3.9";
inline constexpr char kOidHardwareId[] = "1.3.6.1.4.1.3704.1.4";
inline constexpr std::size_t kMaxExtensionValueSize = 256;  // the largest AMD value is 66 bytes

// EndorsementKey is which key signed a report: SIGNING_KEY 0 is the VCEK, 1 the VLEK.
enum class EndorsementKey : unsigned char { kVcek, kVlek };

// endorsement_key_name returns "VCEK" or "VLEK".
std::string_view endorsement_key_name(EndorsementKey key);

// endorsement_key_common_name returns the subject CN of the key's certificate: "SEV-VCEK" or
// "SEV-VLEK".
std::string_view endorsement_key_common_name(EndorsementKey key);


// describe_certificate returns "<role> (<subject>; sha256 <hex>)", how errors name a certificate.
std::string describe_certificate(std::string_view role, const pki::Certificate& certificate);

// decode_spl reads an SPL extension value, a DER INTEGER 0-255 with nothing after it. Fails with
// InvalidArgument otherwise.
Result<std::uint8_t> decode_spl(ByteView value);

// decode_hardware_id reads a hwID extension value: 64 or 8 raw bytes, or a DER OCTET STRING of
// them. Fails with InvalidArgument otherwise.
Result<Bytes> decode_hardware_id(ByteView value);

// decode_product_name reads a productName extension value, a DER IA5String of printable ASCII.
// Fails with InvalidArgument otherwise.
Result<std::string> decode_product_name(ByteView value);

// certificate_product returns the generation a VCEK/VLEK certificate names in productName. Fails
// with InvalidArgument naming the certificate when the extension is missing, malformed or names
// no known generation.
Result<Product> certificate_product(const pki::Certificate& key, EndorsementKey kind);

// check_hardware_id checks that a VCEK's hwID is the report's CHIP_ID (an 8-byte Turin hwID is
// CHIP_ID's first 8 bytes, the rest zero). Passes when CHIP_ID is masked (all zero). Fails with
// Unauthenticated naming the certificate and both values, or InvalidArgument when the extension
// is missing or malformed.
Status check_hardware_id(const AttestationReport& report, const pki::Certificate& vcek);

// check_tcb_extensions compares the key's blSPL, teeSPL, snpSPL, ucodeSPL (and fmcSPL on Turin)
// with REPORTED_TCB, decoded in the report's layout. Returns one error per missing, malformed or
// different value, each naming the certificate; empty when all match.
std::vector<std::string> check_tcb_extensions(const AttestationReport& report,
                                              const pki::Certificate& key,
                                              EndorsementKey kind);

// check_chain_generation checks a verified chain of a `kind` key (leaf first) against the
// generation its productName names: three certificates, then the ASK ("SEV-Milan") or, for a
// VLEK, the ASVK ("SEV-VLEK-Milan"), then the ARK ("ARK-Milan"). Returns one error per
// difference, each naming the certificate; empty when the chain is that generation's.
std::vector<std::string> check_chain_generation(std::span<const pki::Certificate> chain,
                                                EndorsementKey kind,
                                                Product product);

}  // namespace ensign::attest::snp
