#include "tee/tpm/objects.h"

#include <tss2/tss2_mu.h>

#include "crypto/ecdsa_encoding.h"
#include "tee/tpm/esys.h"

namespace ensign::tee::tpm {
namespace {

constexpr TPMA_OBJECT kKeyAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                                       TPMA_OBJECT_SENSITIVEDATAORIGIN |
                                       TPMA_OBJECT_USERWITHAUTH;

TPM2B_PUBLIC ecc_template(TPMA_OBJECT attributes, TPMI_ECC_CURVE curve) {
  TPM2B_PUBLIC area{};
  area.publicArea.type = TPM2_ALG_ECC;
  area.publicArea.nameAlg = TPM2_ALG_SHA256;
  area.publicArea.objectAttributes = attributes;
  TPMS_ECC_PARMS& ecc = area.publicArea.parameters.eccDetail;
  ecc.symmetric.algorithm = TPM2_ALG_NULL;
  ecc.scheme.scheme = TPM2_ALG_NULL;
  ecc.curveID = curve;
  ecc.kdf.scheme = TPM2_ALG_NULL;
  return area;
}

TPM2B_PUBLIC ecdsa_template(TPMA_OBJECT attributes, TPMI_ECC_CURVE curve, TPMI_ALG_HASH hash) {
  TPM2B_PUBLIC area = ecc_template(attributes | TPMA_OBJECT_SIGN_ENCRYPT, curve);
  area.publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
  area.publicArea.parameters.eccDetail.scheme.details.ecdsa.hashAlg = hash;
  return area;
}

}  // namespace

TPM2B_PUBLIC srk_template() {
  TPM2B_PUBLIC area = ecc_template(
      kKeyAttributes | TPMA_OBJECT_NODA | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT,
      TPM2_ECC_NIST_P256);
  TPMS_ECC_PARMS& ecc = area.publicArea.parameters.eccDetail;
  ecc.symmetric.algorithm = TPM2_ALG_AES;
  ecc.symmetric.keyBits.aes = 128;
  ecc.symmetric.mode.aes = TPM2_ALG_CFB;
  // The provisioning guidance's SRK template: 32 zero bytes in each coordinate of `unique`.
  area.publicArea.unique.ecc.x.size = 32;
  area.publicArea.unique.ecc.y.size = 32;
  return area;
}

TPM2B_PUBLIC attestation_key_template() {
  return ecdsa_template(kKeyAttributes | TPMA_OBJECT_RESTRICTED, TPM2_ECC_NIST_P256,
                        TPM2_ALG_SHA256);
}

Result<TPM2B_PUBLIC> signing_key_template(crypto::KeyAlgorithm algorithm) {
  switch (algorithm) {
    case crypto::KeyAlgorithm::kEcdsaP256:
      return ecdsa_template(kKeyAttributes, TPM2_ECC_NIST_P256, TPM2_ALG_SHA256);
    case crypto::KeyAlgorithm::kEcdsaP384:
      return ecdsa_template(kKeyAttributes, TPM2_ECC_NIST_P384, TPM2_ALG_SHA384);
    default:
      return fail(ErrorCode::kInvalidArgument,
                  "the tpm platform holds ECDSA P-256 and P-384 keys; TPM 2.0 has no " +
                      std::string(crypto::key_algorithm_name(algorithm)));
  }
}

TPM2B_PUBLIC sealed_object_template(const TPM2B_DIGEST& policy) {
  TPM2B_PUBLIC area{};
  area.publicArea.type = TPM2_ALG_KEYEDHASH;
  area.publicArea.nameAlg = TPM2_ALG_SHA256;
  // No userWithAuth: only the policy authorises it. No sensitiveDataOrigin: the data is ours.
  area.publicArea.objectAttributes =
      TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_NODA;
  area.publicArea.authPolicy = policy;
  area.publicArea.parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_NULL;
  return area;
}

Result<Bytes> encode_object_blob(const ObjectBlob& blob) {
  Bytes bytes(kMaxObjectBlobSize);
  std::size_t offset = 0;
  TSS2_RC rc = Tss2_MU_TPM2B_PUBLIC_Marshal(&blob.public_area, bytes.data(), bytes.size(), &offset);
  if (rc == TSS2_RC_SUCCESS) {
    rc = Tss2_MU_TPM2B_PRIVATE_Marshal(&blob.private_area, bytes.data(), bytes.size(), &offset);
  }
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("marshalling an object blob", rc);
  }
  bytes.resize(offset);
  return bytes;
}

