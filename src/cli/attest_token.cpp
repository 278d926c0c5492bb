#include "cli/attest_token.h"

#include <iostream>

#include "crypto/keys.h"
#include "formats/jose.h"
#include "host/state.h"

namespace ensign::cli {
namespace {

struct VerifierKey {
  Bytes public_key;
  Bytes sealed_key;
  Bytes attestation;
};

Result<Bytes> meta_bytes(host::store::Store& store, const char* name) {
  ENSIGN_TRY(value, store.get_meta(name));
  if (!value) {
    return Bytes{};
  }
  auto bytes = base64_decode(*value);
  if (!bytes) {
    return fail(ErrorCode::kDataLoss, std::string("the installation's ") + name +
                                          " is not base64; the database was modified");
  }
  return bytes;
}

// create_verifier_key has the enclave make a verifier key and records it, replacing any other.
Result<VerifierKey> create_verifier_key(Context& context) {
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(enclave, context.enclave());
  ENSIGN_TRY(created, enclave->create_verifier_key());
  ENSIGN_CHECK(store->set_meta(host::kMetaVerifierPublicKey, base64_encode(created.public_key)));
  ENSIGN_CHECK(store->set_meta(host::kMetaVerifierSealedKey, base64_encode(created.sealed_key)));
  ENSIGN_CHECK(
      store->set_meta(host::kMetaVerifierAttestation, base64_encode(created.key_attestation)));
  return VerifierKey{std::move(created.public_key), std::move(created.sealed_key),
                     std::move(created.key_attestation)};
}

Result<VerifierKey> verifier_key(Context& context) {
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(public_key, meta_bytes(*store, host::kMetaVerifierPublicKey));
  ENSIGN_TRY(sealed_key, meta_bytes(*store, host::kMetaVerifierSealedKey));
  ENSIGN_TRY(attestation, meta_bytes(*store, host::kMetaVerifierAttestation));
  if (!public_key.empty() && !sealed_key.empty()) {
    return VerifierKey{std::move(public_key), std::move(sealed_key), std::move(attestation)};
  }
  return create_verifier_key(context);
}

}  // namespace

Result<nlohmann::json> verifier_public_key(Context& context) {
  ENSIGN_TRY(key, verifier_key(context));
  ENSIGN_TRY(pem, crypto::public_key_to_pem(key.public_key));
  ENSIGN_TRY(jwk, formats::jose::es256_jwk(key.public_key));
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(platform, store->get_meta(host::kMetaPlatform));
  return nlohmann::json{{"pem", pem},
                        {"jwk", jwk},
                        {"key_id", jwk["kid"]},
                        {"key_attestation",
                         {{"platform", platform.value_or("")},
                          {"evidence", base64_encode(key.attestation)}}}};
}

Result<EnclaveAppraisal> appraise_in_enclave(Context& context,
                                             const attest::AppraisalRequest& request) {
  ENSIGN_TRY(key, verifier_key(context));
  ENSIGN_TRY(enclave, context.enclave());
  Bytes encoded = to_bytes(attest::encode_appraisal_request(request));
  auto reply = enclave->appraise({key.sealed_key, encoded});
  if (!reply && reply.error().code() == ErrorCode::kDataLoss) {
    // Sealing binds the enclave build: after an upgrade the old verifier key is gone for good.
    // Results need a key, so make the new build's own, and say so: relying parties that pinned
    // the old key need the new one.
    ENSIGN_TRY(fresh, create_verifier_key(context));
    ENSIGN_TRY(jwk, formats::jose::es256_jwk(fresh.public_key));
    std::cerr << "ensign: the verifier key could not be unsealed (" << reply.error().message()
              << "); made a new one, kid " << jwk["kid"].get<std::string>()
              << " (`ensign attest verifier-key --jwk` prints it)\n";
    reply = enclave->appraise({fresh.sealed_key, encoded});
  }
  if (!reply) {
    return fail(reply.error());
  }
  auto appraisal = nlohmann::json::parse(as_string(reply->appraisal), nullptr, false);
  if (appraisal.is_discarded()) {
    return fail(ErrorCode::kInternal, "the enclave's appraisal is not JSON");
  }
  return EnclaveAppraisal{std::move(appraisal), as_string(reply->token)};
}

}  // namespace ensign::cli
