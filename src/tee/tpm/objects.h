// objects.h: the TPM objects of the tpm platform, their templates and how they are kept.
//
//   storage root key (SRK)  persistent at kSrkHandle, made from the TCG's ECC P-256 SRK template
//                           (TCG TPM v2.0 Provisioning Guidance) when absent; parent of the rest
//   attestation key (AK)    restricted ECDSA P-256/SHA-256 signing key: quotes and certifies
//   signing keys            ECDSA P-256/SHA-256 or P-384/SHA-384, fixedTPM | fixedParent |
//                           sensitiveDataOrigin | userWithAuth | sign: made in the TPM, never
//                           leave it in the clear
//   sealed object           a KEYEDHASH object holding the enclave's sealing key, authorised by a
//                           PolicyPCR over the enclave's PCR only (no userWithAuth)
// A child object is kept outside the TPM as an object blob: its TPM2B_PUBLIC then its
// TPM2B_PRIVATE (which the SRK encrypts), marshalled by Tss2_MU.
#pragma once

#include <tss2/tss2_esys.h>

#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/keys.h"
#include "tee/tpm/esys.h"

namespace ensign::tee::tpm {

inline constexpr TPM2_HANDLE kSrkHandle = 0x81000001;  // the TCG's reserved SRK handle
inline constexpr std::size_t kMaxObjectBlobSize = sizeof(TPM2B_PUBLIC) + sizeof(TPM2B_PRIVATE);

TPM2B_PUBLIC srk_template();
TPM2B_PUBLIC attestation_key_template();
// signing_key_template fails with InvalidArgument for an algorithm TPM 2.0 cannot hold (Ed25519).
Result<TPM2B_PUBLIC> signing_key_template(crypto::KeyAlgorithm algorithm);
TPM2B_PUBLIC sealed_object_template(const TPM2B_DIGEST& policy);

// ObjectBlob is a child object as kept outside the TPM.
struct ObjectBlob {
  TPM2B_PUBLIC public_area{};
  TPM2B_PRIVATE private_area{};
};

Result<Bytes> encode_object_blob(const ObjectBlob& blob);
// decode_object_blob fails with DataLoss when the bytes are not exactly one marshalled
// TPM2B_PUBLIC and TPM2B_PRIVATE.
Result<ObjectBlob> decode_object_blob(ByteView bytes);

// marshal_public_area returns the TPMT_PUBLIC as the TPM hashes it into the object's Name.
Result<Bytes> marshal_public_area(const TPM2B_PUBLIC& public_area);

// public_key_spki returns the DER SubjectPublicKeyInfo of an ECC object's public point. Fails
// with InvalidArgument for another type or curve.
Result<Bytes> public_key_spki(const TPM2B_PUBLIC& public_area);

// create_object makes a child object of `area` under `srk` (named `what` in errors).
Result<ObjectBlob> create_object(ESYS_CONTEXT* esys, ESYS_TR srk, const TPM2B_PUBLIC& area,
                                 std::string_view what);

// load_object loads `blob` under `srk`. Fails with DataLoss, saying so, when the blob was made
// under another SRK (another TPM, or this one cleared), else with the TPM's error.
Result<TransientHandle> load_object(ESYS_CONTEXT* esys, ESYS_TR srk, const ObjectBlob& blob,
                                    std::string_view what);

}  // namespace ensign::tee::tpm