Result<ObjectBlob> decode_object_blob(ByteView bytes) {
  ObjectBlob blob;
  std::size_t offset = 0;
  TSS2_RC rc = bytes.size() > kMaxObjectBlobSize
                   ? TSS2_MU_RC_BAD_SIZE
                   : Tss2_MU_TPM2B_PUBLIC_Unmarshal(bytes.data(), bytes.size(), &offset,
                                                    &blob.public_area);
  if (rc == TSS2_RC_SUCCESS) {
    rc = Tss2_MU_TPM2B_PRIVATE_Unmarshal(bytes.data(), bytes.size(), &offset, &blob.private_area);
  }
  if (rc != TSS2_RC_SUCCESS || offset != bytes.size()) {
    return fail(ErrorCode::kDataLoss, "not a TPM object blob (TPM2B_PUBLIC, TPM2B_PRIVATE) of " +
                                          std::to_string(bytes.size()) + " bytes");
  }
  return blob;
}

Result<Bytes> marshal_public_area(const TPM2B_PUBLIC& public_area) {
  Bytes bytes(sizeof(TPMT_PUBLIC));
  std::size_t offset = 0;
  TSS2_RC rc =
      Tss2_MU_TPMT_PUBLIC_Marshal(&public_area.publicArea, bytes.data(), bytes.size(), &offset);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("marshalling a TPMT_PUBLIC", rc);
  }
  bytes.resize(offset);
  return bytes;
}

Result<Bytes> public_key_spki(const TPM2B_PUBLIC& public_area) {
  const TPMT_PUBLIC& area = public_area.publicArea;
  if (area.type != TPM2_ALG_ECC) {
    return fail(ErrorCode::kInvalidArgument, "the TPM object is not an ECC key");
  }
  TPMI_ECC_CURVE curve_id = area.parameters.eccDetail.curveID;
  if (curve_id != TPM2_ECC_NIST_P256 && curve_id != TPM2_ECC_NIST_P384) {
    return fail(ErrorCode::kInvalidArgument,
                "the TPM key's curve " + std::to_string(curve_id) + " is not P-256 or P-384");
  }
  auto curve = curve_id == TPM2_ECC_NIST_P256 ? crypto::EcCurve::kP256 : crypto::EcCurve::kP384;
  const TPMS_ECC_POINT& point = area.unique.ecc;
  ENSIGN_TRY(key, crypto::ec_public_key_from_point(curve, {point.x.buffer, point.x.size},
                                                   {point.y.buffer, point.y.size}));
  return crypto::public_key_to_der(key.get());
}

// create_child makes an object of `area` under `srk`.
Result<ObjectBlob> create_object(ESYS_CONTEXT* esys, ESYS_TR srk, const TPM2B_PUBLIC& area,
                                std::string_view what) {
  TPM2B_SENSITIVE_CREATE sensitive{};
  TPM2B_DATA outside{};
  TPML_PCR_SELECTION creation_pcrs{};
  TPM2B_PRIVATE* private_raw = nullptr;
  TPM2B_PUBLIC* public_raw = nullptr;
  TSS2_RC rc = Esys_Create(esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &sensitive,
                           &area, &outside, &creation_pcrs, &private_raw, &public_raw, nullptr,
                           nullptr, nullptr);
  EsysPtr<TPM2B_PRIVATE> private_area(private_raw);
  EsysPtr<TPM2B_PUBLIC> public_area(public_raw);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("TPM2_Create of " + std::string(what), rc);
  }
  return ObjectBlob{*public_area, *private_area};
}

Result<TransientHandle> load_object(ESYS_CONTEXT* esys, ESYS_TR srk, const ObjectBlob& blob,
                                   std::string_view what) {
  ESYS_TR handle = ESYS_TR_NONE;
  TSS2_RC rc = Esys_Load(esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                         &blob.private_area, &blob.public_area, &handle);
  if (rc != TSS2_RC_SUCCESS) {
    auto error = tpm_failure("TPM2_Load of " + std::string(what), rc);
    if (is_tpm_error(rc, TPM2_RC_INTEGRITY)) {
      return fail(ErrorCode::kDataLoss, error.error.message() +
                                            ": it was made under another TPM's storage root key "
                                            "(another TPM, or this one was cleared)");
    }
    return error;
  }
  return TransientHandle(esys, handle);
}

}  // namespace ensign::tee::tpm
