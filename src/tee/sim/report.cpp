#include "tee/sim/report.h"

#include <string_view>

#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "tee/sim/internal/wire.h"

namespace ensign::tee::sim {
namespace {

using internal::short_hex;

constexpr std::size_t kReportMagicSize = sizeof kSimReportMagic - 1;
constexpr std::uint32_t kRequiredFlags = kSimReportFlagSimulated | kSimReportFlagDebug;

Unexpected malformed(std::string_view problem) {
  return fail(ErrorCode::kInvalidArgument, "malformed sim report: " + std::string(problem));
}

}  // namespace

Bytes root_key_id(ByteView root_public_key_der) {
  return crypto::sha256(root_public_key_der);
}

Result<Bytes> encode_sim_report_claims(ByteView measurement,
                                       ByteView report_data,
                                       ByteView root_key_id) {
  if (measurement.size() != kMeasurementSize || report_data.size() != kSimReportDataSize ||
      root_key_id.size() != kRootKeyIdSize) {
    return fail(ErrorCode::kInvalidArgument,
                "sim report needs a 48-byte measurement, 64 bytes of report data and a 32-byte "
                "root key id");
  }
  Bytes out;
  internal::append(out, as_bytes(std::string_view(kSimReportMagic, kReportMagicSize)));
  internal::append_u16(out, kSimReportVersion);
  std::string_view platform = kSimPlatformName;
  out.push_back(static_cast<std::uint8_t>(platform.size()));
  internal::append(out, as_bytes(platform));
  internal::append_u32(out, kRequiredFlags);
  internal::append(out, measurement);
  internal::append(out, report_data);
  internal::append(out, root_key_id);
  return out;
}

Result<Bytes> complete_sim_report(ByteView signed_part, ByteView signature) {
  if (signature.empty() || signature.size() > kMaxSimReportSignatureSize) {
    return fail(ErrorCode::kInvalidArgument,
                "sim report signature of " + std::to_string(signature.size()) +
                    " bytes is outside 1.." + std::to_string(kMaxSimReportSignatureSize));
  }
  Bytes out(signed_part.begin(), signed_part.end());
  internal::append_u16(out, static_cast<std::uint16_t>(signature.size()));
  internal::append(out, signature);
  return out;
}

Result<SimReport> parse_sim_report(ByteView evidence) {
  if (evidence.size() > kMaxSimReportSize) {
    return malformed(std::to_string(evidence.size()) + " bytes is over the limit of " +
                     std::to_string(kMaxSimReportSize));
  }
  internal::Cursor cursor(evidence);
  auto magic = cursor.take(kReportMagicSize);
  if (!magic) {
    return malformed("truncated in the magic");
  }
  if (as_string(*magic) != std::string_view(kSimReportMagic, kReportMagicSize)) {
    return malformed("wrong magic (not a sim report)");
  }
  SimReport report;
  auto version = cursor.u16();
  if (!version) {
    return malformed("truncated in the version");
  }
  if (*version != kSimReportVersion) {
    return malformed("version " + std::to_string(*version) + " is not supported (expected " +
                     std::to_string(kSimReportVersion) + ")");
  }
  report.version = *version;
  auto platform_size = cursor.u8();
  auto platform = platform_size ? cursor.take(*platform_size) : std::nullopt;
  if (!platform) {
    return malformed("truncated in the platform");
  }
  report.platform = as_string(*platform);
  if (report.platform != kSimPlatformName) {
    return malformed("platform is not \"sim\"");
  }
  auto flags = cursor.u32();
  if (!flags) {
    return malformed("truncated in the flags");
  }
  if (*flags != kRequiredFlags) {
    return malformed("flags " + std::to_string(*flags) + " are not simulated|debug (3)");
  }
  report.flags = *flags;
  auto measurement = cursor.take(kMeasurementSize);
  auto report_data = cursor.take(kSimReportDataSize);
  auto key_id = cursor.take(kRootKeyIdSize);
  if (!measurement || !report_data || !key_id) {
    return malformed("truncated in the claims");
  }
  report.measurement.assign(measurement->begin(), measurement->end());
  report.report_data.assign(report_data->begin(), report_data->end());
  report.root_key_id.assign(key_id->begin(), key_id->end());
  report.signed_bytes.assign(evidence.begin(),
                             evidence.begin() + static_cast<std::ptrdiff_t>(cursor.position()));
  auto signature_size = cursor.u16();
  if (!signature_size) {
    return malformed("truncated in the signature length");
  }
  if (*signature_size == 0 || *signature_size > kMaxSimReportSignatureSize) {
    return malformed("signature length " + std::to_string(*signature_size) + " is outside 1.." +
                     std::to_string(kMaxSimReportSignatureSize));
  }
  auto signature = cursor.take(*signature_size);
  if (!signature) {
    return malformed("truncated in the signature");
  }
  report.signature.assign(signature->begin(), signature->end());
  if (cursor.remaining() != 0) {
    return malformed(std::to_string(cursor.remaining()) + " trailing bytes after the signature");
  }
  return report;
}

Status verify_sim_report(const SimReport& report, ByteView root_public_key_der) {
  Bytes expected_id = root_key_id(root_public_key_der);
  if (!constant_time_equal(report.root_key_id, expected_id)) {
    return fail(ErrorCode::kUnauthenticated,
                "sim report names root key " + short_hex(report.root_key_id) + ", expected " +
                    short_hex(expected_id));
  }
  ENSIGN_TRY(key, crypto::public_key_from_der(root_public_key_der));
  auto algorithm = crypto::key_algorithm_of(key.get());
  if (!algorithm || *algorithm != crypto::KeyAlgorithm::kEcdsaP384) {
    return fail(ErrorCode::kInvalidArgument,
                "sim root key " + short_hex(expected_id) + " is not an ECDSA P-384 public key");
  }
  if (!crypto::verify_message(
          key.get(), crypto::KeyAlgorithm::kEcdsaP384, report.signed_bytes, report.signature)) {
    return fail(ErrorCode::kUnauthenticated,
                "sim report signature does not verify with root key " + short_hex(expected_id));
  }
  return {};
}

Bytes key_attestation_report_data(ByteView spki_der) {
  Bytes out = crypto::sha256(spki_der);
  out.resize(kSimReportDataSize, 0);
  return out;
}

}  // namespace ensign::tee::sim
