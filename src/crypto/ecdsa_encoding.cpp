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

constexpr std::uint8_t kDerSequence = 0x30;
constexpr std::uint8_t kDerInteger = 0x02;

// minimal_unsigned drops the leading zero bytes of a big-endian number, keeping at least one.
ByteView minimal_unsigned(ByteView number) {
  std::size_t zeros = 0;
  while (zeros + 1 < number.size() && number[zeros] == 0) {
    ++zeros;
  }
  return number.subspan(zeros);
}

// der_integer_size is the size of the DER INTEGER of minimal unsigned `digits`: tag, length,
// a zero byte when the top bit is set (the number is not negative), the digits.
std::size_t der_integer_size(ByteView digits) {
  return 2 + ((digits[0] & 0x80) != 0 ? 1 : 0) + digits.size();
}

void append_der_integer(Bytes& der, ByteView digits) {
  bool pad = (digits[0] & 0x80) != 0;
  der.push_back(kDerInteger);
  der.push_back(static_cast<std::uint8_t>(digits.size() + (pad ? 1 : 0)));
  if (pad) {
    der.push_back(0);
  }
  der.insert(der.end(), digits.begin(), digits.end());
}

}  // namespace

Result<Bytes> ecdsa_raw_to_der(ByteView r, ByteView s) {
  if (r.empty() || s.empty() || r.size() > kMaxComponentSize || s.size() > kMaxComponentSize) {
    return fail(ErrorCode::kInvalidArgument, "ECDSA r and s must be 1 to 72 bytes each");
  }
  // Written out rather than through BIGNUMs and i2d_ECDSA_SIG: two INTEGERs in a SEQUENCE is all
  // of it, and a verifier service converts every raw signature it checks.
  ByteView r_digits = minimal_unsigned(r);
  ByteView s_digits = minimal_unsigned(s);
  std::size_t content = der_integer_size(r_digits) + der_integer_size(s_digits);
  Bytes der;
  der.reserve(3 + content);
  der.push_back(kDerSequence);
  if (content >= 0x80) {
    der.push_back(0x81);  // one length byte follows: content is at most 2 * (2 + 73) bytes
  }
  der.push_back(static_cast<std::uint8_t>(content));
  append_der_integer(der, r_digits);
  append_der_integer(der, s_digits);
  return der;
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
