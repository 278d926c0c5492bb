#include "crypto/ecdsa_encoding.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>

namespace ensign::crypto {
namespace {

using ParamBuildPtr =
    std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, OpenSslDeleter<OSSL_PARAM, OSSL_PARAM_free>>;

constexpr std::size_t kMaxComponentSize = 72;  // AMD stores P-384 r and s in 72-byte fields

std::size_t curve_size(EcCurve curve) {
  return curve == EcCurve::kP256 ? 32 : 48;
}

const char* curve_name(EcCurve curve) {
  return curve == EcCurve::kP256 ? "P-256" : "P-384";
}

}  // namespace

Result<Bytes> ecdsa_raw_to_der(ByteView r, ByteView s) {
  if (r.empty() || s.empty() || r.size() > kMaxComponentSize || s.size() > kMaxComponentSize) {
    return fail(ErrorCode::kInvalidArgument, "ECDSA r and s must be 1 to 72 bytes each");
  }
  BignumPtr r_number(BN_bin2bn(r.data(), static_cast<int>(r.size()), nullptr));
  BignumPtr s_number(BN_bin2bn(s.data(), static_cast<int>(s.size()), nullptr));
  EcdsaSigPtr signature(ECDSA_SIG_new());
  if (!r_number || !s_number || !signature) {
    return openssl_error("allocating an ECDSA signature");
  }
  if (ECDSA_SIG_set0(signature.get(), r_number.get(), s_number.get()) != 1) {
    return openssl_error("ECDSA_SIG_set0");
  }
  r_number.release();  // owned by the signature now
  s_number.release();
  unsigned char* der = nullptr;
  int size = i2d_ECDSA_SIG(signature.get(), &der);
  if (size <= 0) {
    return openssl_error("i2d_ECDSA_SIG");
  }
  Bytes encoded(der, der + size);
  OPENSSL_free(der);
  return encoded;
}

Result<Bytes> ecdsa_der_to_raw(ByteView der, std::size_t component_size) {
  const unsigned char* cursor = der.data();
  EcdsaSigPtr signature(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!signature || cursor != der.data() + der.size()) {
    return openssl_error("malformed DER ECDSA signature", ErrorCode::kInvalidArgument);
  }
  Bytes raw(2 * component_size, 0);
  const BIGNUM* r = ECDSA_SIG_get0_r(signature.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(signature.get());
  if (BN_bn2binpad(r, raw.data(), static_cast<int>(component_size)) < 0 ||
      BN_bn2binpad(s, raw.data() + component_size, static_cast<int>(component_size)) < 0) {
    return fail(ErrorCode::kInvalidArgument, "an ECDSA signature component is too large");
  }
  return raw;
}

Result<EvpPkeyPtr> ec_public_key_from_point(EcCurve curve, ByteView x, ByteView y) {
  std::size_t size = curve_size(curve);
  if (x.size() != size || y.size() != size) {
    return fail(ErrorCode::kInvalidArgument, std::string("a ") + curve_name(curve) +
                                                 " point needs " + std::to_string(size) +
                                                 "-byte coordinates");
  }
  Bytes point = {0x04};  // uncompressed SEC 1 encoding
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  ParamBuildPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                      curve == EcCurve::kP256 ? "prime256v1" : "secp384r1",
                                      0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return openssl_error("building EC key parameters");
  }
  ParamsPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  EvpPkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1) {
    return openssl_error("EVP_PKEY_fromdata_init");
  }
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return openssl_error(std::string("the ") + curve_name(curve) + " point is invalid",
                         ErrorCode::kInvalidArgument);
  }
  EvpPkeyPtr public_key(key);
  // fromdata does not check that the point is on the curve; the quick public key check does
  // (the full check adds an order multiplication, which P-256 and P-384, of cofactor 1, need not).
  EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, public_key.get(), nullptr));
  if (!check || EVP_PKEY_public_check_quick(check.get()) != 1) {
    return openssl_error(std::string("the ") + curve_name(curve) + " point is not on the curve",
                         ErrorCode::kInvalidArgument);
  }
  return public_key;
}

Bytes reversed(ByteView bytes) {
  return Bytes(bytes.rbegin(), bytes.rend());
}

}  // namespace ensign::crypto
