#include "attest/tpm/attest.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "attest/tpm/algorithms.h"
#include "core/wire.h"

namespace ensign::attest::tpm {
namespace {

// The TPMI_ST_ATTEST values other than a quote, so a refusal can say what it got instead.
constexpr std::array<std::pair<std::uint16_t, std::string_view>, 7> kOtherAttestTypes = {{
    {0x8014, "TPM_ST_ATTEST_NV"},
    {0x8015, "TPM_ST_ATTEST_COMMAND_AUDIT"},
    {0x8016, "TPM_ST_ATTEST_SESSION_AUDIT"},
    {0x8017, "TPM_ST_ATTEST_CERTIFY"},
    {0x8019, "TPM_ST_ATTEST_TIME"},
    {0x801a, "TPM_ST_ATTEST_CREATION"},
    {0x801c, "TPM_ST_ATTEST_NV_DIGEST"},
}};

// Reader reads the big-endian fields of one TPM structure; every error names the structure,
// the field and the offset.
class Reader {
 public:
  Reader(ByteView input, std::string_view structure) : cursor_(input), structure_(structure) {}

  Result<std::uint8_t> u8(std::string_view field) { return checked(cursor_.u8(), field); }
  Result<std::uint16_t> u16(std::string_view field) { return checked(cursor_.u16(), field); }
  Result<std::uint32_t> u32(std::string_view field) { return checked(cursor_.u32(), field); }

  Result<std::uint64_t> u64(std::string_view field) {
    auto high = cursor_.u32();
    auto low = cursor_.u32();
    if (!high || !low) {
      return truncated(field);
    }
    return (std::uint64_t{*high} << 32) | *low;
  }

  // sized reads a TPM2B: a u16 size of at most `max_size` (and at least `min_size`) and as many
  // bytes.
  Result<Bytes> sized(std::string_view field, std::size_t max_size, std::size_t min_size = 0) {
    std::size_t start = cursor_.position();
    ENSIGN_TRY(size, u16(field));
    if (size > max_size || size < min_size) {
      return invalid(field,
                     start,
                     "size " + std::to_string(size) + " is outside " + std::to_string(min_size) +
                         ".." + std::to_string(max_size));
    }
    auto bytes = cursor_.take(size);
    if (!bytes) {
      return truncated(field);
    }
    return Bytes(bytes->begin(), bytes->end());
  }

  // finish fails when bytes remain after the structure's last field.
  Status finish(std::string_view last_field) const {
    if (cursor_.remaining() != 0) {
      return fail(ErrorCode::kInvalidArgument,
                  std::string(structure_) + ": " + std::to_string(cursor_.remaining()) +
                      " trailing bytes after " + std::string(last_field));
    }
    return {};
  }

  std::size_t position() const { return cursor_.position(); }

  Error invalid(std::string_view field, std::size_t offset, const std::string& problem) const {
    return Error(ErrorCode::kInvalidArgument,
                 std::string(structure_) + ": " + std::string(field) + " (offset " +
                     std::to_string(offset) + ") " + problem);
  }

 private:
  template <typename T>
  Result<T> checked(std::optional<T> value, std::string_view field) const {
    if (!value) {
      return truncated(field);
    }
    return *value;
  }

  Error truncated(std::string_view field) const {
    return Error(ErrorCode::kInvalidArgument,
                 std::string(structure_) + ": input ends inside " + std::string(field) +
                     " (offset " + std::to_string(cursor_.position()) + ")");
  }

  wire::Cursor cursor_;
  std::string_view structure_;
};

std::string describe_attest_type(std::uint16_t type) {
  for (const auto& [known, name] : kOtherAttestTypes) {
    if (known == type) {
      return hex_code(type) + " (" + std::string(name) + ")";
    }
  }
  return hex_code(type);
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
  ENSIGN_TRY(magic, reader.u32("magic"));
  if (magic != kTpmGeneratedValue) {
    return fail(reader.invalid(
        "magic",
        0,
        hex_code(magic) + " is not TPM_GENERATED_VALUE " + hex_code(kTpmGeneratedValue)));
  }
  attest.magic = magic;
  ENSIGN_TRY(type, reader.u16("type"));
  if (type != kStAttestQuote) {
    return fail(reader.invalid(
        "type",
        4,
        describe_attest_type(type) + " is not TPM_ST_ATTEST_QUOTE " + hex_code(kStAttestQuote)));
  }
  attest.type = type;
  ENSIGN_TRY(qualified_signer, reader.sized("qualifiedSigner", kMaxNameSize));
  attest.qualified_signer = std::move(qualified_signer);
  ENSIGN_TRY(extra_data, reader.sized("extraData", kMaxDataSize));
  attest.extra_data = std::move(extra_data);
  ENSIGN_TRY(clock, reader.u64("clockInfo.clock"));
  attest.clock = clock;
  ENSIGN_TRY(reset_count, reader.u32("clockInfo.resetCount"));
  attest.reset_count = reset_count;
  ENSIGN_TRY(restart_count, reader.u32("clockInfo.restartCount"));
  attest.restart_count = restart_count;
  std::size_t safe_offset = reader.position();
  ENSIGN_TRY(safe, reader.u8("clockInfo.safe"));
  if (safe > 1) {
    return fail(reader.invalid(
        "clockInfo.safe", safe_offset, std::to_string(safe) + " is not a TPMI_YES_NO (0 or 1)"));
  }
  attest.safe = safe;
  ENSIGN_TRY(firmware_version, reader.u64("firmwareVersion"));
  attest.firmware_version = firmware_version;
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
  return {
      {"magic", hex_code(attest.magic)},
      {"type", hex_code(attest.type)},
      {"qualified_signer", hex_encode(attest.qualified_signer)},
      {"extra_data", hex_encode(attest.extra_data)},
      {"clock", attest.clock},
      {"reset_count", attest.reset_count},
      {"restart_count", attest.restart_count},
      {"safe", attest.safe},
      {"firmware_version", hex_code(attest.firmware_version)},
      {"pcr_select", std::move(pcr_select)},
      {"pcr_digest", hex_encode(attest.pcr_digest)},
  };
}

}  // namespace ensign::attest::tpm
