#include "attest/tpm/attest.h"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "attest/tpm/algorithms.h"
#include "attest/tpm/internal/attest_header.h"
#include "attest/tpm/internal/reader.h"

namespace ensign::attest::tpm {
namespace {

using internal::Reader;

// The TPMI_ST_ATTEST values, so a refusal can say what it got and what it wanted.
constexpr std::array<std::pair<std::uint16_t, std::string_view>, 8> kAttestTypes = {{
    {0x8014, "TPM_ST_ATTEST_NV"},
    {0x8015, "TPM_ST_ATTEST_COMMAND_AUDIT"},
    {0x8016, "TPM_ST_ATTEST_SESSION_AUDIT"},
    {0x8017, "TPM_ST_ATTEST_CERTIFY"},
    {kStAttestQuote, "TPM_ST_ATTEST_QUOTE"},
    {0x8019, "TPM_ST_ATTEST_TIME"},
    {0x801a, "TPM_ST_ATTEST_CREATION"},
    {0x801c, "TPM_ST_ATTEST_NV_DIGEST"},
}};

std::string_view attest_type_name(std::uint16_t type) {
  for (const auto& [known, name] : kAttestTypes) {
    if (known == type) {
      return name;
    }
  }
  return {};
}

std::string describe_attest_type(std::uint16_t type) {
  std::string_view name = attest_type_name(type);
  return name.empty() ? hex_code(type) : hex_code(type) + " (" + std::string(name) + ")";
}

Result<std::vector<PcrSelection>> read_pcr_selection(Reader& reader) {
  std::size_t start = reader.position();
  ENSIGN_TRY(count, reader.u32("pcrSelect.count"));
  if (count > kMaxPcrBanks) {
    return fail(reader.invalid("pcrSelect.count",
                               start,
                               std::to_string(count) + " exceeds " + std::to_string(kMaxPcrBanks)));
  }
  std::vector<PcrSelection> selections;
  for (std::uint32_t index = 0; index < count; ++index) {
    PcrSelection selection;
    ENSIGN_TRY(hash, reader.u16("pcrSelect.hash"));
    selection.hash_alg = hash;
    std::size_t size_offset = reader.position();
    ENSIGN_TRY(size, reader.u8("pcrSelect.sizeofSelect"));
    if (size > kMaxPcrSelectSize) {
      return fail(
          reader.invalid("pcrSelect.sizeofSelect",
                         size_offset,
                         std::to_string(size) + " exceeds " + std::to_string(kMaxPcrSelectSize)));
    }
    for (unsigned byte = 0; byte < size; ++byte) {
      ENSIGN_TRY(bits, reader.u8("pcrSelect.pcrSelect"));
      selection.select.push_back(bits);
    }
    selections.push_back(std::move(selection));
  }
  return selections;
}

}  // namespace

std::vector<unsigned> PcrSelection::pcrs() const {
  std::vector<unsigned> indices;
  for (unsigned pcr = 0; pcr < select.size() * 8; ++pcr) {
    if ((select[pcr / 8] >> (pcr % 8)) & 1U) {
      indices.push_back(pcr);
    }
  }
  return indices;
}

Result<QuoteAttest> parse_quote_attest(ByteView bytes) {
  Reader reader(bytes, "TPMS_ATTEST");
  QuoteAttest attest;
  ENSIGN_CHECK(internal::read_attest_header(reader, kStAttestQuote, attest));
  ENSIGN_TRY(pcr_select, read_pcr_selection(reader));
  attest.pcr_select = std::move(pcr_select);
  ENSIGN_TRY(pcr_digest, reader.sized("pcrDigest", kMaxDigestSize));
  attest.pcr_digest = std::move(pcr_digest);
  ENSIGN_CHECK(reader.finish("pcrDigest"));
  return attest;
}

Result<TpmSignature> parse_tpm_signature(ByteView bytes) {
  Reader reader(bytes, "TPMT_SIGNATURE");
  TpmSignature signature;
  ENSIGN_TRY(sig_alg, reader.u16("sigAlg"));
  signature.sig_alg = sig_alg;
  if (sig_alg != kAlgRsassa && sig_alg != kAlgRsapss && sig_alg != kAlgEcdsa) {
    return fail(reader.invalid("sigAlg",
                               0,
                               signature_algorithm_name(sig_alg) +
                                   " is not TPM_ALG_RSASSA, TPM_ALG_RSAPSS or TPM_ALG_ECDSA"));
  }
  ENSIGN_TRY(hash_alg, reader.u16("hash"));
  signature.hash_alg = hash_alg;
  if (sig_alg == kAlgEcdsa) {
    ENSIGN_TRY(r, reader.sized("signatureR", kMaxEccParameterSize, 1));
    ENSIGN_TRY(s, reader.sized("signatureS", kMaxEccParameterSize, 1));
    signature.ecdsa_r = std::move(r);
    signature.ecdsa_s = std::move(s);
    ENSIGN_CHECK(reader.finish("signatureS"));
    return signature;
  }
  ENSIGN_TRY(rsa_signature, reader.sized("sig", kMaxRsaSignatureSize, 1));
  signature.rsa_signature = std::move(rsa_signature);
  ENSIGN_CHECK(reader.finish("sig"));
  return signature;
}

nlohmann::json attest_claims(const QuoteAttest& attest) {
  nlohmann::json pcr_select = nlohmann::json::array();
  for (const auto& selection : attest.pcr_select) {
    pcr_select.push_back({{"hash_alg", hex_code(selection.hash_alg)}, {"pcrs", selection.pcrs()}});
  }
  nlohmann::json claims = internal::attest_header_claims(attest);
  claims["pcr_select"] = std::move(pcr_select);
  claims["pcr_digest"] = hex_encode(attest.pcr_digest);
  return claims;
}

namespace internal {

Status read_attest_header(Reader& reader, std::uint16_t type, AttestHeader& header) {
  ENSIGN_TRY(magic, reader.u32("magic"));
  if (magic != kTpmGeneratedValue) {
    return fail(reader.invalid(
        "magic",
        0,
        hex_code(magic) + " is not TPM_GENERATED_VALUE " + hex_code(kTpmGeneratedValue)));
  }
  header.magic = magic;
  ENSIGN_TRY(found_type, reader.u16("type"));
  if (found_type != type) {
    return fail(reader.invalid("type",
                               4,
                               describe_attest_type(found_type) + " is not " +
                                   std::string(attest_type_name(type)) + " " + hex_code(type)));
  }
  header.type = found_type;
  ENSIGN_TRY(qualified_signer, reader.sized("qualifiedSigner", kMaxNameSize));
  header.qualified_signer = std::move(qualified_signer);
  ENSIGN_TRY(extra_data, reader.sized("extraData", kMaxDataSize));
  header.extra_data = std::move(extra_data);
  ENSIGN_TRY(clock, reader.u64("clockInfo.clock"));
  header.clock = clock;
  ENSIGN_TRY(reset_count, reader.u32("clockInfo.resetCount"));
  header.reset_count = reset_count;
  ENSIGN_TRY(restart_count, reader.u32("clockInfo.restartCount"));
  header.restart_count = restart_count;
  std::size_t safe_offset = reader.position();
  ENSIGN_TRY(safe, reader.u8("clockInfo.safe"));
  if (safe > 1) {
    return fail(reader.invalid(
        "clockInfo.safe", safe_offset, std::to_string(safe) + " is not a TPMI_YES_NO (0 or 1)"));
  }
  header.safe = safe;
  ENSIGN_TRY(firmware_version, reader.u64("firmwareVersion"));
  header.firmware_version = firmware_version;
  return {};
}

nlohmann::json attest_header_claims(const AttestHeader& header) {
  return {
      {"magic", hex_code(header.magic)},
      {"type", hex_code(header.type)},
      {"qualified_signer", hex_encode(header.qualified_signer)},
      {"extra_data", hex_encode(header.extra_data)},
      {"clock", header.clock},
      {"reset_count", header.reset_count},
      {"restart_count", header.restart_count},
      {"safe", header.safe},
      {"firmware_version", hex_code(header.firmware_version)},
  };
}

}  // namespace internal

}  // namespace ensign::attest::tpm
