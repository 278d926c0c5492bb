#include "attest/tpm/signature.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include <string>

#include "attest/tpm/algorithms.h"
#include "core/openssl_handles.h"
#include "crypto/ecdsa_encoding.h"

namespace ensign::attest::tpm {
namespace {

bool is_rsa(const EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "RSA") == 1;
}

Status check_scheme(const TpmSignature& signature, const EVP_PKEY* ak) {
  std::string scheme =
      signature_algorithm_name(signature.sig_alg) + "/" + hash_algorithm_name(signature.hash_alg);
  const TpmHash* hash = find_tpm_hash(signature.hash_alg);
  if (hash == nullptr || hash->id == kAlgSha1) {
    return fail(ErrorCode::kInvalidArgument,
                scheme + " signature: only SHA256, SHA384 and SHA512 are accepted");
  }
  bool rsa_scheme = signature.sig_alg == kAlgRsassa || signature.sig_alg == kAlgRsapss;
  bool fits =
      rsa_scheme ? is_rsa(ak) : (signature.sig_alg == kAlgEcdsa && EVP_PKEY_is_a(ak, "EC") == 1);
  if (!fits) {
    return fail(ErrorCode::kInvalidArgument,
                scheme + " signature does not suit the AK's " +
                    std::string(EVP_PKEY_get0_type_name(ak)) + " key");
  }
  return {};
}

}  // namespace

Result<TpmSignature> decode_quote_signature(ByteView signature, const EVP_PKEY* ak) {
  if (is_rsa(ak) && signature.size() == static_cast<std::size_t>(EVP_PKEY_get_size(ak))) {
    TpmSignature raw;
    raw.sig_alg = kAlgRsassa;
    raw.hash_alg = kAlgSha256;
    raw.rsa_signature.assign(signature.begin(), signature.end());
    return raw;
  }
  return parse_tpm_signature(signature);
}

Status verify_tpm_signature(const TpmSignature& signature, EVP_PKEY* ak, ByteView message) {
  ENSIGN_CHECK(check_scheme(signature, ak));
  Bytes encoded = signature.rsa_signature;
  if (signature.sig_alg == kAlgEcdsa) {
    ENSIGN_TRY(der, crypto::ecdsa_raw_to_der(signature.ecdsa_r, signature.ecdsa_s));
    encoded = std::move(der);
  }
  EvpMdCtxPtr context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;  // owned by `context`
  if (!context ||
      EVP_DigestVerifyInit(
          context.get(), &key_context, find_tpm_hash(signature.hash_alg)->evp_md(), nullptr, ak) !=
          1) {
    return fail(openssl_error("cannot start verifying the signature"));
  }
  if (signature.sig_alg == kAlgRsapss &&
      (EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, RSA_PSS_SALTLEN_AUTO) != 1)) {
    return fail(openssl_error("cannot set up RSA-PSS verification"));
  }
  int verified = EVP_DigestVerify(
      context.get(), encoded.data(), encoded.size(), message.data(), message.size());
  ERR_clear_error();
  if (verified != 1) {
    return fail(ErrorCode::kUnauthenticated,
                signature_algorithm_name(signature.sig_alg) + "/" +
                    hash_algorithm_name(signature.hash_alg) + " signature does not verify");
  }
  return {};
}

}  // namespace ensign::attest::tpm
