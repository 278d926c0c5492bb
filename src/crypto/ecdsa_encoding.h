// ecdsa_encoding.h: converting ECDSA signatures and public keys between the encodings TEEs and
// JOSE use (fixed-size big-endian r||s, x||y points) and the ones OpenSSL verifies (ASN.1 DER
// signatures, EVP_PKEY keys).
#pragma once

#include <cstddef>

#include "core/bytes.h"
#include "core/openssl_handles.h"
#include "core/result.h"

namespace ensign::crypto {

// EcCurve names the curves of TEE evidence.
enum class EcCurve : unsigned char { kP256, kP384 };

// ecdsa_raw_to_der encodes big-endian `r` and `s` (any length up to 72 bytes each; leading zeros
// allowed) as an ASN.1 DER ECDSA-Sig-Value. Fails with InvalidArgument on empty or oversized
// components.
Result<Bytes> ecdsa_raw_to_der(ByteView r, ByteView s);

// ecdsa_der_to_raw decodes a DER ECDSA signature into r||s, each left-padded with zeros to
// `component_size` bytes (32 for P-256, 48 for P-384), as JWS (RFC 7518 section 3.4) wants.
// Fails with InvalidArgument when the DER is malformed or a component does not fit.
Result<Bytes> ecdsa_der_to_raw(ByteView der, std::size_t component_size);

// ec_public_key_from_point makes a public key from the big-endian affine coordinates x and y
// (each exactly the curve's size). Fails with InvalidArgument when the point is not on the
// curve.
Result<EvpPkeyPtr> ec_public_key_from_point(EcCurve curve, ByteView x, ByteView y);

// reversed returns `bytes` in reverse order (AMD stores r and s little-endian).
Bytes reversed(ByteView bytes);

}  // namespace ensign::crypto
