#include "attest/snp/report.h"

#include <algorithm>
#include <cstdio>

#include "core/wire.h"

namespace ensign::attest::snp {
namespace {

constexpr std::uint8_t kTurinFamily = 0x1A;  // CPUID family of Turin and later (Zen 5)
constexpr std::size_t kTurinChipIdSize = 8;  // Turin's CHIP_ID is 8 bytes, zero-padded to 64

// little_endian reads `size` (at most 8) bytes at `offset` as a little-endian integer. The caller
// has checked that the evidence holds kReportSize bytes.
std::uint64_t little_endian(ByteView evidence, std::size_t offset, std::size_t size) {
  return wire::load_le(evidence, offset, size).value_or(0);
}

std::uint32_t read_u32(ByteView evidence, std::size_t offset) {
  return static_cast<std::uint32_t>(little_endian(evidence, offset, 4));
}

std::uint64_t read_u64(ByteView evidence, std::size_t offset) {
  return little_endian(evidence, offset, 8);
}

template <std::size_t Size>
std::array<std::uint8_t, Size> read_bytes(ByteView evidence, std::size_t offset) {
  std::array<std::uint8_t, Size> out{};
  std::copy_n(evidence.begin() + static_cast<std::ptrdiff_t>(offset), Size, out.begin());
  return out;
}

bool all_zero(ByteView bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t byte) { return byte == 0; });
}

std::string hex_offset(std::size_t offset) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%03zX", offset);
  return text;
}

// check_reserved fails when bytes [first, end) are not all zero.
Status check_reserved(ByteView evidence, std::size_t first, std::size_t end) {
  if (!all_zero(evidence.subspan(first, end - first))) {
    return fail(ErrorCode::kInvalidArgument,
                "SEV-SNP report: reserved bytes " + hex_offset(first) + "-" + hex_offset(end - 1) +
                    " are not zero");
  }
  return {};
}

Status check_all_reserved(ByteView evidence, std::uint32_t version) {
  ENSIGN_CHECK(check_reserved(evidence, 0x04C, 0x050));
  ENSIGN_CHECK(check_reserved(evidence, version >= 3 ? 0x18B : 0x188, 0x1A0));
  ENSIGN_CHECK(check_reserved(evidence, 0x1EB, 0x1EC));
  ENSIGN_CHECK(check_reserved(evidence, 0x1EF, 0x1F0));
  ENSIGN_CHECK(check_reserved(evidence, version >= 5 ? 0x208 : 0x1F8, kSignedSize));
  ENSIGN_CHECK(
      check_reserved(evidence, kSignatureOffset + 2 * kSignatureComponentSize, kReportSize));
  return {};
}

TcbLayout layout_of(Product product) {
  return product == Product::kTurin ? TcbLayout::kTurin : TcbLayout::kMilanGenoa;
}

// apply_layout re-decodes the four TCB versions of `report` with `layout`.
void apply_layout(AttestationReport& report, TcbLayout layout) {
  for (TcbVersion* tcb :
       {&report.current_tcb, &report.reported_tcb, &report.committed_tcb, &report.launch_tcb}) {
    *tcb = decode_tcb_version(tcb->raw, layout);
  }
}

// decide_product picks the generation (and so the TCB layout) as the banner of report.h says.
void decide_product(AttestationReport& report) {
  if (report.cpuid_fam_mod_step) {
    std::uint8_t family = (*report.cpuid_fam_mod_step)[0];
    report.product = product_from_cpuid(family, (*report.cpuid_fam_mod_step)[1]);
    apply_layout(report, family >= kTurinFamily ? TcbLayout::kTurin : TcbLayout::kMilanGenoa);
    return;
  }
  ByteView chip_id(report.chip_id);
  bool turin_like = !is_chip_id_masked(report) && all_zero(chip_id.subspan(kTurinChipIdSize));
  use_product(report, turin_like ? Product::kTurin : Product::kUnknown);
}

FirmwareVersion read_firmware_version(ByteView evidence, std::size_t offset) {
  return FirmwareVersion{evidence[offset + 2], evidence[offset + 1], evidence[offset]};
}

nlohmann::json tcb_claims(const TcbVersion& tcb) {
  nlohmann::json claims = {{"bootloader", tcb.bootloader},
                           {"tee", tcb.tee},
                           {"snp", tcb.snp},
                           {"microcode", tcb.microcode},
                           {"raw", hex_code(tcb.raw)}};
  if (tcb.fmc) {
    claims["fmc"] = *tcb.fmc;
  }
  return claims;
}

