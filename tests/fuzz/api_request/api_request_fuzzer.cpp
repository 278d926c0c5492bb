// api_request_fuzzer.cpp: libFuzzer target for what ensignd reads from a request before it acts:
// the POST /v1/keys/NAME/sign, /verify and POST /v1/keys bodies, a query integer, and the bearer token,
// checked against a store that holds one real token; and what the CLI's remote mode reads back,
// an inclusion proof. The first byte picks the decoder. What a decoder accepts must encode back
// to text that decodes the same, and a token must be refused unless it is exactly the issued one.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "formats/api_requests.h"
#include "host/auth/tokens.h"
#include "host/log_proof_json.h"
#include "host/store/store.h"
#include "support/scratch_directory.h"

namespace {

using ensign::formats::decode_create_key_request;
using ensign::formats::decode_sign_request;

// The largest body's bound (verify's) plus the selector byte: larger inputs only reach the size
// refusal.
constexpr std::size_t kMaxInputBytes = ensign::formats::kMaxVerifyRequestSize + 1;

template <typename Decode, typename Encode>
void check_round_trip(std::string_view body, Decode decode, Encode encode) {
  auto request = decode(body);
  if (!request) {
    return;
  }
  auto again = decode(encode(*request));
  if (!again || !(*again == *request)) {
    __builtin_trap();
  }
}

// TokenFixture is a store with one issued token, made once per process.
struct TokenFixture {
  ensign::test::ScratchDirectory directory;
  std::unique_ptr<ensign::host::store::Store> store;
  std::string token;

  TokenFixture() {
    auto opened = ensign::host::store::Store::open(directory.path("state.db"),
                                                   ensign::host::store::OpenMode::kCreate);
    if (!opened) {
      __builtin_trap();
    }
    store = std::move(*opened);
    auto issued = ensign::host::auth::issue_token(*store, "fuzz", {"read"}, 1);
    if (!issued) {
      __builtin_trap();
    }
    auto view = issued->token.view();
    token.assign(reinterpret_cast<const char*>(view.data()), view.size());
  }
};

void check_inclusion_proof(std::string_view text) {
  auto proof = ensign::host::read_inclusion_proof_json(text);
  if (!proof) {
    return;
  }
  auto json = ensign::host::inclusion_proof_json(*proof);
  auto again = ensign::host::read_inclusion_proof_json(json.dump());
  if (!again || ensign::host::inclusion_proof_json(*again) != json) {
    __builtin_trap();
  }
}

// check_verify_request: a bundle holds no equality, so the check is on the encoding: a decoded
// request encodes to text that decodes and encodes to the same text.
void check_verify_request(std::string_view body) {
  auto request = ensign::formats::decode_verify_request(body);
  if (!request) {
    return;
  }
  std::string encoded = ensign::formats::encode_verify_request(*request);
  auto again = ensign::formats::decode_verify_request(encoded);
  if (!again || ensign::formats::encode_verify_request(*again) != encoded) {
    __builtin_trap();
  }
}

void check_token(std::string_view presented) {
  static TokenFixture fixture;
  auto record = ensign::host::auth::authenticate(*fixture.store, presented);
  if (record && presented != fixture.token) {
    __builtin_trap();  // a token other than the issued one was accepted
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > kMaxInputBytes) {
    return -1;
  }
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      check_round_trip(input, decode_sign_request, ensign::formats::encode_sign_request);
      break;
    case 1:
      check_round_trip(
          input, decode_create_key_request, ensign::formats::encode_create_key_request);
      break;
    case 2:
      static_cast<void>(ensign::formats::decode_query_integer(input, "fuzz", 1u << 31));
      break;
    case 3:
      check_token(input);
      break;
    case 4:
      check_inclusion_proof(input);
      break;
    default:
      check_verify_request(input);
      break;
  }
  return 0;
}
