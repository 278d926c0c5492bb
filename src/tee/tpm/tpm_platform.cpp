#include "tee/tpm/tpm_platform.h"

#include <openssl/rand.h>

#include <cstring>

#include "core/file.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/hash.h"
#include "tee/sim/report.h"
#include "tee/sim/sealed_blob.h"
#include "tee/tpm/evidence.h"
#include "tee/tpm/objects.h"
#include "tee/tpm/pcr_sealing.h"
#include "tee/tpm/pcrs.h"

namespace ensign::tee::tpm {
namespace {

constexpr std::size_t kSealingKeySize = 32;
constexpr char kInitHint[] = "run `ensign init --platform tpm`";

std::string sealing_file_name(ByteView measurement) {
  return "tpm-sealing-" + hex_encode(measurement).substr(0, 16) + ".blob";
}

// srk_handle finds the persistent SRK, or with `create` makes it from the TCG template and
// persists it at kSrkHandle.
Result<ESYS_TR> srk_handle(ESYS_CONTEXT* esys, bool create) {
  ESYS_TR srk = ESYS_TR_NONE;
  TSS2_RC rc = Esys_TR_FromTPMPublic(esys, kSrkHandle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                     &srk);
  if (rc == TSS2_RC_SUCCESS) {
    TPM2B_PUBLIC* public_raw = nullptr;
    rc = Esys_ReadPublic(esys, srk, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &public_raw, nullptr,
                         nullptr);
    EsysPtr<TPM2B_PUBLIC> public_area(public_raw);
    if (rc != TSS2_RC_SUCCESS) {
      return tpm_failure("TPM2_ReadPublic of the SRK", rc);
    }
    constexpr TPMA_OBJECT storage = TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT;
    if ((public_area->publicArea.objectAttributes & storage) != storage ||
        (public_area->publicArea.objectAttributes & TPMA_OBJECT_SIGN_ENCRYPT) != 0) {
      return fail(ErrorCode::kFailedPrecondition,
                  "the persistent object at 0x81000001 is not a storage key (restricted, decrypt)");
    }
    return srk;
  }
  if (!create) {
    return fail(ErrorCode::kFailedPrecondition,
                "the TPM has no storage root key at 0x81000001: " + std::string(kInitHint));
  }
  TPM2B_SENSITIVE_CREATE sensitive{};
  TPM2B_PUBLIC area = srk_template();
  TPM2B_DATA outside{};
  TPML_PCR_SELECTION creation_pcrs{};
  ESYS_TR transient = ESYS_TR_NONE;
  rc = Esys_CreatePrimary(esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                          &sensitive, &area, &outside, &creation_pcrs, &transient, nullptr, nullptr,
                          nullptr, nullptr);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("TPM2_CreatePrimary of the SRK (owner hierarchy, empty owner auth)", rc);
  }
  TransientHandle primary(esys, transient);
  rc = Esys_EvictControl(esys, ESYS_TR_RH_OWNER, primary.get(), ESYS_TR_PASSWORD, ESYS_TR_NONE,
                         ESYS_TR_NONE, kSrkHandle, &srk);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("TPM2_EvictControl of the SRK to 0x81000001", rc);
  }
  return srk;
}

// state_blob reads `path`, or with `create` and the file missing, writes make()'s blob there
// (exclusively: of two creators one wins and the other reads its blob).
template <typename Make>
Result<Bytes> state_blob(const std::string& path, bool create, Make make) {
  auto existing = read_file(path, kMaxObjectBlobSize);
  if (existing || existing.error().code() != ErrorCode::kNotFound) {
    return existing;
  }
  if (!create) {
    return fail(ErrorCode::kFailedPrecondition, path + ": missing: " + kInitHint);
  }
  ENSIGN_TRY(made, make());
  ENSIGN_TRY(encoded, encode_object_blob(made));
  auto created = create_file_exclusive(path, encoded, 0600);
  if (!created && created.error().code() == ErrorCode::kAlreadyExists) {
    return read_file(path, kMaxObjectBlobSize);
  }
  ENSIGN_CHECK(created);
  return encoded;
}

Result<SecretBytes> random_secret(std::size_t size) {
  SecretBytes secret(size);
  if (RAND_priv_bytes(secret.data(), static_cast<int>(size)) != 1) {
    return fail(ErrorCode::kInternal, "cannot draw random bytes");
  }
  return secret;
}

TPMI_ALG_HASH signing_hash(crypto::KeyAlgorithm algorithm) {
  return algorithm == crypto::KeyAlgorithm::kEcdsaP384 ? TPM2_ALG_SHA384 : TPM2_ALG_SHA256;
}

}  // namespace

TpmPlatform::TpmPlatform(std::unique_ptr<EsysContext> esys, ESYS_TR srk, Bytes ak_blob,
                         Identity identity)
    : esys_(std::move(esys)),
      srk_(srk),
      ak_blob_(std::move(ak_blob)),
      identity_(std::move(identity)),
      root_key_id_(sim::root_key_id(identity_.platform_key)) {}

