#include "enclave/warm_up.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <ctime>

#include "core/openssl_handles.h"
#include "crypto/hash.h"
#include "enclave/keyring.h"

namespace ensign::enclave {

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
    protocol::SignRequest sign{"warm-up",
                               1,
                               algorithm,
                               generated.sealed_key,
                               protocol::SignInput::kMessage,
                               to_bytes("warm-up")};
    ENSIGN_CHECK(user.sign(sign));
    if (auto hash = crypto::signature_hash(algorithm)) {
      sign.input = protocol::SignInput::kDigest;
      sign.data = crypto::hash(*hash, sign.data);
      ENSIGN_CHECK(user.sign(sign));
    }
    sign.sealed_key.back() ^= 1;
    if (user.sign(sign)) {
      return fail(ErrorCode::kInternal, "warm-up: a modified sealed blob was accepted");
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
