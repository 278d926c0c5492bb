#include "attest/tpm/public_area.h"

#include <openssl/evp.h>

#include <array>
#include <span>
#include <string_view>
#include <utility>

#include "attest/tpm/internal/reader.h"
#include "attest/tpm/internal/rsa_public_key.h"
#include "core/openssl_handles.h"
#include "core/wire.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/keys.h"

namespace ensign::attest::tpm {
namespace {

using internal::Reader;

// Selector is one value a union's selector may take, and how many of the u16 fields of the
// member it selects follow it (TPMU_SYM_KEY_BITS and TPMU_SYM_MODE; a scheme's hashAlg and
// ECDAA's count).
struct Selector {
  std::uint16_t id;
  std::string_view name;
  unsigned fields;
};

// TPMI_ALG_SYM_OBJECT.
constexpr std::array<Selector, 5> kSymmetricAlgorithms = {{
    {kAlgNull, "TPM_ALG_NULL", 0},
    {0x0003, "TPM_ALG_TDES", 2},
    {0x0006, "TPM_ALG_AES", 2},
    {0x0013, "TPM_ALG_SM4", 2},
    {0x0026, "TPM_ALG_CAMELLIA", 2},
}};

// TPMI_ALG_ECC_SCHEME.
constexpr std::array<Selector, 7> kEccSchemes = {{
    {kAlgNull, "TPM_ALG_NULL", 0},
    {kAlgEcdsa, "TPM_ALG_ECDSA", 1},
    {0x0019, "TPM_ALG_ECDH", 1},
    {0x001a, "TPM_ALG_ECDAA", 2},
    {0x001b, "TPM_ALG_SM2", 1},
    {0x001c, "TPM_ALG_ECSCHNORR", 1},
    {0x001d, "TPM_ALG_ECMQV", 1},
}};

// TPMI_ALG_RSA_SCHEME.
constexpr std::array<Selector, 5> kRsaSchemes = {{
    {kAlgNull, "TPM_ALG_NULL", 0},
    {kAlgRsassa, "TPM_ALG_RSASSA", 1},
    {0x0015, "TPM_ALG_RSAES", 0},
    {kAlgRsapss, "TPM_ALG_RSAPSS", 1},
    {0x0017, "TPM_ALG_OAEP", 1},
}};

// TPMI_ALG_KDF.
constexpr std::array<Selector, 5> kKdfSchemes = {{
    {kAlgNull, "TPM_ALG_NULL", 0},
    {0x0007, "TPM_ALG_MGF1", 1},
    {0x0020, "TPM_ALG_KDF1_SP800_56A", 1},
    {0x0021, "TPM_ALG_KDF2", 1},
    {0x0022, "TPM_ALG_KDF1_SP800_108", 1},
}};

// TpmCurve is a TPM_ECC_CURVE that ensign can build keys on.
struct TpmCurve {
  std::uint16_t id;
  std::string_view name;
  crypto::EcCurve curve;
  std::size_t size;  // coordinate length in bytes
};

constexpr std::array<TpmCurve, 2> kCurves = {{
    {kEccNistP256, "TPM_ECC_NIST_P256", crypto::EcCurve::kP256, 32},
    {kEccNistP384, "TPM_ECC_NIST_P384", crypto::EcCurve::kP384, 48},
}};

// The Part 2 names of TPMA_OBJECT's bits, lowest first.
constexpr std::array<std::pair<std::uint32_t, std::string_view>, 12> kAttributeNames = {{
    {kObjectFixedTpm, "fixedTPM"},
    {kObjectStClear, "stClear"},
    {kObjectFixedParent, "fixedParent"},
    {kObjectSensitiveDataOrigin, "sensitiveDataOrigin"},
    {kObjectUserWithAuth, "userWithAuth"},
    {kObjectAdminWithPolicy, "adminWithPolicy"},
    {kObjectNoDa, "noDA"},
    {kObjectEncryptedDuplication, "encryptedDuplication"},
    {kObjectRestricted, "restricted"},
    {kObjectDecrypt, "decrypt"},
    {kObjectSign, "sign"},
    {kObjectX509Sign, "x509sign"},
}};

constexpr std::uint16_t kMinRsaKeyBits = 1024;

std::string type_name(std::uint16_t type) {
  switch (type) {
    case kAlgRsa:
      return "TPM_ALG_RSA";
    case kAlgEcc:
      return "TPM_ALG_ECC";
    case kAlgKeyedHash:
      return "TPM_ALG_KEYEDHASH";
    case kAlgSymCipher:
      return "TPM_ALG_SYMCIPHER";
    default:
      return hex_code(type);
  }
}

std::string selector_list(std::span<const Selector> selectors) {
  std::string list;
  for (const auto& selector : selectors) {
    list += (list.empty() ? "" : ", ") + std::string(selector.name);
  }
  return list;
}

// find_selector returns the one of `selectors` whose value is `id`, or nullptr.
const Selector* find_selector(std::span<const Selector> selectors, std::uint16_t id) {
  for (const auto& selector : selectors) {
    if (selector.id == id) {
      return &selector;
    }
  }
  return nullptr;
}

std::string selector_name(std::span<const Selector> selectors, std::uint16_t id) {
  const Selector* selector = find_selector(selectors, id);
  return selector != nullptr ? std::string(selector->name) : hex_code(id);
}

// read_selected reads a union's selector, which must be one of `selectors`, and the u16 fields of
// the member it selects, named `fields` in errors.
Result<std::array<std::uint16_t, 3>> read_selected(Reader& reader,
                                                   std::string_view selector_field,
                                                   std::span<const Selector> selectors,
                                                   std::array<std::string_view, 2> fields) {
  std::size_t offset = reader.position();
  ENSIGN_TRY(id, reader.u16(selector_field));
  const Selector* selected = find_selector(selectors, id);
  if (selected == nullptr) {
    return fail(reader.invalid(
        selector_field, offset, hex_code(id) + " is not one of " + selector_list(selectors)));
  }
  std::array<std::uint16_t, 3> values = {id, 0, 0};
  for (unsigned index = 0; index < selected->fields; ++index) {
    ENSIGN_TRY(value, reader.u16(fields.at(index)));
    values.at(index + 1) = value;
  }
  return values;
}

Result<SymmetricDefinition> read_symmetric(Reader& reader) {
  ENSIGN_TRY(values,
             read_selected(reader,
                           "parameters.symmetric.algorithm",
                           kSymmetricAlgorithms,
                           {"parameters.symmetric.keyBits", "parameters.symmetric.mode"}));
  return SymmetricDefinition{values[0], values[1], values[2]};
}

Result<KeyScheme> read_scheme(Reader& reader,
                              std::string_view field,
                              std::span<const Selector> schemes) {
  std::string prefix = "parameters." + std::string(field);
  std::string hash_field = prefix + ".details.hashAlg";
  std::string count_field = prefix + ".details.count";
  ENSIGN_TRY(values, read_selected(reader, prefix + ".scheme", schemes, {hash_field, count_field}));
  return KeyScheme{values[0], values[1], values[2]};
}

// read_exact reads a TPM2B of at most `max_size` bytes whose size must be `size`; `why` says
// what sets that size.
Result<Bytes> read_exact(Reader& reader,
                         std::string_view field,
                         std::size_t max_size,
                         std::size_t size,
                         std::string_view why) {
  std::size_t offset = reader.position();
  ENSIGN_TRY(bytes, reader.sized(field, max_size));
  if (bytes.size() != size) {
    return fail(reader.invalid(field,
                               offset,
                               "is " + std::to_string(bytes.size()) + " bytes, " +
                                   std::string(why) + " " + std::to_string(size)));
  }
  return bytes;
}

Status read_ecc(Reader& reader, PublicArea& key) {
  ENSIGN_TRY(symmetric, read_symmetric(reader));
  key.symmetric = symmetric;
  ENSIGN_TRY(scheme, read_scheme(reader, "scheme", kEccSchemes));
  key.scheme = scheme;
  std::size_t curve_offset = reader.position();
  ENSIGN_TRY(curve_id, reader.u16("parameters.curveID"));
  key.curve_id = curve_id;
  const TpmCurve* curve = nullptr;
  for (const auto& known : kCurves) {
    if (known.id == curve_id) {
      curve = &known;
    }
  }
  if (curve == nullptr) {
    return fail(reader.invalid("parameters.curveID",
                               curve_offset,
                               hex_code(curve_id) +
                                   " is not TPM_ECC_NIST_P256 or TPM_ECC_NIST_P384, the curves "
                                   "ensign supports"));
  }
  ENSIGN_TRY(kdf, read_scheme(reader, "kdf", kKdfSchemes));
  key.kdf = kdf;
  std::string why = "a " + std::string(curve->name) + " coordinate is";
  ENSIGN_TRY(x, read_exact(reader, "unique.x", kMaxEccParameterSize, curve->size, why));
  ENSIGN_TRY(y, read_exact(reader, "unique.y", kMaxEccParameterSize, curve->size, why));
  key.x = std::move(x);
  key.y = std::move(y);
  ENSIGN_CHECK(reader.finish("unique.y"));
  auto point = crypto::ec_public_key_from_point(curve->curve, key.x, key.y);
  if (!point) {
    return fail(point.error().with_context("TPMT_PUBLIC: unique"));
  }
  ENSIGN_TRY(spki, crypto::public_key_to_der(point->get()));
  key.spki = std::move(spki);
  return {};
}

Status read_rsa(Reader& reader, PublicArea& key) {
  ENSIGN_TRY(symmetric, read_symmetric(reader));
  key.symmetric = symmetric;
  ENSIGN_TRY(scheme, read_scheme(reader, "scheme", kRsaSchemes));
  key.scheme = scheme;
  std::size_t bits_offset = reader.position();
  ENSIGN_TRY(key_bits, reader.u16("parameters.keyBits"));
  key.key_bits = key_bits;
  if (key_bits % 8 != 0 || key_bits < kMinRsaKeyBits || key_bits > kMaxRsaModulusSize * 8) {
    return fail(reader.invalid("parameters.keyBits",
                               bits_offset,
                               std::to_string(key_bits) + " is not a whole number of bytes from " +
                                   std::to_string(kMinRsaKeyBits) + " to " +
                                   std::to_string(kMaxRsaModulusSize * 8)));
  }
  std::size_t exponent_offset = reader.position();
  ENSIGN_TRY(exponent, reader.u32("parameters.exponent"));
  key.exponent = exponent;
  if (exponent != 0 && (exponent < 3 || exponent % 2 == 0)) {
    return fail(reader.invalid("parameters.exponent",
                               exponent_offset,
                               std::to_string(exponent) + " is not an odd number above 2"));
  }
  ENSIGN_TRY(
      modulus,
      read_exact(
          reader, "unique.rsa", kMaxRsaModulusSize, key_bits / 8U, "a modulus of keyBits is"));
  key.modulus = std::move(modulus);
  ENSIGN_CHECK(reader.finish("unique.rsa"));
  Bytes exponent_bytes;
  wire::append_u32(exponent_bytes, exponent == 0 ? 65537U : exponent);
  auto spki = internal::rsa_public_key_der(key.modulus, exponent_bytes);
  if (!spki) {
    return fail(spki.error().with_context("TPMT_PUBLIC: unique.rsa"));
  }
  key.spki = std::move(spki).value();
  return {};
}

Status check_size(ByteView bytes, std::string_view structure) {
  if (bytes.size() > kMaxPublicAreaSize) {
    return fail(ErrorCode::kInvalidArgument,
                std::string(structure) + ": " + std::to_string(bytes.size()) +
                    " bytes exceed the largest public area, " + std::to_string(kMaxPublicAreaSize));
  }
  return {};
}

nlohmann::json scheme_claims(const KeyScheme& scheme, std::span<const Selector> schemes) {
  nlohmann::json claims = {{"scheme", selector_name(schemes, scheme.scheme)}};
  const Selector* selector = find_selector(schemes, scheme.scheme);
  unsigned fields = selector != nullptr ? selector->fields : 0;
  if (fields > 0) {
    claims["hash_alg"] = hash_algorithm_name(scheme.hash_alg);
  }
  if (fields > 1) {
    claims["count"] = scheme.count;
  }
  return claims;
}

}  // namespace

Result<PublicArea> parse_public_area(ByteView tpmt_public) {
  ENSIGN_CHECK(check_size(tpmt_public, "TPMT_PUBLIC"));
  Reader reader(tpmt_public, "TPMT_PUBLIC");
  PublicArea key;
  ENSIGN_TRY(type, reader.u16("type"));
  if (type != kAlgRsa && type != kAlgEcc) {
    return fail(reader.invalid("type",
                               0,
                               type_name(type) +
                                   " is not TPM_ALG_RSA or TPM_ALG_ECC: only keys with a public "
                                   "key are parsed"));
  }
  key.type = type;
  ENSIGN_TRY(name_alg, reader.u16("nameAlg"));
  key.name_alg = name_alg;
  ENSIGN_TRY(attributes, reader.u32("objectAttributes"));
  if ((attributes & kObjectReserved) != 0) {
    return fail(reader.invalid(
        "objectAttributes",
        4,
        hex_code(attributes) + " sets reserved bits " + hex_code(attributes & kObjectReserved)));
  }
  key.object_attributes = attributes;
  ENSIGN_TRY(auth_policy, reader.sized("authPolicy", kMaxDigestSize));
  key.auth_policy = std::move(auth_policy);
  ENSIGN_CHECK(type == kAlgEcc ? read_ecc(reader, key) : read_rsa(reader, key));
  return key;
}

Result<PublicArea> parse_public_area_sized(ByteView tpm2b_public) {
  Reader reader(tpm2b_public, "TPM2B_PUBLIC");
  ENSIGN_TRY(public_area, reader.sized("publicArea", kMaxPublicAreaSize, 1));
  ENSIGN_CHECK(reader.finish("publicArea"));
  return parse_public_area(public_area);
}

Result<Bytes> object_name(ByteView tpmt_public) {
  ENSIGN_CHECK(check_size(tpmt_public, "TPMT_PUBLIC"));
  Reader reader(tpmt_public, "TPMT_PUBLIC");
  ENSIGN_TRY(type, reader.u16("type"));
  ENSIGN_TRY(name_alg, reader.u16("nameAlg"));
  const TpmHash* hash = find_tpm_hash(name_alg);
  if (hash == nullptr || hash->id == kAlgSha1) {
    return fail(reader.invalid("nameAlg",
                               2,
                               hash_algorithm_name(name_alg) + " of a " + type_name(type) +
                                   " object: only SHA256, SHA384 and SHA512 Names are computed"));
  }
  Bytes name;
  wire::append_u16(name, name_alg);
  name.resize(2 + hash->size);
  unsigned int length = 0;
  if (EVP_Digest(tpmt_public.data(),
                 tpmt_public.size(),
                 name.data() + 2,
                 &length,
                 hash->evp_md(),
                 nullptr) != 1 ||
      length != hash->size) {
    return fail(openssl_error("cannot hash the public area for its Name"));
  }
  return name;
}

std::vector<std::string> object_attribute_names(std::uint32_t attributes) {
  std::vector<std::string> names;
  for (const auto& [bit, name] : kAttributeNames) {
    if ((attributes & bit) != 0) {
      names.emplace_back(name);
    }
  }
  return names;
}

nlohmann::json public_area_claims(const PublicArea& key) {
  nlohmann::json claims = {
      {"type", type_name(key.type)},
      {"name_alg", hash_algorithm_name(key.name_alg)},
      {"object_attributes", hex_code(key.object_attributes)},
      {"attributes", object_attribute_names(key.object_attributes)},
      {"auth_policy", hex_encode(key.auth_policy)},
      {"symmetric", selector_name(kSymmetricAlgorithms, key.symmetric.algorithm)},
      {"public_key_sha256", crypto::key_fingerprint(key.spki)},
  };
  if (key.symmetric.algorithm != kAlgNull) {
    claims["symmetric_key_bits"] = key.symmetric.key_bits;
    claims["symmetric_mode"] = hex_code(key.symmetric.mode);
  }
  if (key.type == kAlgEcc) {
    claims["scheme"] = scheme_claims(key.scheme, kEccSchemes);
    claims["curve_id"] = hex_code(key.curve_id);
    claims["kdf"] = scheme_claims(key.kdf, kKdfSchemes);
    claims["x"] = hex_encode(key.x);
    claims["y"] = hex_encode(key.y);
  } else {
    claims["scheme"] = scheme_claims(key.scheme, kRsaSchemes);
    claims["key_bits"] = key.key_bits;
    claims["exponent"] = key.exponent;
    claims["modulus"] = hex_encode(key.modulus);
  }
  return claims;
}

}  // namespace ensign::attest::tpm
