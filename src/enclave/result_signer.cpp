#include "enclave/result_signer.h"

#include "attest/appraisal.h"
#include "attest/result_token.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "enclave/keyring.h"
#include "formats/jose.h"

#ifndef ENSIGN_VERSION
#error "ENSIGN_VERSION must be defined by the build"
#endif

namespace ensign::enclave {

static_assert(protocol::kMaxAppraisalRequestSize == attest::kMaxAppraisalRequestSize,
              "the protocol must carry any appraisal request the appraiser accepts");

Result<protocol::CreateVerifierKeyReply> ResultSigner::create_key() {
  ENSIGN_TRY(pair, generate_sealed_key(platform_, crypto::KeyAlgorithm::kEcdsaP256,
                                       tee::SealPurpose::kVerifierKey, kVerifierKeyObjectId));
  cached_blob_digest_ = crypto::sha256(pair.sealed_key);
  cached_key_ = std::move(pair.key);
  return protocol::CreateVerifierKeyReply{std::move(pair.public_key), std::move(pair.sealed_key),
                                          std::move(pair.key_attestation)};
}

Result<EVP_PKEY*> ResultSigner::verifier_key(ByteView sealed) {
  Bytes digest = crypto::sha256(sealed);
  if (cached_key_ && digest == cached_blob_digest_) {
    return cached_key_.get();
  }
  ENSIGN_TRY(private_der,
             platform_.unseal(tee::SealPurpose::kVerifierKey, kVerifierKeyObjectId, sealed));
  ENSIGN_TRY(key, crypto::private_key_from_der(private_der, crypto::KeyAlgorithm::kEcdsaP256));
  cached_key_ = std::move(key);
  cached_blob_digest_ = std::move(digest);
  return cached_key_.get();
}

Result<protocol::AppraiseReply> ResultSigner::appraise(const protocol::AppraiseRequest& request) {
  ENSIGN_TRY(key, verifier_key(request.sealed_verifier_key));
  ENSIGN_TRY(appraisal_request, attest::decode_appraisal_request(as_string(request.appraisal_request)));
  ENSIGN_TRY(appraisal, attest::appraise_evidence(appraisal_request));

  const tee::Identity& identity = platform_.identity();
  attest::ResultContext context;
  context.issued_at = now_unix();
  context.verifier_build = "ensign " ENSIGN_VERSION " (" + identity.platform +
                           " enclave, measurement " + hex_encode(identity.measurement) + ")";
  context.policy_id = appraisal.policy_id;
  context.nonce = appraisal_request.nonce;
  context.verified_at = appraisal_request.at;
  nlohmann::json claims =
      attest::ear_claims(appraisal.verification, appraisal.policy_failures, context);

  ENSIGN_TRY(public_der, crypto::public_key_to_der(key));
  ENSIGN_TRY(key_id, formats::jose::jwk_thumbprint(public_der));
  std::string signing_input = formats::jose::jws_signing_input(claims, key_id);
  ENSIGN_TRY(signature, crypto::sign_message(key, crypto::KeyAlgorithm::kEcdsaP256,
                                             as_bytes(signing_input)));
  ENSIGN_TRY(token, formats::jose::complete_jws(signing_input, signature));
  return protocol::AppraiseReply{to_bytes(attest::to_json(appraisal).dump()), to_bytes(token)};
}

}  // namespace ensign::enclave
