#include "attest/tpm/algorithms.h"

#include <array>
#include <utility>

namespace ensign::attest::tpm {
namespace {

constexpr std::array<TpmHash, 4> kHashes = {{
    {kAlgSha1, "SHA1", "sha1", 20, &EVP_sha1},
    {kAlgSha256, "SHA256", "sha256", 32, &EVP_sha256},
    {kAlgSha384, "SHA384", "sha384", 48, &EVP_sha384},
    {kAlgSha512, "SHA512", "sha512", 64, &EVP_sha512},
}};

constexpr std::array<std::pair<std::uint16_t, std::string_view>, 4> kSignatureAlgorithms = {{
    {kAlgRsassa, "TPM_ALG_RSASSA"},
    {kAlgRsapss, "TPM_ALG_RSAPSS"},
    {kAlgEcdsa, "TPM_ALG_ECDSA"},
    {kAlgNull, "TPM_ALG_NULL"},
}};

}  // namespace

const TpmHash* find_tpm_hash(std::uint16_t id) {
  for (const auto& hash : kHashes) {
    if (hash.id == id) {
      return &hash;
    }
  }
  return nullptr;
}

const TpmHash* find_tpm_hash_by_bank(std::string_view bank) {
  for (const auto& hash : kHashes) {
    if (hash.bank == bank) {
      return &hash;
    }
  }
  return nullptr;
}

std::string hash_algorithm_name(std::uint16_t id) {
  const TpmHash* hash = find_tpm_hash(id);
  return hash != nullptr ? std::string(hash->name) : hex_code(id);
}

std::string signature_algorithm_name(std::uint16_t id) {
  for (const auto& [known, name] : kSignatureAlgorithms) {
    if (known == id) {
      return std::string(name);
    }
  }
  return hex_code(id);
}

}  // namespace ensign::attest::tpm
