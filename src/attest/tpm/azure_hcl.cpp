#include "attest/tpm/azure_hcl.h"

#include <openssl/pem.h>

#include <string>
#include <string_view>

#include "attest/tpm/internal/little_endian.h"
#include "attest/tpm/internal/rsa_public_key.h"
#include "attest/tpm/json_input.h"
#include "attest/tpm/public_area.h"
#include "core/openssl_handles.h"
#include "crypto/hash.h"
#include "crypto/keys.h"

namespace ensign::attest::tpm {
namespace {

using internal::read_le32;
using nlohmann::json;

constexpr std::uint32_t kHclSignature = 0x414c4348;  // "HCLA" read little-endian
constexpr std::size_t kHeaderSize = 0x20;
constexpr std::size_t kHardwareReportArea = 0x4a0;
constexpr std::size_t kRequestDataOffset = kHeaderSize + kHardwareReportArea;
constexpr std::size_t kRequestDataSize = 5 * 4;
constexpr std::size_t kRuntimeDataOffset = kRequestDataOffset + kRequestDataSize;
constexpr std::size_t kSnpReportSize = 0x4a0;
constexpr std::size_t kSnpReportDataOffset = 0x50;  // ATTESTATION_REPORT.REPORT_DATA
constexpr std::size_t kTdReportSize = 0x400;
constexpr std::size_t kTdReportDataOffset = 0x80;  // REPORTMACSTRUCT.REPORTDATA
constexpr std::string_view kAkKeyId = "HCLAkPub";
constexpr std::size_t kMinRsaModulusSize = 256;  // 2048 bits
constexpr std::size_t kMaxRsaExponentSize = 8;

Error hcl_error(const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, "HCL report: " + message);
}

// HeaderFields are the little-endian u32 fields the report's layout depends on.
struct HeaderFields {
  std::uint32_t version = 0;
  std::uint32_t report_size = 0;
  std::uint32_t data_size = 0;
  std::uint32_t data_version = 0;
  std::uint32_t report_type = 0;
  std::uint32_t hash_type = 0;
  std::uint32_t runtime_data_size = 0;
};

HeaderFields read_header(ByteView bytes) {
  return {*read_le32(bytes, 4),
          *read_le32(bytes, 8),
          *read_le32(bytes, kRequestDataOffset),
          *read_le32(bytes, kRequestDataOffset + 4),
          *read_le32(bytes, kRequestDataOffset + 8),
          *read_le32(bytes, kRequestDataOffset + 12),
          *read_le32(bytes, kRequestDataOffset + 16)};
}

Result<crypto::HashAlgorithm> binding_hash(std::uint32_t hash_type) {
  switch (hash_type) {
    case 1:
      return crypto::HashAlgorithm::kSha256;
    case 2:
      return crypto::HashAlgorithm::kSha384;
    case 3:
      return crypto::HashAlgorithm::kSha512;
    default:
      return fail(hcl_error("IGVM hash type " + std::to_string(hash_type) +
                            " is not 1 (SHA-256), 2 (SHA-384) or 3 (SHA-512)"));
  }
}

Status check_layout(ByteView bytes, const HeaderFields& fields) {
  if (fields.version != 1 && fields.version != 2) {
    return fail(hcl_error("header version " + std::to_string(fields.version) + " is not 1 or 2"));
  }
  if (fields.data_version != 1) {
    return fail(hcl_error("IGVM request data version " + std::to_string(fields.data_version) +
                          " is not 1"));
  }
  if (fields.runtime_data_size > kMaxRuntimeDataSize ||
      fields.data_size != kRequestDataSize + fields.runtime_data_size ||
      fields.report_size != kRuntimeDataOffset + fields.runtime_data_size ||
      fields.report_size > bytes.size()) {
    return fail(hcl_error("runtime data size " + std::to_string(fields.runtime_data_size) +
                          " does not agree with the request data size " +
                          std::to_string(fields.data_size) + ", the report size " +
                          std::to_string(fields.report_size) + " and the " +
                          std::to_string(bytes.size()) + " bytes given"));
  }
  for (std::size_t offset = fields.report_size; offset < bytes.size(); ++offset) {
    if (bytes[offset] != 0) {
      return fail(hcl_error("nonzero byte at offset " + std::to_string(offset) +
                            " after the runtime data"));
    }
  }
  return {};
}

// has_string tells whether object[key] is the string `expected`.
bool has_string(const json& object, std::string_view key, std::string_view expected) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() &&
         found->get_ref<const std::string&>() == expected;
}

Result<Bytes> jwk_integer(const json& jwk,
                          std::string_view member,
                          std::size_t min_size,
                          std::size_t max_size) {
  std::string path = "HCL report: runtime data " + std::string(kAkKeyId);
  ENSIGN_TRY(text, string_member(jwk, member, path));
  std::string where = path + "." + std::string(member);
  auto value = base64_decode(text);
  if (!value) {
    return fail(ErrorCode::kInvalidArgument, where + ": " + value.error().message());
  }
  if (value->size() < min_size || value->size() > max_size) {
    return fail(ErrorCode::kInvalidArgument,
                where + " is " + std::to_string(value->size()) + " bytes, expected " +
                    std::to_string(min_size) + ".." + std::to_string(max_size));
  }
  return std::move(value).value();
}

