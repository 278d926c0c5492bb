// result_signer.h: ResultSigner, the enclave's attestation verifier. It appraises evidence with
// the same attest code the CLI uses, then signs the EAR attestation result with the verifier
// key, whose private half exists only here and, sealed for the verifier purpose, on the host.
#pragma once

#include "core/openssl_handles.h"
#include "core/result.h"
#include "enclave/protocol/messages.h"
#include "tee/platform.h"

namespace ensign::enclave {

// kVerifierKeyObjectId is the sealing object id of the verifier key.
inline constexpr char kVerifierKeyObjectId[] = "ensign.verifier@1";

class ResultSigner {
 public:
  // ResultSigner borrows `platform`, which must outlive it.
  explicit ResultSigner(tee::Platform& platform) : platform_(platform) {}

  // create_key makes a new ECDSA P-256 verifier key, sealed for tee::SealPurpose::kVerifierKey,
  // with its key attestation. Fails with the platform's or OpenSSL's error.
  Result<protocol::CreateVerifierKeyReply> create_key();

  // appraise decodes the appraisal request, verifies and appraises the evidence, and returns
  // the appraisal with a compact ES256 JWT of its EAR claims signed by the unsealed verifier
  // key. Fails with DataLoss when the key does not unseal, InvalidArgument when the request or
  // one of its inputs is unusable.
  Result<protocol::AppraiseReply> appraise(const protocol::AppraiseRequest& request);

 private:
  // verifier_key returns the key sealed in `sealed`, unsealing it once per blob.
  Result<EVP_PKEY*> verifier_key(ByteView sealed);

  tee::Platform& platform_;
  Bytes cached_blob_digest_;
  EvpPkeyPtr cached_key_;
};

}  // namespace ensign::enclave
