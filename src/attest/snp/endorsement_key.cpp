#include "attest/snp/endorsement_key.h"

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

#include "core/openssl_handles.h"

namespace ensign::attest::snp {
namespace {

// ASN1_INTEGER, ASN1_OCTET_STRING and ASN1_IA5STRING are all ASN1_STRING. This alias belongs in
// core/openssl_handles.h; it lives here until that shared header has it.
using Asn1StringPtr = std::unique_ptr<ASN1_STRING, OpenSslDeleter<ASN1_STRING, ASN1_STRING_free>>;

// OpenSslBufferDeleter frees memory OpenSSL allocated for the caller (ASN1_STRING_to_UTF8).
struct OpenSslBufferDeleter {
  void operator()(unsigned char* buffer) const { OPENSSL_free(buffer); }
};
using OpenSslBufferPtr = std::unique_ptr<unsigned char, OpenSslBufferDeleter>;

constexpr std::size_t kChipIdSize = 64;
constexpr std::size_t kTurinHardwareIdSize = 8;

using Decoder = ASN1_STRING* (*)(ASN1_STRING**, const unsigned char**, long);

// decode_whole runs an OpenSSL d2i decoder over `value` and fails unless it reads all of it.
Result<Asn1StringPtr> decode_whole(ByteView value, Decoder decoder, std::string_view what) {
  if (value.size() > kMaxExtensionValueSize) {
    return fail(ErrorCode::kInvalidArgument,
                std::string(what) + " is " + std::to_string(value.size()) + " bytes, more than " +
                    std::to_string(kMaxExtensionValueSize));
  }
  const unsigned char* cursor = value.data();
  Asn1StringPtr decoded(decoder(nullptr, &cursor, static_cast<long>(value.size())));
  ERR_clear_error();
  if (!decoded || cursor != value.data() + value.size()) {
    return fail(ErrorCode::kInvalidArgument, std::string(what) + " is not one DER value");
  }
  return decoded;
}

Bytes string_bytes(const ASN1_STRING* string) {
  const unsigned char* data = ASN1_STRING_get0_data(string);
  return Bytes(data, data + ASN1_STRING_length(string));
}

std::string extension_error(std::string_view role,
                            const pki::Certificate& key,
                            std::string_view problem) {
  return describe_certificate(role, key) + ": " + std::string(problem);
}

// read_extension returns the decoded value of extension `oid` named `name`, or an error that
// names the certificate.
template <typename T>
Result<T> read_extension(const pki::Certificate& key,
                         EndorsementKey kind,
                         const char* oid,
                         std::string_view name,
                         Result<T> (*decode)(ByteView)) {
  std::string_view role = endorsement_key_name(kind);
  auto value = key.extension(oid);
  if (!value) {
    return fail(ErrorCode::kInvalidArgument,
                extension_error(role, key, "no " + std::string(name) + " extension (" + oid + ")"));
  }
  auto decoded = decode(*value);
  if (!decoded) {
    return fail(ErrorCode::kInvalidArgument, extension_error(role, key, decoded.error().message()));
  }
  return decoded;
}

// SplField is one TCB component: its extension, its KDS name and its REPORTED_TCB value.
struct SplField {
  const char* oid;
  std::string_view extension;
  std::string_view component;
  std::uint8_t reported;
};

}  // namespace

std::string_view endorsement_key_name(EndorsementKey key) {
  return key == EndorsementKey::kVcek ? "VCEK" : "VLEK";
}

std::string_view endorsement_key_common_name(EndorsementKey key) {
  return key == EndorsementKey::kVcek ? "SEV-VCEK" : "SEV-VLEK";
}

std::string describe_certificate(std::string_view role, const pki::Certificate& certificate) {
  return std::string(role) + " (" + certificate.subject() + "; sha256 " + certificate.sha256() +
         ")";
}

Result<std::uint8_t> decode_spl(ByteView value) {
  ENSIGN_TRY(integer, decode_whole(value, d2i_ASN1_INTEGER, "SPL value"));
  std::int64_t number = 0;
  if (ASN1_INTEGER_get_int64(&number, integer.get()) != 1 || number < 0 || number > 0xff) {
    ERR_clear_error();
    return fail(ErrorCode::kInvalidArgument, "SPL value is not an integer from 0 to 255");
  }
  return static_cast<std::uint8_t>(number);
}

Result<Bytes> decode_hardware_id(ByteView value) {
  if (value.size() == kChipIdSize || value.size() == kTurinHardwareIdSize) {
    return Bytes(value.begin(), value.end());
  }
  ENSIGN_TRY(octets, decode_whole(value, d2i_ASN1_OCTET_STRING, "hwID value"));
  Bytes hardware_id = string_bytes(octets.get());
  if (hardware_id.size() != kChipIdSize && hardware_id.size() != kTurinHardwareIdSize) {
    return fail(ErrorCode::kInvalidArgument,
                "hwID is " + std::to_string(hardware_id.size()) + " bytes, not 64 or 8");
  }
  return hardware_id;
}

Result<std::string> decode_product_name(ByteView value) {
  ENSIGN_TRY(text, decode_whole(value, d2i_ASN1_IA5STRING, "productName value"));
  Bytes bytes = string_bytes(text.get());
  bool printable = std::all_of(
      bytes.begin(), bytes.end(), [](std::uint8_t byte) { return byte >= 0x20 && byte < 0x7f; });
  if (bytes.empty() || !printable) {
    return fail(ErrorCode::kInvalidArgument, "productName is not printable ASCII");
  }
  return as_string(bytes);
}

Result<Product> certificate_product(const pki::Certificate& key, EndorsementKey kind) {
  ENSIGN_TRY(
      name,
      read_extension<std::string>(key, kind, kOidProductName, "productName", decode_product_name));
  Product product = product_from_name(name);
  if (product == Product::kUnknown) {
    return fail(ErrorCode::kInvalidArgument,
                extension_error(endorsement_key_name(kind),
                                key,
                                "productName '" + name + "' is not Milan, Genoa or Turin"));
  }
  return product;
}

Status check_hardware_id(const AttestationReport& report, const pki::Certificate& vcek) {
  if (is_chip_id_masked(report)) {
    return {};
  }
  ENSIGN_TRY(hardware_id,
             read_extension<Bytes>(
                 vcek, EndorsementKey::kVcek, kOidHardwareId, "hwID", decode_hardware_id));
  ByteView chip_id(report.chip_id);
  ByteView prefix = chip_id.first(hardware_id.size());
  ByteView rest = chip_id.subspan(hardware_id.size());
  bool matches = std::equal(prefix.begin(), prefix.end(), hardware_id.begin()) &&
                 std::all_of(rest.begin(), rest.end(), [](std::uint8_t byte) { return byte == 0; });
  if (!matches) {
    return fail(ErrorCode::kUnauthenticated,
                extension_error("VCEK",
                                vcek,
                                "hwID " + hex_encode(hardware_id) +
                                    " is not the report's CHIP_ID " + hex_encode(chip_id)));
  }
  return {};
}

std::vector<std::string> check_tcb_extensions(const AttestationReport& report,
                                              const pki::Certificate& key,
                                              EndorsementKey kind) {
  const TcbVersion& tcb = report.reported_tcb;
  std::vector<SplField> fields = {
      {kOidBootloaderSpl, "blSPL", "BOOT_LOADER", tcb.bootloader},
      {kOidTeeSpl, "teeSPL", "TEE", tcb.tee},
      {kOidSnpSpl, "snpSPL", "SNP", tcb.snp},
      {kOidMicrocodeSpl, "ucodeSPL", "MICROCODE", tcb.microcode},
  };
  std::vector<std::string> errors;
  if (tcb.fmc) {
    fields.push_back({kOidFmcSpl, "fmcSPL", "FMC", *tcb.fmc});
  } else if (key.extension(kOidFmcSpl)) {
    errors.push_back(extension_error(endorsement_key_name(kind),
                                     key,
                                     "has fmcSPL, but REPORTED_TCB in the " +
                                         std::string(product_name(report.product)) +
                                         " layout has no FMC"));
  }
  for (const SplField& field : fields) {
    auto spl = read_extension<std::uint8_t>(key, kind, field.oid, field.extension, decode_spl);
    if (!spl) {
      errors.push_back(spl.error().message());
    } else if (*spl != field.reported) {
      errors.push_back(extension_error(endorsement_key_name(kind),
                                       key,
                                       std::string(field.extension) + " " + std::to_string(*spl) +
                                           " is not REPORTED_TCB " + std::string(field.component) +
                                           " " + std::to_string(field.reported)));
    }
  }
  return errors;
}

std::vector<std::string> check_chain_generation(std::span<const pki::Certificate> chain,
                                                EndorsementKey kind,
                                                Product product) {
  std::string generation(product_name(product));
  std::string_view key_name = endorsement_key_name(kind);
  struct Expected {
    std::string_view role;
    std::string common_name;
  };
  const Expected expected[] = {
      {kind == EndorsementKey::kVcek ? "ASK" : "ASVK",
       (kind == EndorsementKey::kVcek ? "SEV-" : "SEV-VLEK-") + generation},
      {"ARK", "ARK-" + generation},
  };
  if (chain.size() != 3) {
    return {std::string(key_name) + " chain has " + std::to_string(chain.size()) +
            " certificates, not the 3 of AMD's hierarchy (" + std::string(key_name) + ", " +
            expected[0].common_name + ", " + expected[1].common_name + ")"};
  }
  std::vector<std::string> errors;
  for (std::size_t index = 0; index < 2; ++index) {
    const pki::Certificate& certificate = chain[index + 1];
    if (certificate.common_name() != expected[index].common_name) {
      errors.push_back(describe_certificate(expected[index].role, certificate) + " is not " +
                       expected[index].common_name + ", the " + std::string(expected[index].role) +
                       " of the " + std::string(key_name) + "'s productName " + generation);
    }
  }
  return errors;
}

}  // namespace ensign::attest::snp