Result<Bytes> ak_from_runtime_data(ByteView runtime_data) {
  ENSIGN_TRY(root, parse_json_input(runtime_data, kMaxRuntimeDataSize, "HCL report runtime data"));
  if (!root.is_object() || !root.contains("keys") || !root.at("keys").is_array()) {
    return fail(hcl_error("runtime data has no \"keys\" array"));
  }
  for (const json& jwk : root.at("keys")) {
    if (!jwk.is_object() || !has_string(jwk, "kid", kAkKeyId)) {
      continue;
    }
    if (!has_string(jwk, "kty", "RSA")) {
      return fail(hcl_error("runtime data HCLAkPub is not an RSA JWK"));
    }
    ENSIGN_TRY(modulus, jwk_integer(jwk, "n", kMinRsaModulusSize, kMaxRsaModulusSize));
    ENSIGN_TRY(exponent, jwk_integer(jwk, "e", 1, kMaxRsaExponentSize));
    auto der = internal::rsa_public_key_der(modulus, exponent);
    if (!der) {
      return fail(der.error().with_context("HCL report: HCLAkPub"));
    }
    return std::move(der).value();
  }
  return fail(hcl_error("runtime data has no key whose kid is HCLAkPub"));
}

Result<Bytes> pem_public_key_der(ByteView pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    return fail(openssl_error("out of memory"));
  }
  EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    return fail(openssl_error("AK: malformed PEM public key", ErrorCode::kInvalidArgument));
  }
  return crypto::public_key_to_der(key.get());
}

}  // namespace

bool is_hcl_report(ByteView bytes) {
  return read_le32(bytes, 0) == kHclSignature;
}

Result<HclReport> parse_hcl_report(ByteView bytes) {
  if (bytes.size() > kMaxHclReportSize || bytes.size() < kRuntimeDataOffset) {
    return fail(hcl_error(std::to_string(bytes.size()) + " bytes, expected " +
                          std::to_string(kRuntimeDataOffset) + ".." +
                          std::to_string(kMaxHclReportSize)));
  }
  if (!is_hcl_report(bytes)) {
    return fail(hcl_error("does not start with \"HCLA\""));
  }
  HeaderFields fields = read_header(bytes);
  ENSIGN_CHECK(check_layout(bytes, fields));
  HclReport report;
  std::size_t report_data_offset = 0;
  if (fields.report_type == static_cast<std::uint32_t>(HardwareReportType::kSevSnp)) {
    report.report_type = HardwareReportType::kSevSnp;
    report.hardware_report.assign(bytes.begin() + kHeaderSize,
                                  bytes.begin() + kHeaderSize + kSnpReportSize);
    report_data_offset = kSnpReportDataOffset;
  } else if (fields.report_type == static_cast<std::uint32_t>(HardwareReportType::kTdx)) {
    report.report_type = HardwareReportType::kTdx;
    report.hardware_report.assign(bytes.begin() + kHeaderSize,
                                  bytes.begin() + kHeaderSize + kTdReportSize);
    report_data_offset = kTdReportDataOffset;
  } else {
    return fail(hcl_error("report type " + std::to_string(fields.report_type) +
                          " is not 2 (SEV-SNP) or 4 (TDX)"));
  }
  report.runtime_data_offset = kRuntimeDataOffset;
  ByteView runtime_data = bytes.subspan(kRuntimeDataOffset, fields.runtime_data_size);
  report.runtime_data.assign(runtime_data.begin(), runtime_data.end());

  ENSIGN_TRY(algorithm, binding_hash(fields.hash_type));
  Bytes digest = crypto::hash(algorithm, runtime_data);
  ByteView report_data =
      ByteView(report.hardware_report).subspan(report_data_offset, digest.size());
  if (!constant_time_equal(digest, report_data)) {
    return fail(hcl_error("runtime data hash " + hex_encode(digest) +
                          " does not match the hardware report's REPORT_DATA " +
                          hex_encode(report_data)));
  }
  ENSIGN_TRY(ak_public, ak_from_runtime_data(runtime_data));
  report.ak_public = std::move(ak_public);
  return report;
}

Result<Bytes> ak_public_from_file_contents(ByteView contents) {
  if (contents.size() > kMaxAkFileSize) {
    return fail(ErrorCode::kInvalidArgument,
                "AK: " + std::to_string(contents.size()) + " bytes exceed the limit of " +
                    std::to_string(kMaxAkFileSize));
  }
  if (is_hcl_report(contents)) {
    ENSIGN_TRY(report, parse_hcl_report(contents));
    return std::move(report.ak_public);
  }
  Bytes der(contents.begin(), contents.end());
  if (as_string(contents).find("-----BEGIN PUBLIC KEY-----") != std::string::npos) {
    ENSIGN_TRY(converted, pem_public_key_der(contents));
    der = std::move(converted);
  }
  auto key = crypto::public_key_from_der(der);
  if (!key) {
    return fail(
        ErrorCode::kInvalidArgument,
        "AK: neither a PEM or DER public key nor an HCL report (" + key.error().message() + ")");
  }
  if (EVP_PKEY_is_a(key->get(), "RSA") != 1 && EVP_PKEY_is_a(key->get(), "EC") != 1) {
    return fail(ErrorCode::kInvalidArgument,
                "AK: a " + std::string(EVP_PKEY_get0_type_name(key->get())) +
                    " key, not RSA or EC (sha256 " + crypto::key_fingerprint(der) + ")");
  }
  return der;
}

}  // namespace ensign::attest::tpm