nlohmann::json optional_hex_number(const std::optional<std::uint64_t>& value) {
  return value ? nlohmann::json(hex_code(*value)) : nlohmann::json(nullptr);
}

}  // namespace

std::string_view product_name(Product product) {
  switch (product) {
    case Product::kMilan:
      return "Milan";
    case Product::kGenoa:
      return "Genoa";
    case Product::kTurin:
      return "Turin";
    case Product::kUnknown:
      break;
  }
  return "unknown";
}

Product product_from_cpuid(std::uint8_t family, std::uint8_t model) {
  if (family == 0x19) {
    if (model <= 0x0F) {
      return Product::kMilan;
    }
    if ((model >= 0x10 && model <= 0x1F) || (model >= 0xA0 && model <= 0xAF)) {
      return Product::kGenoa;
    }
  }
  if (family == kTurinFamily && model <= 0x11) {
    return Product::kTurin;
  }
  return Product::kUnknown;
}

Product product_from_name(std::string_view name) {
  std::string_view generation = name.substr(0, name.find('-'));
  for (Product product : {Product::kMilan, Product::kGenoa, Product::kTurin}) {
    if (generation == product_name(product)) {
      return product;
    }
  }
  return Product::kUnknown;
}

TcbVersion decode_tcb_version(std::uint64_t raw, TcbLayout layout) {
  auto byte = [raw](unsigned index) { return static_cast<std::uint8_t>(raw >> (8 * index)); };
  TcbVersion tcb;
  tcb.raw = raw;
  tcb.layout = layout;
  tcb.microcode = byte(7);
  if (layout == TcbLayout::kTurin) {
    tcb.fmc = byte(0);
    tcb.bootloader = byte(1);
    tcb.tee = byte(2);
    tcb.snp = byte(3);
  } else {
    tcb.bootloader = byte(0);
    tcb.tee = byte(1);
    tcb.snp = byte(6);
  }
  return tcb;
}

Result<AttestationReport> parse_report(ByteView evidence) {
  if (evidence.size() != kReportSize) {
    return fail(ErrorCode::kInvalidArgument,
                "SEV-SNP report: " + std::to_string(evidence.size()) + " bytes, expected " +
                    std::to_string(kReportSize));
  }
  AttestationReport report;
  report.version = read_u32(evidence, 0x000);
  if (report.version < kMinimumVersion || report.version > kMaximumVersion) {
    return fail(ErrorCode::kInvalidArgument,
                "SEV-SNP report: unsupported VERSION " + std::to_string(report.version) +
                    " (ensign reads 2 to 5)");
  }
  report.signature_algo = read_u32(evidence, 0x034);
  if (report.signature_algo != kSignatureAlgorithmEcdsaP384Sha384) {
    return fail(ErrorCode::kInvalidArgument,
                "SEV-SNP report: unknown SIGNATURE_ALGO " + std::to_string(report.signature_algo) +
                    " (1 is ECDSA P-384 with SHA-384)");
  }
  ENSIGN_CHECK(check_all_reserved(evidence, report.version));

  report.guest_svn = read_u32(evidence, 0x004);
  report.policy = read_u64(evidence, 0x008);
  report.family_id = read_bytes<16>(evidence, 0x010);
  report.image_id = read_bytes<16>(evidence, 0x020);
  report.vmpl = read_u32(evidence, 0x030);
  report.current_tcb.raw = read_u64(evidence, 0x038);
  report.platform_info = read_u64(evidence, 0x040);
  report.flags = read_u32(evidence, 0x048);
  report.author_key_en = has_bit(report.flags, 0);
  report.mask_chip_key = has_bit(report.flags, 1);
  report.signing_key = (report.flags >> 2) & 0x7;
  report.report_data = read_bytes<64>(evidence, 0x050);
  report.measurement = read_bytes<48>(evidence, 0x090);
  report.host_data = read_bytes<32>(evidence, 0x0C0);
  report.id_key_digest = read_bytes<48>(evidence, 0x0E0);
  report.author_key_digest = read_bytes<48>(evidence, 0x110);
  report.report_id = read_bytes<32>(evidence, 0x140);
  report.report_id_ma = read_bytes<32>(evidence, 0x160);
  report.reported_tcb.raw = read_u64(evidence, 0x180);
  if (report.version >= 3) {
    report.cpuid_fam_mod_step = read_bytes<3>(evidence, 0x188);
  }
  report.chip_id = read_bytes<64>(evidence, 0x1A0);
  report.committed_tcb.raw = read_u64(evidence, 0x1E0);
  report.current_fw = read_firmware_version(evidence, 0x1E8);
  report.committed_fw = read_firmware_version(evidence, 0x1EC);
  report.launch_tcb.raw = read_u64(evidence, 0x1F0);
  if (report.version >= 5) {
    report.launch_mit_vector = read_u64(evidence, 0x1F8);
    report.current_mit_vector = read_u64(evidence, 0x200);
  }
  report.signature_r = read_bytes<kSignatureComponentSize>(evidence, kSignatureOffset);
  report.signature_s =
      read_bytes<kSignatureComponentSize>(evidence, kSignatureOffset + kSignatureComponentSize);
  decide_product(report);
  return report;
}

