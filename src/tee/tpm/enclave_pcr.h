// enclave_pcr.h: which PCR holds the tpm platform's enclave measurement and the value it holds,
// for the platform that records it (pcrs.h) and the verifiers that check it (OpenSSL only).
#pragma once

#include "core/bytes.h"
#include "crypto/hash.h"

namespace ensign::tee::tpm {

inline constexpr unsigned kEnclavePcr = 16;

// enclave_pcr_value returns what PCR 16 of the SHA-256 bank holds once the enclave of
// `measurement` started: TPM2_PCR_Event of the measurement from reset, SHA-256(32 zero bytes ||
// SHA-256(measurement)).
inline Bytes enclave_pcr_value(ByteView measurement) {
  Bytes extended(32, 0);
  Bytes event = crypto::sha256(measurement);
  extended.insert(extended.end(), event.begin(), event.end());
  return crypto::sha256(extended);
}

}  // namespace ensign::tee::tpm