TpmPlatform::~TpmPlatform() {
  loaded_.handle.reset();  // before the connection goes
}

Result<std::unique_ptr<TpmPlatform>> TpmPlatform::open(const TpmOptions& options) {
  if (options.measurement.size() != sim::kMeasurementSize) {
    return fail(ErrorCode::kInvalidArgument, "the enclave measurement must be 48 bytes");
  }
  ENSIGN_CHECK(ResponseDeadline::install_handler());
  ResponseDeadline deadline("starting on the TPM at TCTI \"" + options.tcti + "\"");
  ENSIGN_TRY(esys, EsysContext::connect(options.tcti));
  ESYS_CONTEXT* context = esys->get();
  ENSIGN_TRY(srk, srk_handle(context, options.create));
  ENSIGN_CHECK(record_measurement(context, options.measurement));

  ENSIGN_TRY(ak_blob, state_blob(options.state_dir + "/" + kAkFileName, options.create, [&] {
    return create_object(context, srk, attestation_key_template(), "the attestation key");
  }));
  ENSIGN_TRY(ak, decode_object_blob(ak_blob));
  ENSIGN_TRY(ak_public, public_key_spki(ak.public_area));
  {
    // Loading it proves the AK belongs to this TPM before anything is sealed with it in mind.
    ENSIGN_TRY(loaded, load_object(context, srk, ak, "the attestation key"));
  }
  Identity identity{kTpmPlatformName, options.measurement, std::move(ak_public)};
  std::unique_ptr<TpmPlatform> platform(
      new TpmPlatform(std::move(esys), srk, std::move(ak_blob), std::move(identity)));

  std::string sealing_path = options.state_dir + "/" + sealing_file_name(options.measurement);
  ENSIGN_TRY(sealed_blob, state_blob(sealing_path, options.create, [&]() -> Result<ObjectBlob> {
    ENSIGN_TRY(fresh, random_secret(kSealingKeySize));
    return seal_under_pcr_policy(context, srk, fresh);
  }));
  ENSIGN_TRY(sealed, decode_object_blob(sealed_blob));
  auto sealing_key = unseal_under_pcr_policy(context, srk, sealed);
  if (!sealing_key) {
    return fail(sealing_key.error().with_context(sealing_path));
  }
  if (sealing_key->size() != kSealingKeySize) {
    return fail(ErrorCode::kDataLoss, sealing_path + ": the sealed sealing key has " +
                                          std::to_string(sealing_key->size()) + " bytes");
  }
  platform->sealing_key_ = std::move(sealing_key).value();
  return platform;
}

Result<TransientHandle> TpmPlatform::load_attestation_key() {
  ENSIGN_TRY(ak, decode_object_blob(ak_blob_));
  return load_object(esys_->get(), srk_, ak, "the attestation key");
}

Result<Bytes> TpmPlatform::evidence(ByteView report_data) {
  if (report_data.size() != kReportDataSize) {
    return fail(ErrorCode::kInvalidArgument,
                "report data must be 64 bytes, got " + std::to_string(report_data.size()));
  }
  ResponseDeadline deadline("TPM2_Quote");
  ENSIGN_TRY(ak, load_attestation_key());
  ENSIGN_TRY(quoted, quote(esys_->get(), ak.get(), report_data, quoted_pcr_selection()));
  ENSIGN_TRY(pcrs, read_pcrs(esys_->get(), quoted_pcr_selection()));
  return encode_evidence_document(
      {identity_.platform_key, identity_.measurement, std::move(quoted), std::move(pcrs), {}, {}});
}

Result<Bytes> TpmPlatform::seal(SealPurpose purpose, std::string_view object_id,
                                const SecretBytes& plaintext) {
  return sim::seal_blob(sealing_key_, {identity_.measurement, root_key_id_}, purpose, object_id,
                        plaintext);
}

Result<SecretBytes> TpmPlatform::unseal(SealPurpose purpose, std::string_view object_id,
                                        ByteView sealed) {
  return sim::unseal_blob(sealing_key_, {identity_.measurement, root_key_id_}, purpose, object_id,
                          sealed);
}

bool TpmPlatform::holds(crypto::KeyAlgorithm algorithm) const {
  return signing_key_template(algorithm).has_value();
}

