// fuzz_tpm_certify: libFuzzer target for TPM2_Certify verification (src/attest/tpm): the first
// byte picks the function, the rest is its input: parse_public_area, parse_public_area_sized,
// parse_certify_attest, object_name, verify_certification of an input split as
// [u16 attest size][attest][u16 signature size][signature][TPMT_PUBLIC], with swtpm's AK, or
// verify_tpm_key_attestation of a whole key attestation document with the AK and key of the seed
// key_attestation (one that ensign's tpm platform made on swtpm).
//
// The seeds in corpus/ are the swtpm outputs of tests/unit/attest/tpm/swtpm_vectors.h (file names
// say which function each feeds), so verify_certification's seed verifies and mutations of it
// reach every check.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "attest/tpm/certify.h"
#include "attest/tpm/key_attestation.h"
#include "attest/tpm/public_area.h"
#include "core/bytes.h"
#include "core/wire.h"
#include "unit/attest/tpm/swtpm_vectors.h"

namespace {

namespace tpm = ensign::attest::tpm;

void parse_public(ensign::ByteView input) {
  auto key = tpm::parse_public_area(input);
  if (!key) {
    return;
  }
  // Whatever parsed must respect the bounds the parser promises.
  bool ecc_fits = key->type == tpm::kAlgEcc && key->x.size() == key->y.size() &&
                  (key->x.size() == 32 || key->x.size() == 48) && key->modulus.empty();
  bool rsa_fits = key->type == tpm::kAlgRsa && key->modulus.size() * 8 == key->key_bits &&
                  key->x.empty() && key->y.empty();
  if ((!ecc_fits && !rsa_fits) || key->spki.empty() ||
      (key->object_attributes & tpm::kObjectReserved) != 0 ||
      key->auth_policy.size() > tpm::kMaxDigestSize || input.size() > tpm::kMaxPublicAreaSize) {
    __builtin_trap();
  }
  (void)tpm::public_area_claims(*key).dump();
}

void parse_sized(ensign::ByteView input) {
  auto key = tpm::parse_public_area_sized(input);
  if (!key) {
    return;
  }
  // A TPM2B_PUBLIC parses exactly when the TPMT_PUBLIC inside it does.
  auto inner = tpm::parse_public_area(input.subspan(2));
  if (!inner || inner->spki != key->spki) {
    __builtin_trap();
  }
}

void parse_attest(ensign::ByteView input) {
  auto attest = tpm::parse_certify_attest(input);
  if (!attest) {
    return;
  }
  if (attest->name.size() > tpm::kMaxNameSize ||
      attest->qualified_name.size() > tpm::kMaxNameSize ||
      attest->qualified_signer.size() > tpm::kMaxNameSize ||
      attest->extra_data.size() > tpm::kMaxDataSize || attest->safe > 1 ||
      attest->magic != tpm::kTpmGeneratedValue || attest->type != tpm::kStAttestCertify) {
    __builtin_trap();
  }
  (void)tpm::certify_claims(*attest).dump();
}

void name(ensign::ByteView input) {
  auto computed = tpm::object_name(input);
  if (computed && computed->size() != 34 && computed->size() != 50 && computed->size() != 66) {
    __builtin_trap();
  }
}

// take_sized returns the next u16-sized piece of `cursor`, or nothing.
std::optional<ensign::ByteView> take_sized(ensign::wire::Cursor& cursor) {
  auto size = cursor.u16();
  return size ? cursor.take(*size) : std::nullopt;
}

void verify(ensign::ByteView input) {
  static const ensign::Bytes ak = tpm::test::bytes(tpm::test::kAkSpki);
  static const ensign::Bytes expected_key = tpm::test::bytes(tpm::test::kEccSpki);
  static const ensign::Bytes nonce = tpm::test::bytes(tpm::test::kTpm2ToolsQualifyingData);
  ensign::wire::Cursor cursor(input);
  auto attest = take_sized(cursor);
  auto signature = take_sized(cursor);
  if (!attest || !signature) {
    return;
  }
  auto key_public = cursor.take(cursor.remaining());
  tpm::Certification certification =
      tpm::verify_certification(*attest, *signature, ak, *key_public, expected_key, nonce);
  if (certification.verified() &&
      (certification.key_name != certification.attest.name || certification.key.spki.empty())) {
    __builtin_trap();
  }
  (void)certification.claims.dump();
}

// The AK and key of corpus/key_attestation, DER SPKI.
constexpr const char* kDocumentAk =
    "3059301306072a8648ce3d020106082a8648ce3d03010703420004463c2f4f752d4b1e2aede8ff07a68a6419cd3b3d"
    "034a878cb16e9c35e1eaff6147e82b68e985fb5042d6363147966d2814cb518f6cd7e6dfb07008e5ffc22a02";
constexpr const char* kDocumentKey =
    "3059301306072a8648ce3d020106082a8648ce3d0301070342000484dbc4a39b73739c7a223a2e173888fece041d"
    "c0ff2ef549295a387e37932b6ec2a5e685de88e9e74eac36d4223c087e1e58be7480e3caab15c74b6856bb3ced";

void verify_key_attestation(ensign::ByteView input) {
  static const ensign::Bytes ak = tpm::test::bytes(kDocumentAk);
  static const ensign::Bytes key = tpm::test::bytes(kDocumentKey);
  tpm::TpmKeyAttestation attestation = tpm::verify_tpm_key_attestation(input, key, ak);
  if (attestation.verified() && attestation.attributes.empty()) {
    __builtin_trap();
  }
  (void)attestation.claims.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  ensign::ByteView input(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      parse_public(input);
      break;
    case 1:
      parse_sized(input);
      break;
    case 2:
      parse_attest(input);
      break;
    case 3:
      name(input);
      break;
    case 4:
      verify(input);
      break;
    default:
      verify_key_attestation(input);
      break;
  }
  return 0;
}
