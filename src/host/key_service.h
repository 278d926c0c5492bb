// key_service.h: KeyService, the signing operations the CLI's local mode (and later ensignd)
// offer: create and rotate keys in the enclave, sign artifacts and DSSE payloads into Sigstore
// bundles, and record each in the audit table.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/keys.h"
#include "formats/bundle.h"
#include "host/enclave_client.h"
#include "host/log_service.h"
#include "host/store/store.h"

namespace ensign::host {

// SignOptions are the choices a signer makes beyond the key and the input.
struct SignOptions {
  bool attach_key_attestation = true;  // put ensignKeyAttestation in the bundle
  // audit also records each signature in the audit table. The transparency log records every
  // signature whatever this says; ensignd turns it off, so a signature costs one durable write
  // per batch rather than one per signature.
  bool audit = true;
};

// ItemSigner has one item signed and logged. KeyService's own signs each item as a batch of
// one; ensignd passes its SignBatcher's, which puts concurrent requests in one batch.
using ItemSigner = std::function<Result<LoggedSignature>(enclave::protocol::SignItem item)>;

class KeyService {
 public:
  // KeyService borrows the store and the enclave; `actor` is recorded in the audit table.
  KeyService(store::Store& store, EnclaveClient& enclave, std::string actor,
             ItemSigner signer = {});

  // create_key makes version 1 of a new key inside the enclave and stores it. Fails with
  // AlreadyExists when the name is taken and InvalidArgument for a bad name.
  Result<store::KeyVersion> create_key(std::string_view name, crypto::KeyAlgorithm algorithm);

  // rotate_key makes the next version of a key with the same algorithm; older versions keep
  // verifying, only the newest signs. NotFound when the key does not exist.
  Result<store::KeyVersion> rotate_key(std::string_view name);

  // sign_file signs the artifact at `path` with the newest version of key `name` and returns a
  // messageSignature bundle. ECDSA artifacts are hashed here and only the digest enters the
  // enclave; Ed25519 needs the whole artifact (at most kMaxSignMessageSize bytes).
  Result<formats::Bundle> sign_file(std::string_view name, const std::string& path,
                                    const SignOptions& options);

  // sign_digest signs an artifact's digest (its size must be the key's signature hash's: ECDSA
  // keys only) into a messageSignature bundle; for remote signing, where only the digest is sent.
  Result<formats::Bundle> sign_digest(std::string_view name, ByteView digest,
                                      const SignOptions& options);

  // sign_message signs a whole artifact (at most kMaxSignMessageSize bytes) into a
  // messageSignature bundle; Ed25519 keys sign this way, ECDSA keys hash it first.
  Result<formats::Bundle> sign_message(std::string_view name, ByteView message,
                                       const SignOptions& options);

  // sign_dsse signs `payload` as a DSSE envelope of `payload_type`.
  Result<formats::Bundle> sign_dsse(std::string_view name, std::string_view payload_type,
                                    ByteView payload, const SignOptions& options);

 private:
  // sign_input has the enclave sign and log a digest, a message or a DSSE payload with a key
  // version, checks the signature against the stored public key, audits it, and returns it with
  // its log inclusion proof.
  Result<LoggedSignature> sign_input(const store::KeyVersion& key,
                                     enclave::protocol::SignInput input,
                                     std::string_view payload_type, ByteView data,
                                     std::string_view audit_digest,
                                     std::string_view audit_detail, const SignOptions& options);
  Result<formats::Bundle> message_bundle(const store::KeyVersion& key, Bytes digest,
                                         Result<LoggedSignature> logged,
                                         const SignOptions& options);
  Result<store::KeyVersion> current_version(std::string_view name);
  Result<store::KeyVersion> generate(std::string_view name, std::uint32_t version,
                                     crypto::KeyAlgorithm algorithm);
  Result<formats::Bundle> bundle_for(const store::KeyVersion& key, const LoggedSignature& logged,
                                     const SignOptions& options);

  store::Store& store_;
  EnclaveClient& enclave_;
  LogService log_;
  std::string actor_;
  ItemSigner signer_;
};

}  // namespace ensign::host