Result<HeldKey> TpmPlatform::create_key(crypto::KeyAlgorithm algorithm,
                                        std::string_view object_id) {
  ENSIGN_TRY(area, signing_key_template(algorithm));
  ResponseDeadline deadline("TPM2_Create, TPM2_Certify and TPM2_Quote of a new key");
  loaded_ = {};  // three object slots: the new key and the AK need two
  ESYS_CONTEXT* context = esys_->get();
  ENSIGN_TRY(created, create_object(context, srk_, area, "the signing key"));
  ENSIGN_TRY(public_key, public_key_spki(created.public_area));
  ENSIGN_TRY(key_public, marshal_public_area(created.public_area));
  ENSIGN_TRY(encoded, encode_object_blob(created));
  ENSIGN_TRY(key_blob, seal(SealPurpose::kSigningKey, object_id, SecretBytes::copy_of(encoded)));
  ENSIGN_TRY(key, load_object(context, srk_, created, "the signing key"));
  Bytes report_data = sim::key_attestation_report_data(public_key);
  Bytes attestation;
  {
    ENSIGN_TRY(ak, load_attestation_key());
    ENSIGN_TRY(certified, certify(context, key.get(), ak.get(), report_data));
    ENSIGN_TRY(quoted, quote(context, ak.get(), report_data, quoted_pcr_selection()));
    ENSIGN_TRY(pcrs, read_pcrs(context, quoted_pcr_selection()));
    attestation = encode_evidence_document({identity_.platform_key, identity_.measurement,
                                            std::move(quoted), std::move(pcrs),
                                            std::move(certified), std::move(key_public)});
  }
  loaded_ = {std::string(object_id), crypto::sha256(key_blob), algorithm, std::move(key)};
  return HeldKey{std::move(public_key), std::move(key_blob), std::move(attestation)};
}

Result<ESYS_TR> TpmPlatform::loaded_key(std::string_view object_id, ByteView key_blob,
                                        crypto::KeyAlgorithm algorithm) {
  Bytes digest = crypto::sha256(key_blob);
  if (!loaded_.handle || loaded_.object_id != object_id || loaded_.blob_digest != digest) {
    ENSIGN_TRY(encoded, unseal(SealPurpose::kSigningKey, object_id, key_blob));
    ENSIGN_TRY(blob, decode_object_blob(encoded.view()));
    ENSIGN_TRY(expected, signing_key_template(algorithm));
    const auto& ecc = blob.public_area.publicArea.parameters.eccDetail;
    if (blob.public_area.publicArea.type != TPM2_ALG_ECC ||
        ecc.curveID != expected.publicArea.parameters.eccDetail.curveID) {
      return fail(ErrorCode::kInvalidArgument,
                  "key " + std::string(object_id) + " is not " +
                      std::string(crypto::key_algorithm_name(algorithm)));
    }
    loaded_ = {};
    ENSIGN_TRY(handle, load_object(esys_->get(), srk_, blob, "key " + std::string(object_id)));
    loaded_ = {std::string(object_id), std::move(digest), algorithm, std::move(handle)};
  }
  if (loaded_.algorithm != algorithm) {
    return fail(ErrorCode::kInvalidArgument,
                "key " + std::string(object_id) + " is " +
                    std::string(crypto::key_algorithm_name(loaded_.algorithm)) +
                    ", the request says " + std::string(crypto::key_algorithm_name(algorithm)));
  }
  return loaded_.handle.get();
}

Result<Bytes> TpmPlatform::sign_digest(std::string_view object_id, ByteView key_blob,
                                       crypto::KeyAlgorithm algorithm, ByteView digest) {
  std::size_t digest_size = algorithm == crypto::KeyAlgorithm::kEcdsaP384 ? 48 : 32;
  if (!holds(algorithm) || digest.size() != digest_size) {
    return fail(ErrorCode::kInvalidArgument,
                std::string(crypto::key_algorithm_name(algorithm)) + " on the tpm platform signs " +
                    std::to_string(digest_size) + "-byte digests, not " +
                    std::to_string(digest.size()) + " bytes");
  }
  ResponseDeadline deadline("TPM2_Sign with key " + std::string(object_id));
  ENSIGN_TRY(key, loaded_key(object_id, key_blob, algorithm));
  TPM2B_DIGEST tpm_digest{};
  tpm_digest.size = static_cast<UINT16>(digest.size());
  std::memcpy(tpm_digest.buffer, digest.data(), digest.size());
  TPMT_SIG_SCHEME scheme{};
  scheme.scheme = TPM2_ALG_ECDSA;
  scheme.details.ecdsa.hashAlg = signing_hash(algorithm);
  // The key is not restricted: it signs outside digests with a null ticket.
  TPMT_TK_HASHCHECK validation{};
  validation.tag = TPM2_ST_HASHCHECK;
  validation.hierarchy = TPM2_RH_NULL;
  TPMT_SIGNATURE* signature_raw = nullptr;
  TSS2_RC rc = Esys_Sign(esys_->get(), key, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                         &tpm_digest, &scheme, &validation, &signature_raw);
  EsysPtr<TPMT_SIGNATURE> signature(signature_raw);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("TPM2_Sign with key " + std::string(object_id), rc);
  }
  const TPMS_SIGNATURE_ECC& ecdsa = signature->signature.ecdsa;
  return crypto::ecdsa_raw_to_der({ecdsa.signatureR.buffer, ecdsa.signatureR.size},
                                  {ecdsa.signatureS.buffer, ecdsa.signatureS.size});
}

}  // namespace ensign::tee::tpm
