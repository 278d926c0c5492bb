#include "attest/tpm/internal/rsa_public_key.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <memory>

#include "core/openssl_handles.h"
#include "crypto/keys.h"

namespace ensign::attest::tpm::internal {
namespace {

using ParamBuilderPtr =
    std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, OpenSslDeleter<OSSL_PARAM, OSSL_PARAM_free>>;

}  // namespace

Result<Bytes> rsa_public_key_der(ByteView modulus, ByteView exponent) {
  BignumPtr n(BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr));
  BignumPtr e(BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), nullptr));
  ParamBuilderPtr builder(OSSL_PARAM_BLD_new());
  if (!n || !e || !builder ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return fail(openssl_error("cannot hold the RSA parameters"));
  }
  ParamsPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  EvpPkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return fail(openssl_error("not a usable RSA key", ErrorCode::kInvalidArgument));
  }
  EvpPkeyPtr owned(key);
  return crypto::public_key_to_der(owned.get());
}

}  // namespace ensign::attest::tpm::internal
