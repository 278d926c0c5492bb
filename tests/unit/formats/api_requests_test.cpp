// Tests of src/formats/api_requests.cpp: ensignd's request bodies and query integers.
#include "formats/api_requests.h"

#include <gtest/gtest.h>

#include <string>

namespace ensign::formats {
namespace {

using Input = SignRequest::Input;

template <typename T>
std::string error_of(const Result<T>& result) {
  return result ? std::string("(no error)") : result.error().message();
}

TEST(SignRequestTest, DecodesEachInput) {
  auto digest = decode_sign_request(R"({"digest":"AAEC"})");
  ASSERT_TRUE(digest) << error_of(digest);
  EXPECT_EQ(digest->input, Input::kDigest);
  EXPECT_EQ(digest->data, (Bytes{0, 1, 2}));
  EXPECT_TRUE(digest->key_attestation);

  auto message = decode_sign_request(R"({"message":"","keyAttestation":false})");
  ASSERT_TRUE(message) << error_of(message);
  EXPECT_EQ(message->input, Input::kMessage);
  EXPECT_TRUE(message->data.empty());
  EXPECT_FALSE(message->key_attestation);

  auto dsse = decode_sign_request(R"({"dsse":{"payloadType":"text/plain","payload":"aGk"}})");
  ASSERT_TRUE(dsse) << error_of(dsse);
  EXPECT_EQ(dsse->input, Input::kDsse);
  EXPECT_EQ(dsse->payload_type, "text/plain");
  EXPECT_EQ(dsse->data, to_bytes("hi"));
}

TEST(SignRequestTest, RefusesAnythingButExactlyOneInput) {
  EXPECT_NE(error_of(decode_sign_request("{}")).find("exactly one"), std::string::npos);
  EXPECT_NE(
      error_of(decode_sign_request(R"({"digest":"AA==","message":"AA=="})")).find("exactly one"),
      std::string::npos);
}

TEST(SignRequestTest, RefusesMalformedMembers) {
  for (const char* body : {R"({"digest":"AA==","extra":1})",  // unknown member
                           R"({"digest":""})",                // an empty digest
                           R"({"digest":"not base64!"})",     // bad encoding
                           R"({"digest":7})",                 // wrong type
                           R"({"digest":"AA==","keyAttestation":"no"})",
                           R"({"dsse":{"payload":"AA=="}})",  // no payloadType
                           R"({"dsse":{"payloadType":"t","payload":"AA==","x":1}})",
                           R"([])",
                           "not json",
                           ""}) {
    auto request = decode_sign_request(body);
    ASSERT_FALSE(request) << body;
    EXPECT_EQ(request.error().code(), ErrorCode::kInvalidArgument) << body;
  }
}

TEST(SignRequestTest, RefusesABodyOverTheBound) {
  std::string body = R"({"message":")" + std::string(kMaxSignRequestSize, 'A') + R"("})";
  auto request = decode_sign_request(body);
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().code(), ErrorCode::kInvalidArgument);
}

TEST(SignRequestTest, EncodingDecodesToTheSameRequest) {
  SignRequest request;
  request.input = Input::kDsse;
  request.payload_type = "application/vnd.in-toto+json";
  request.data = to_bytes(R"({"_type":"https://in-toto.io/Statement/v1"})");
  request.key_attestation = false;
  auto again = decode_sign_request(encode_sign_request(request));
  ASSERT_TRUE(again) << error_of(again);
  EXPECT_EQ(*again, request);
}

TEST(CreateKeyRequestTest, DefaultsToP256AndRoundTrips) {
  auto request = decode_create_key_request(R"({"name":"release"})");
  ASSERT_TRUE(request) << error_of(request);
  EXPECT_EQ(request->name, "release");
  EXPECT_EQ(request->algorithm, crypto::KeyAlgorithm::kEcdsaP256);

  CreateKeyRequest ed{"build", crypto::KeyAlgorithm::kEd25519};
  auto again = decode_create_key_request(encode_create_key_request(ed));
  ASSERT_TRUE(again) << error_of(again);
  EXPECT_EQ(*again, ed);
}

TEST(CreateKeyRequestTest, RefusesUnknownAlgorithmsMembersAndLargeBodies) {
  EXPECT_FALSE(decode_create_key_request(R"({"name":"k","algorithm":"rsa-1024"})"));
  EXPECT_FALSE(decode_create_key_request(R"({"name":"k","owner":"me"})"));
  EXPECT_FALSE(decode_create_key_request(R"({"algorithm":"ed25519"})"));
  std::string large = R"({"name":")" + std::string(kMaxCreateKeyRequestSize, 'k') + R"("})";
  EXPECT_FALSE(decode_create_key_request(large));
}

TEST(QueryIntegerTest, AcceptsDecimalsInRangeOnly) {
  auto zero = decode_query_integer("0", "start", 10);
  ASSERT_TRUE(zero) << error_of(zero);
  EXPECT_EQ(*zero, 0u);
  auto largest = decode_query_integer("10", "start", 10);
  ASSERT_TRUE(largest) << error_of(largest);
  EXPECT_EQ(*largest, 10u);
  for (const char* text :
       {"", "11", "-1", "+1", " 1", "1 ", "0x1", "1e3", "18446744073709551616"}) {
    auto value = decode_query_integer(text, "start", 10);
    ASSERT_FALSE(value) << text;
    EXPECT_NE(value.error().message().find("start"), std::string::npos);
  }
}

}  // namespace
}  // namespace ensign::formats
