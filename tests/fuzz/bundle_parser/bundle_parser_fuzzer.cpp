// bundle_parser_fuzzer.cpp: libFuzzer target for the Sigstore bundle parser. Every input goes to
// parse_bundle and intoto_subjects; a bundle that parses must survive bundle_to_json and parse
// again to the same JSON, and goes to verify_bundle with a fixed P-256 key and no artifact. The
// seeds in corpus/ are signed by that key (whose private half was discarded), so the signature
// path is reached too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <variant>

#include "core/bytes.h"
#include "formats/bundle.h"
#include "formats/intoto.h"
#include "formats/verify.h"

namespace {

// DER SubjectPublicKeyInfo of the P-256 key that signed the corpus seeds.
constexpr std::uint8_t kFixedPublicKey[] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0xd5, 0xb4, 0xe1, 0xc7, 0x86,
    0xe4, 0x2b, 0x9f, 0x65, 0xcd, 0xa3, 0xc2, 0x0a, 0xc5, 0xbf, 0x10, 0xb2, 0x64, 0x5c, 0xd1, 0x0c,
    0xc5, 0x54, 0xec, 0x57, 0x5e, 0x2f, 0xe3, 0xef, 0xa7, 0xbc, 0xad, 0x07, 0xd6, 0x1a, 0xa1, 0x63,
    0x28, 0xbe, 0x98, 0x22, 0xc7, 0x01, 0x0f, 0xf3, 0xb5, 0xfd, 0x4e, 0xae, 0xbd, 0x63, 0x37, 0x35,
    0x70, 0xbe, 0x06, 0x9d, 0x7a, 0x29, 0x80, 0x00, 0xfa, 0x4f, 0xf5,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace formats = ensign::formats;
  ensign::ByteView input(data, size);
  (void)formats::intoto_subjects(input);
  auto bundle = formats::parse_bundle(input);
  if (!bundle) {
    return 0;
  }
  std::string written = formats::bundle_to_json(*bundle);
  auto reparsed = formats::parse_bundle(ensign::as_bytes(written));
  if (!reparsed || formats::bundle_to_json(*reparsed) != written) {
    std::abort();  // what parse_bundle accepts, bundle_to_json must write back faithfully
  }
  if (const auto* envelope = std::get_if<formats::DsseEnvelope>(&bundle->content)) {
    (void)formats::intoto_subjects(envelope->payload);
  }
  auto verdict = formats::verify_bundle(*bundle, std::nullopt, kFixedPublicKey);
  if (verdict && verdict->reason.empty()) {
    std::abort();  // every verdict says why
  }
  return 0;
}