void use_product(AttestationReport& report, Product product) {
  report.product = product;
  apply_layout(report, layout_of(product));
}

bool is_chip_id_masked(const AttestationReport& report) {
  return all_zero(report.chip_id);
}

std::string format_firmware_version(const FirmwareVersion& version) {
  return std::to_string(version.major) + "." + std::to_string(version.minor) + "." +
         std::to_string(version.build);
}

nlohmann::json report_claims(const AttestationReport& report) {
  const std::uint64_t policy = report.policy;
  const std::uint64_t platform = report.platform_info;
  nlohmann::json claims = {
      {"version", report.version},
      {"guest_svn", report.guest_svn},
      {"policy", hex_code(policy)},
      {"policy_abi_minor", policy & 0xff},
      {"policy_abi_major", (policy >> 8) & 0xff},
      {"policy_smt_allowed", has_bit(policy, kPolicySmtBit)},
      {"policy_migrate_ma", has_bit(policy, kPolicyMigrateMaBit)},
      {"policy_debug_allowed", has_bit(policy, kPolicyDebugBit)},
      {"policy_single_socket", has_bit(policy, kPolicySingleSocketBit)},
      {"policy_cxl_allow", has_bit(policy, kPolicyCxlAllowBit)},
      {"policy_mem_aes_256_xts", has_bit(policy, kPolicyMemAes256XtsBit)},
      {"policy_rapl_dis", has_bit(policy, kPolicyRaplDisBit)},
      {"policy_ciphertext_hiding_dram", has_bit(policy, kPolicyCiphertextHidingDramBit)},
      {"policy_page_swap_disable", has_bit(policy, kPolicyPageSwapDisableBit)},
      {"family_id", hex_encode(report.family_id)},
      {"image_id", hex_encode(report.image_id)},
      {"vmpl", report.vmpl},
      {"sig_algo", report.signature_algo},
      {"current_tcb", tcb_claims(report.current_tcb)},
      {"platform_info", hex_code(platform)},
      {"platform_info_smt_en", has_bit(platform, kPlatformSmtEnBit)},
      {"platform_info_tsme_en", has_bit(platform, kPlatformTsmeEnBit)},
      {"platform_info_ecc_en", has_bit(platform, kPlatformEccEnBit)},
      {"platform_info_rapl_dis", has_bit(platform, kPlatformRaplDisBit)},
      {"platform_info_ciphertext_hiding_en", has_bit(platform, kPlatformCiphertextHidingEnBit)},
      {"platform_info_alias_check_complete", has_bit(platform, kPlatformAliasCheckCompleteBit)},
      {"platform_info_tio_en", has_bit(platform, kPlatformTioEnBit)},
      {"flags", hex_code(report.flags)},
      {"author_key_en", report.author_key_en},
      {"mask_chip_key", report.mask_chip_key},
      {"signing_key", report.signing_key},
      {"report_data", hex_encode(report.report_data)},
      {"measurement", hex_encode(report.measurement)},
      {"host_data", hex_encode(report.host_data)},
      {"id_key_digest", hex_encode(report.id_key_digest)},
      {"author_key_digest", hex_encode(report.author_key_digest)},
      {"report_id", hex_encode(report.report_id)},
      {"report_id_ma", hex_encode(report.report_id_ma)},
      {"reported_tcb", tcb_claims(report.reported_tcb)},
      {"cpuid_fam_mod_step",
       report.cpuid_fam_mod_step ? nlohmann::json(hex_encode(*report.cpuid_fam_mod_step))
                                 : nlohmann::json(nullptr)},
      {"chip_id", hex_encode(report.chip_id)},
      {"committed_tcb", tcb_claims(report.committed_tcb)},
      {"current_fw", format_firmware_version(report.current_fw)},
      {"committed_fw", format_firmware_version(report.committed_fw)},
      {"launch_tcb", tcb_claims(report.launch_tcb)},
      {"launch_mit_vector", optional_hex_number(report.launch_mit_vector)},
      {"current_mit_vector", optional_hex_number(report.current_mit_vector)},
  };
  return claims;
}

}  // namespace ensign::attest::snp
