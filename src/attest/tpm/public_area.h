// public_area.h: a TPM object's public area (TCG TPM 2.0 Library Part 2: TPMT_PUBLIC and the
// TPM2B_PUBLIC around it) for RSA and ECC keys: its fields, the key as DER SubjectPublicKeyInfo,
// its TPMA_OBJECT attributes by name, and its Name, which TPM2_Certify attests. Big-endian, every
// size bounded by the largest the structures allow, nothing left over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "attest/tpm/algorithms.h"
#include "attest/tpm/attest.h"
#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::tpm {

// TPMI_ALG_PUBLIC: the object types. ensign parses RSA and ECC keys only.
inline constexpr std::uint16_t kAlgRsa = 0x0001;
inline constexpr std::uint16_t kAlgKeyedHash = 0x0008;
inline constexpr std::uint16_t kAlgEcc = 0x0023;
inline constexpr std::uint16_t kAlgSymCipher = 0x0025;

// TPM_ECC_CURVE values whose keys ensign can use.
inline constexpr std::uint16_t kEccNistP256 = 0x0003;
inline constexpr std::uint16_t kEccNistP384 = 0x0004;

// TPMA_OBJECT bits.
inline constexpr std::uint32_t kObjectFixedTpm = 1U << 1;
inline constexpr std::uint32_t kObjectStClear = 1U << 2;
inline constexpr std::uint32_t kObjectFixedParent = 1U << 4;
inline constexpr std::uint32_t kObjectSensitiveDataOrigin = 1U << 5;
inline constexpr std::uint32_t kObjectUserWithAuth = 1U << 6;
inline constexpr std::uint32_t kObjectAdminWithPolicy = 1U << 7;
inline constexpr std::uint32_t kObjectNoDa = 1U << 10;
inline constexpr std::uint32_t kObjectEncryptedDuplication = 1U << 11;
inline constexpr std::uint32_t kObjectRestricted = 1U << 16;
inline constexpr std::uint32_t kObjectDecrypt = 1U << 17;
inline constexpr std::uint32_t kObjectSign = 1U << 18;
inline constexpr std::uint32_t kObjectX509Sign = 1U << 19;
// The bits Part 2 reserves (0, 3, 8, 9, 12 to 15, 20 to 31); a TPM refuses objects with any set.
inline constexpr std::uint32_t kObjectReserved = 0xfff0f309;

// TPM2B_PUBLIC_KEY_RSA holds a modulus of up to 4096 bits, as it holds an RSA signature.
inline constexpr std::size_t kMaxRsaModulusSize = kMaxRsaSignatureSize;

// kMaxPublicAreaSize is the largest marshalled TPMT_PUBLIC of an RSA or ECC key: type, nameAlg,
// objectAttributes, an authPolicy of kMaxDigestSize, TPMS_RSA_PARMS with a symmetric algorithm
// (algorithm, keyBits, mode) and a scheme with its hash (scheme, hashAlg), keyBits and exponent,
// then a modulus of kMaxRsaModulusSize. The largest ECC one (two kMaxEccParameterSize
// coordinates) is smaller.
inline constexpr std::size_t kMaxPublicAreaSize =
    2 + 2 + 4 + (2 + kMaxDigestSize) + (6 + 4 + 2 + 4) + (2 + kMaxRsaModulusSize);

// SymmetricDefinition is a TPMT_SYM_DEF_OBJECT: a storage key's companion cipher, or
// TPM_ALG_NULL (and zero key_bits and mode) for any other key.
struct SymmetricDefinition {
  std::uint16_t algorithm = kAlgNull;
  std::uint16_t key_bits = 0;
  std::uint16_t mode = 0;
};

// KeyScheme is a TPMT_ECC_SCHEME, TPMT_RSA_SCHEME or TPMT_KDF_SCHEME: the scheme, its hash (zero
// for TPM_ALG_NULL and TPM_ALG_RSAES, which take none) and, for TPM_ALG_ECDAA only, its count.
struct KeyScheme {
  std::uint16_t scheme = kAlgNull;
  std::uint16_t hash_alg = 0;
  std::uint16_t count = 0;
};

// PublicArea is a parsed TPMT_PUBLIC of an RSA or ECC key.
struct PublicArea {
  std::uint16_t type = 0;  // kAlgRsa or kAlgEcc
  std::uint16_t name_alg = 0;
  std::uint32_t object_attributes = 0;
  Bytes auth_policy;
  SymmetricDefinition symmetric;
  KeyScheme scheme;
  // ECC (TPMS_ECC_PARMS, TPMS_ECC_POINT): a curve ensign supports, big-endian coordinates of
  // exactly the curve's size.
  std::uint16_t curve_id = 0;
  KeyScheme kdf;
  Bytes x;
  Bytes y;
  // RSA (TPMS_RSA_PARMS, TPM2B_PUBLIC_KEY_RSA): an exponent of 0 stands for 65537.
  std::uint16_t key_bits = 0;
  std::uint32_t exponent = 0;
  Bytes modulus;
  // The key as DER SubjectPublicKeyInfo, built by OpenSSL from the point or the modulus.
  Bytes spki;
};

// parse_public_area parses a marshalled TPMT_PUBLIC (without the size a TPM2B_PUBLIC puts before
// it). Fails with InvalidArgument naming the field when the input exceeds kMaxPublicAreaSize, the
// type is not RSA or ECC (KEYEDHASH and SYMCIPHER objects have no public key), objectAttributes
// sets reserved bits, a union selector (symmetric algorithm, scheme, KDF) is not one Part 2
// defines for it, a size exceeds its maximum, the curve is not NIST P-256 or P-384 or a
// coordinate is not its size, the point is not on the curve, the modulus is not keyBits long or
// keyBits is not 1024 to 4096 in whole bytes, the exponent is even or 1, the input ends early or
// bytes follow unique.
Result<PublicArea> parse_public_area(ByteView tpmt_public);

// parse_public_area_sized parses a TPM2B_PUBLIC (what tpm2_create -u and tpm2_readpublic -o
// write): a u16 size and a TPMT_PUBLIC of exactly that size, nothing after it. Fails with
// InvalidArgument as parse_public_area does, or when the size does not match the input.
Result<PublicArea> parse_public_area_sized(ByteView tpm2b_public);

// object_name returns the TPM Name of the object whose marshalled TPMT_PUBLIC is `tpmt_public`:
// nameAlg (2 bytes, big-endian) followed by the nameAlg digest of all of `tpmt_public`. Fails with
// InvalidArgument when the input exceeds kMaxPublicAreaSize or ends before nameAlg, or nameAlg is
// not SHA-256, SHA-384 or SHA-512 (SHA-1 and TPM_ALG_NULL Names are refused).
Result<Bytes> object_name(ByteView tpmt_public);

// object_attribute_names returns the names of the TPMA_OBJECT bits set in `attributes` as Part 2
// spells them, lowest bit first: "fixedTPM", "stClear", "fixedParent", "sensitiveDataOrigin",
// "userWithAuth", "adminWithPolicy", "noDA", "encryptedDuplication", "restricted", "decrypt",
// "sign", "x509sign". Reserved bits have no name and are left out.
std::vector<std::string> object_attribute_names(std::uint32_t attributes);

// public_area_claims returns `key` as claims: type, name_alg, object_attributes (hex_code),
// attributes (names), auth_policy, symmetric, scheme, and curve_id, kdf, x and y or key_bits,
// exponent and modulus, and public_key_sha256 (the SHA-256 of spki, lowercase hex).
nlohmann::json public_area_claims(const PublicArea& key);

}  // namespace ensign::attest::tpm
