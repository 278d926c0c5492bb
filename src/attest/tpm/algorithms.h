// algorithms.h: the TPM 2.0 algorithm identifiers (TPM_ALG_ID, TCG TPM 2.0 Library Part 2) that
// quotes carry, the names claims give them, and the OpenSSL digests ensign computes them with.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "attest/verification.h"

namespace ensign::attest::tpm {

inline constexpr std::uint16_t kAlgSha1 = 0x0004;
inline constexpr std::uint16_t kAlgSha256 = 0x000b;
inline constexpr std::uint16_t kAlgSha384 = 0x000c;
inline constexpr std::uint16_t kAlgSha512 = 0x000d;
inline constexpr std::uint16_t kAlgNull = 0x0010;
inline constexpr std::uint16_t kAlgRsassa = 0x0014;
inline constexpr std::uint16_t kAlgRsapss = 0x0016;
inline constexpr std::uint16_t kAlgEcdsa = 0x0018;

// TpmHash is one TPM hash algorithm that ensign can compute.
struct TpmHash {
  std::uint16_t id;       // TPM_ALG_ID
  std::string_view name;  // the claims' hash_alg, e.g. "SHA256"
  std::string_view bank;  // the PCR bank name tpm2-tools prints and claims use, e.g. "sha256"
  std::size_t size;       // digest length in bytes
  const EVP_MD* (*evp_md)();
};

// find_tpm_hash returns the hash whose TPM_ALG_ID is `id`, or nullptr unless it is SHA-1,
// SHA-256, SHA-384 or SHA-512.
const TpmHash* find_tpm_hash(std::uint16_t id);

// find_tpm_hash_by_bank returns the hash whose bank name is `bank` ("sha1", "sha256", "sha384",
// "sha512"), or nullptr for any other text.
const TpmHash* find_tpm_hash_by_bank(std::string_view bank);

// hash_algorithm_name returns the claims' name of a hash ("SHA256"), or the id as hex_code for
// one find_tpm_hash does not know.
std::string hash_algorithm_name(std::uint16_t id);

// signature_algorithm_name returns "TPM_ALG_RSASSA", "TPM_ALG_RSAPSS", "TPM_ALG_ECDSA" or
// "TPM_ALG_NULL", or the id as hex_code for any other.
std::string signature_algorithm_name(std::uint16_t id);


}  // namespace ensign::attest::tpm
