#include "tee/tpm/pcr_sealing.h"

#include <openssl/crypto.h>

#include <cstring>

#include "tee/tpm/pcrs.h"

namespace ensign::tee::tpm {
namespace {

// policy_pcr runs TPM2_PolicyPCR over the enclave's PCR in `session`; with `digest`, returns
// the session's policy digest.
Status policy_pcr(ESYS_CONTEXT* esys, ESYS_TR session, TPM2B_DIGEST* digest) {
  TPML_PCR_SELECTION selection = enclave_pcr_selection();
  TPM2B_DIGEST current{};  // empty: the TPM uses the PCR's current value
  TSS2_RC rc =
      Esys_PolicyPCR(esys, session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &current, &selection);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("TPM2_PolicyPCR", rc);
  }
  if (digest != nullptr) {
    TPM2B_DIGEST* result_raw = nullptr;
    rc = Esys_PolicyGetDigest(esys, session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &result_raw);
    EsysPtr<TPM2B_DIGEST> result(result_raw);
    if (rc != TSS2_RC_SUCCESS) {
      return tpm_failure("TPM2_PolicyGetDigest", rc);
    }
    *digest = *result;
  }
  return {};
}

}  // namespace

Result<TransientHandle> start_salted_session(ESYS_CONTEXT* esys, ESYS_TR srk, TPM2_SE type,
                                             TPMA_SESSION encryption) {
  TPMT_SYM_DEF symmetric{};
  symmetric.algorithm = TPM2_ALG_AES;
  symmetric.keyBits.aes = 128;
  symmetric.mode.aes = TPM2_ALG_CFB;
  ESYS_TR session = ESYS_TR_NONE;
  TSS2_RC rc = Esys_StartAuthSession(esys, srk, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                     ESYS_TR_NONE, nullptr, type, &symmetric, TPM2_ALG_SHA256,
                                     &session);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("TPM2_StartAuthSession", rc);
  }
  TransientHandle handle(esys, session);
  if (encryption != 0) {
    rc = Esys_TRSess_SetAttributes(esys, session, encryption | TPMA_SESSION_CONTINUESESSION, 0xff);
    if (rc != TSS2_RC_SUCCESS) {
      return tpm_failure("Esys_TRSess_SetAttributes", rc);
    }
  }
  return handle;
}

Result<ObjectBlob> seal_under_pcr_policy(ESYS_CONTEXT* esys, ESYS_TR srk, const SecretBytes& secret) {
  if (secret.size() > kMaxSealedSecretSize) {
    return fail(ErrorCode::kInvalidArgument,
                "a TPM sealed object holds at most " + std::to_string(kMaxSealedSecretSize) +
                    " bytes, not " + std::to_string(secret.size()));
  }
  TPM2B_DIGEST policy{};
  {
    ENSIGN_TRY(trial, start_salted_session(esys, srk, TPM2_SE_TRIAL, 0));
    ENSIGN_CHECK(policy_pcr(esys, trial.get(), &policy));
  }
  TPM2B_PUBLIC area = sealed_object_template(policy);
  // The sensitive area is a secret: wiped when it goes out of scope.
  auto sensitive = SecretBytes(sizeof(TPM2B_SENSITIVE_CREATE));
  auto* create = reinterpret_cast<TPM2B_SENSITIVE_CREATE*>(sensitive.data());
  create->sensitive.data.size = static_cast<UINT16>(secret.size());
  std::memcpy(create->sensitive.data.buffer, secret.data(), secret.size());
  ENSIGN_TRY(session, start_salted_session(esys, srk, TPM2_SE_HMAC, TPMA_SESSION_DECRYPT));
  TPM2B_DATA outside{};
  TPML_PCR_SELECTION creation_pcrs{};
  TPM2B_PRIVATE* private_raw = nullptr;
  TPM2B_PUBLIC* public_raw = nullptr;
  TPM2B_CREATION_DATA* creation_data = nullptr;
  TPM2B_DIGEST* creation_hash = nullptr;
  TPMT_TK_CREATION* ticket = nullptr;
  TSS2_RC rc = Esys_Create(esys, srk, session.get(), ESYS_TR_NONE, ESYS_TR_NONE, create, &area,
                           &outside, &creation_pcrs, &private_raw, &public_raw, &creation_data,
                           &creation_hash, &ticket);
  EsysPtr<TPM2B_PRIVATE> private_area(private_raw);
  EsysPtr<TPM2B_PUBLIC> public_area(public_raw);
  EsysPtr<TPM2B_CREATION_DATA> creation_data_owner(creation_data);
  EsysPtr<TPM2B_DIGEST> creation_hash_owner(creation_hash);
  EsysPtr<TPMT_TK_CREATION> ticket_owner(ticket);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("TPM2_Create of the sealed object", rc);
  }
  return ObjectBlob{*public_area, *private_area};
}

Result<SecretBytes> unseal_under_pcr_policy(ESYS_CONTEXT* esys, ESYS_TR srk, const ObjectBlob& sealed) {
  ENSIGN_TRY(object, load_object(esys, srk, sealed, "the sealed object"));
  ENSIGN_TRY(session, start_salted_session(esys, srk, TPM2_SE_POLICY, TPMA_SESSION_ENCRYPT));
  ENSIGN_CHECK(policy_pcr(esys, session.get(), nullptr));
  TPM2B_SENSITIVE_DATA* data_raw = nullptr;
  TSS2_RC rc = Esys_Unseal(esys, object.get(), session.get(), ESYS_TR_NONE, ESYS_TR_NONE, &data_raw);
  if (rc != TSS2_RC_SUCCESS) {
    auto error = tpm_failure("TPM2_Unseal", rc);
    if (is_tpm_error(rc, TPM2_RC_POLICY_FAIL)) {
      return fail(ErrorCode::kDataLoss,
                  error.error.message() + ": PCR " + std::to_string(kEnclavePcr) +
                      " does not hold the value it had when this was sealed (another enclave "
                      "build, or the PCR was extended since)");
    }
    return error;
  }
  SecretBytes secret = SecretBytes::copy_of({data_raw->buffer, data_raw->size});
  OPENSSL_cleanse(data_raw, sizeof *data_raw);
  Esys_Free(data_raw);
  return secret;
}

}  // namespace ensign::tee::tpm
