#include "enclave/warm_up.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <ctime>

#include "core/openssl_handles.h"
#include "crypto/hash.h"
#include "enclave/keyring.h"
#include "enclave/log_signer.h"

namespace ensign::enclave {

namespace {

// warm_up_log runs the log's paths once: a log made, a DSSE item signed and logged.
Status warm_up_log(tee::Platform& platform, Keyring& keyring,
                   const protocol::GenerateKeyReply& key) {
  LogSigner signer(platform, keyring);
  ENSIGN_TRY(log, signer.create({"warm-up"}));
  protocol::SignRequest request{log.sealed_key, log.sealed_log_state, 1, {}, {}};
  request.items.push_back({"warm-up", 1, crypto::KeyAlgorithm::kEcdsaP256, key.sealed_key,
                           key.public_key, "warm-up", protocol::SignInput::kDsse, "text/plain",
                           to_bytes("warm-up")});
  ENSIGN_CHECK(signer.sign(request));
  return {};
}

}  // namespace

Status warm_up(tee::Platform& platform) {
  if (OPENSSL_init_crypto(
          OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_ADD_ALL_CIPHERS | OPENSSL_INIT_ADD_ALL_DIGESTS,
          nullptr) != 1) {
    return fail(openssl_error("cannot initialise OpenSSL"));
  }
  unsigned char sample[32];
  if (RAND_bytes(sample, sizeof sample) != 1 || RAND_priv_bytes(sample, sizeof sample) != 1) {
    return fail(openssl_error("cannot seed OpenSSL's random generator"));
  }
  OPENSSL_cleanse(sample, sizeof sample);
  // Keys are made by one keyring and used by another, so that signing unseals; the error paths
  // (a blob that fails to authenticate) run too.
  Keyring maker(platform, 1);
  Keyring user(platform, 1);
  tee::KeyHolder* holder = platform.key_holder();
  for (auto algorithm : {crypto::KeyAlgorithm::kEcdsaP256,
                         crypto::KeyAlgorithm::kEcdsaP384,
                         crypto::KeyAlgorithm::kEd25519}) {
    // A platform that holds keys makes one in hardware: one algorithm runs its code paths.
    if (holder != nullptr && algorithm != crypto::KeyAlgorithm::kEcdsaP256) {
      continue;
    }
    ENSIGN_TRY(generated, maker.generate({"warm-up", 1, algorithm}));
    protocol::SignItem item{"warm-up", 1, algorithm, generated.sealed_key, generated.public_key,
                            "warm-up", protocol::SignInput::kMessage, "", to_bytes("warm-up")};
    ENSIGN_CHECK(user.sign(item, protocol::SignInput::kMessage, item.data));
    if (auto hash = crypto::signature_hash(algorithm)) {
      ENSIGN_CHECK(user.sign(item, protocol::SignInput::kDigest, crypto::hash(*hash, item.data)));
    }
    item.sealed_key.back() ^= 1;
    if (user.sign(item, protocol::SignInput::kMessage, item.data)) {
      return fail(ErrorCode::kInternal, "warm-up: a modified sealed blob was accepted");
    }
    if (algorithm == crypto::KeyAlgorithm::kEcdsaP256) {
      ENSIGN_CHECK(warm_up_log(platform, user, generated));
    }
  }
  warm_up_time_zone();
  return {};
}

void warm_up_time_zone() {
  // glibc reads the time zone file on its first time conversion, whatever the conversion;
  // certificates, CRLs and tokens all convert times.
  tzset();
  std::time_t epoch = 0;
  std::tm utc{};
  gmtime_r(&epoch, &utc);
}

}  // namespace ensign::enclave
