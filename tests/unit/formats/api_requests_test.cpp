// Tests of src/formats/api_requests.cpp: ensignd's request bodies and query integers.
#include "formats/api_requests.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "formats_fixture.h"

namespace ensign::formats {
namespace {

using Input = SignRequest::Input;
using testing::must;

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

// bundle_text is a DSSE bundle of a fresh P-256 key, as a verify body carries it.
std::string bundle_text() {
  testing::TestKey key = testing::make_key(crypto::KeyAlgorithm::kEcdsaP256);
  return bundle_to_json(testing::dsse_bundle(key, "text/plain", to_bytes("hi")));
}

TEST(VerifyRequestTest, DecodesTheBundleWithOrWithoutTheArtifact) {
  std::string bundle = bundle_text();
  auto alone = decode_verify_request(R"({"bundle":)" + bundle + "}");
  ASSERT_TRUE(alone) << error_of(alone);
  EXPECT_EQ(alone->artifact, VerifyRequest::Artifact::kNone);
  EXPECT_FALSE(alone->require_attestation);
  EXPECT_TRUE(std::holds_alternative<DsseEnvelope>(alone->bundle.content));

  auto digest = decode_verify_request(R"({"bundle":)" + bundle +
                                      R"(,"digest":"AAEC","measurement":"ab01"})");
  ASSERT_TRUE(digest) << error_of(digest);
  EXPECT_EQ(digest->artifact, VerifyRequest::Artifact::kDigest);
  EXPECT_EQ(digest->data, (Bytes{0, 1, 2}));
  EXPECT_EQ(digest->measurement, (Bytes{0xab, 0x01}));

  auto message = decode_verify_request(R"({"bundle":)" + bundle +
                                       R"(,"message":"","requireAttestation":true})");
  ASSERT_TRUE(message) << error_of(message);
  EXPECT_EQ(message->artifact, VerifyRequest::Artifact::kMessage);
  EXPECT_TRUE(message->data.empty());
  EXPECT_TRUE(message->require_attestation);
}

TEST(VerifyRequestTest, RefusesMalformedRequests) {
  std::string bundle = bundle_text();
  for (const std::string& body :
       {std::string("{}"),                                            // no bundle
        R"({"bundle":)" + bundle + R"(,"digest":"AA==","message":"AA=="})",  // two artifacts
        R"({"bundle":)" + bundle + R"(,"extra":1})",                  // unknown member
        R"({"bundle":)" + bundle + R"(,"measurement":"xyz"})",        // not hex
        R"({"bundle":)" + bundle + R"(,"requireAttestation":1})",     // wrong type
        std::string(R"({"bundle":{"mediaType":"x"}})"),               // no usable bundle
        std::string(R"({"bundle":[]})")}) {
    auto request = decode_verify_request(body);
    ASSERT_FALSE(request) << body;
    EXPECT_EQ(request.error().code(), ErrorCode::kInvalidArgument) << body;
  }
  auto bad_bundle = decode_verify_request(R"({"bundle":{"mediaType":"x"}})");
  EXPECT_NE(error_of(bad_bundle).find("request.bundle.mediaType"), std::string::npos)
      << error_of(bad_bundle);
}

TEST(VerifyRequestTest, EncodingDecodesToTheSameRequest) {
  testing::TestKey key = testing::make_key(crypto::KeyAlgorithm::kEd25519);
  VerifyRequest request;
  request.bundle = testing::message_signature_bundle(key, to_bytes("artifact"));
  request.artifact = VerifyRequest::Artifact::kMessage;
  request.data = to_bytes("artifact");
  request.require_attestation = true;
  request.measurement = Bytes{1, 2, 3};
  std::string encoded = encode_verify_request(request);
  auto again = decode_verify_request(encoded);
  ASSERT_TRUE(again) << error_of(again);
  EXPECT_EQ(again->artifact, request.artifact);
  EXPECT_EQ(again->data, request.data);
  EXPECT_EQ(again->measurement, request.measurement);
  EXPECT_EQ(bundle_to_json(again->bundle), bundle_to_json(request.bundle));
  EXPECT_EQ(encode_verify_request(*again), encoded);
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
