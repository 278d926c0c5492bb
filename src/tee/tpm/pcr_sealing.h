// pcr_sealing.h: sealing a secret in a TPM sealed object that only a PolicyPCR over the enclave's
// PCR (pcrs.h) can open, as its value was when sealed. The secret crosses the bus encrypted both
// ways: sessions are salted with the SRK and use AES-128-CFB parameter encryption.
#pragma once

#include <tss2/tss2_esys.h>

#include "core/result.h"
#include "core/secret_bytes.h"
#include "tee/tpm/esys.h"
#include "tee/tpm/objects.h"

namespace ensign::tee::tpm {

// The sensitive data of a sealed object is at most MAX_SYM_DATA bytes.
inline constexpr std::size_t kMaxSealedSecretSize = 128;

// seal_under_pcr_policy makes a sealed object under `srk` holding `secret`, authorised by a
// PolicyPCR over the current value of the enclave's PCR. Fails with InvalidArgument when the
// secret exceeds kMaxSealedSecretSize, and with the TPM's error naming the command.
Result<ObjectBlob> seal_under_pcr_policy(ESYS_CONTEXT* esys, ESYS_TR srk, const SecretBytes& secret);

// unseal_under_pcr_policy loads `sealed` under `srk` and unseals it with a PolicyPCR session.
// Fails with DataLoss when the enclave's PCR holds another value than when it was sealed (another
// enclave build) or the object was made under another SRK (another TPM, or a cleared one), each
// said in the message, and with the TPM's error otherwise.
Result<SecretBytes> unseal_under_pcr_policy(ESYS_CONTEXT* esys, ESYS_TR srk, const ObjectBlob& sealed);

// start_salted_session starts a session of `type` (HMAC, policy or trial) salted with `srk`,
// with AES-128-CFB parameter encryption in the directions `encryption` names
// (TPMA_SESSION_DECRYPT: the command's first parameter; TPMA_SESSION_ENCRYPT: the response's).
Result<TransientHandle> start_salted_session(ESYS_CONTEXT* esys, ESYS_TR srk, TPM2_SE type,
                                             TPMA_SESSION encryption);

}  // namespace ensign::tee::tpm
