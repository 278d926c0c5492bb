// Tests of src/formats/bundle.cpp: Sigstore bundle v0.3 JSON, DSSE PAE, digest names.
#include "formats/bundle.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "formats_fixture.h"

namespace ensign::formats {
namespace {

using nlohmann::json;
using testing::must;

constexpr char kLegacyMediaType[] = "application/vnd.dev.sigstore.bundle+json;version=0.3";

Bundle sample_message_bundle() {
  MessageSignature message;
  message.digest_algorithm = crypto::HashAlgorithm::kSha384;
  message.digest = crypto::sha384(as_bytes("artifact"));
  message.signature = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02};
  return Bundle{"hint-1", std::move(message), std::nullopt, {}};
}

Bundle sample_dsse_bundle() {
  DsseEnvelope envelope;
  envelope.payload_type = kIntotoPayloadType;
  envelope.payload = to_bytes(R"({"_type":"https://in-toto.io/Statement/v1"})");
  envelope.keyid = "key-2";
  envelope.signature = Bytes(64, 0xab);
  return Bundle{"hint-2", std::move(envelope), KeyAttestation{"sim", {1, 2, 3, 4, 5}}, {}};
}

void expect_same(const Bundle& expected, const Bundle& actual) {
  EXPECT_EQ(expected.public_key_hint, actual.public_key_hint);
  ASSERT_EQ(expected.content.index(), actual.content.index());
  if (const auto* message = std::get_if<MessageSignature>(&expected.content)) {
    const auto& other = std::get<MessageSignature>(actual.content);
    EXPECT_EQ(message->digest_algorithm, other.digest_algorithm);
    EXPECT_EQ(message->digest, other.digest);
    EXPECT_EQ(message->signature, other.signature);
  } else {
    const auto& envelope = std::get<DsseEnvelope>(expected.content);
    const auto& other = std::get<DsseEnvelope>(actual.content);
    EXPECT_EQ(envelope.payload_type, other.payload_type);
    EXPECT_EQ(envelope.payload, other.payload);
    EXPECT_EQ(envelope.keyid, other.keyid);
    EXPECT_EQ(envelope.signature, other.signature);
  }
  ASSERT_EQ(expected.key_attestation.has_value(), actual.key_attestation.has_value());
  if (expected.key_attestation) {
    EXPECT_EQ(expected.key_attestation->platform, actual.key_attestation->platform);
    EXPECT_EQ(expected.key_attestation->evidence, actual.key_attestation->evidence);
  }
}

Result<Bundle> parse_text(const std::string& text) {
  return parse_bundle(as_bytes(text));
}

// --- positive cases ---

TEST(BundleTest, MessageSignatureRoundTrips) {
  Bundle bundle = sample_message_bundle();
  expect_same(bundle, must(parse_text(bundle_to_json(bundle))));
}

TEST(BundleTest, DsseEnvelopeWithKeyAttestationRoundTrips) {
  Bundle bundle = sample_dsse_bundle();
  expect_same(bundle, must(parse_text(bundle_to_json(bundle))));
}

TEST(BundleTest, JsonHasTheSigstoreShape) {
  json document = json::parse(bundle_to_json(sample_dsse_bundle()));
  EXPECT_EQ(document["mediaType"], kBundleMediaType);
  EXPECT_EQ(document["verificationMaterial"]["publicKey"]["hint"], "hint-2");
  EXPECT_EQ(document["verificationMaterial"]["tlogEntries"], json::array());
  EXPECT_EQ(document["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"],
            json::array());
  EXPECT_EQ(document["dsseEnvelope"]["signatures"][0]["sig"], base64_encode(Bytes(64, 0xab)));
  EXPECT_EQ(document["dsseEnvelope"]["signatures"][0]["keyid"], "key-2");
  EXPECT_EQ(document["ensignKeyAttestation"]["evidence"], "AQIDBAU=");  // standard, padded
  EXPECT_EQ(json::parse(bundle_to_json(
                sample_message_bundle()))["messageSignature"]["messageDigest"]["algorithm"],
            "SHA2_384");
}

TEST(BundleTest, JsonIsIndentedAndEndsInNewline) {
  std::string text = bundle_to_json(sample_message_bundle());
  EXPECT_EQ(text.rfind("{\n  \"mediaType\"", 0), 0u);
  EXPECT_EQ(text.back(), '\n');
}

TEST(BundleTest, AcceptsTheLegacyMediaType) {
  json document = json::parse(bundle_to_json(sample_message_bundle()));
  document["mediaType"] = kLegacyMediaType;
  EXPECT_TRUE(parse_text(document.dump()));
}

TEST(BundleTest, AcceptsAbsentOrNullLogAndTimestampMembers) {
  json document = json::parse(bundle_to_json(sample_message_bundle()));
  document["verificationMaterial"].erase("tlogEntries");
  document["verificationMaterial"]["timestampVerificationData"] = json::object();
  EXPECT_TRUE(parse_text(document.dump()));
  document["verificationMaterial"].erase("timestampVerificationData");
  document["verificationMaterial"]["tlogEntries"] = nullptr;
  EXPECT_TRUE(parse_text(document.dump()));
}

TEST(BundleTest, AcceptsAnEmptyDssePayloadAndNoKeyid) {
  json document = json::parse(bundle_to_json(sample_dsse_bundle()));
  document["dsseEnvelope"]["payload"] = "";
  document["dsseEnvelope"]["signatures"][0].erase("keyid");
  auto bundle = must(parse_text(document.dump()));
  EXPECT_TRUE(std::get<DsseEnvelope>(bundle.content).payload.empty());
  EXPECT_TRUE(std::get<DsseEnvelope>(bundle.content).keyid.empty());
}

TEST(BundleTest, AcceptsUrlSafeUnpaddedBase64AsProtobufJsonDoes) {
  json document = json::parse(bundle_to_json(sample_dsse_bundle()));
  document["dsseEnvelope"]["signatures"][0]["sig"] = base64url_encode(Bytes(64, 0xfb));
  auto bundle = must(parse_text(document.dump()));
  EXPECT_EQ(std::get<DsseEnvelope>(bundle.content).signature, Bytes(64, 0xfb));
}

// dsse_pae known answers. The first is the DSSE specification's example; the others were made by
// the recipe's shell construction (RECIPES.md section b):
//   { printf 'DSSEv1 %d %s %d ' ${#PT} "$PT" $(stat -c %s payload); cat payload; }
TEST(BundleTest, DssePaeMatchesKnownAnswers) {
  EXPECT_EQ(as_string(dsse_pae("http://example.com/HelloWorld", as_bytes("hello world"))),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  EXPECT_EQ(as_string(dsse_pae(kIntotoPayloadType,
                               as_bytes(R"({"_type":"https://in-toto.io/Statement/v1"})"))),
            "DSSEv1 28 application/vnd.in-toto+json 43 "
            R"({"_type":"https://in-toto.io/Statement/v1"})");
  // Lengths count bytes, not characters: "h\xc3\xa9llo" is 6 bytes.
  EXPECT_EQ(hex_encode(dsse_pae("text/plain", as_bytes("h\xc3\xa9llo"))),
            "44535345763120313020746578742f706c61696e20362068c3a96c6c6f");
  EXPECT_EQ(as_string(dsse_pae("t", {})), "DSSEv1 1 t 0 ");
}

TEST(BundleTest, DssePaeMatchesTheRecipeShellConstruction) {
  testing::ScratchDirectory scratch;
  Bytes payload = to_bytes("{\"a\":\"\xc3\xa9\"}\n");
  payload.push_back(0);
  std::string payload_path = scratch.write("payload", payload);
  auto shell = testing::run_command(
      "PT=" + testing::shell_quote(kIntotoPayloadType) + "; { printf 'DSSEv1 %d %s %d ' ${#PT} " +
      "\"$PT\" $(stat -c %s " + testing::shell_quote(payload_path) + "); cat " +
      testing::shell_quote(payload_path) + "; } | od -An -v -tx1 | tr -d ' \\n'");
  ASSERT_EQ(shell.exit_code, 0) << shell.output;
  EXPECT_EQ(shell.output, hex_encode(dsse_pae(kIntotoPayloadType, payload)));
}

TEST(BundleTest, NamesDigestAlgorithmsAsSigstoreDoes) {
  EXPECT_EQ(digest_algorithm_name(crypto::HashAlgorithm::kSha256), "SHA2_256");
  EXPECT_EQ(digest_algorithm_name(crypto::HashAlgorithm::kSha384), "SHA2_384");
  EXPECT_EQ(digest_algorithm_name(crypto::HashAlgorithm::kSha512), "SHA2_512");
}

TEST(BundleTest, PicksTheMessageDigestAlgorithmOfEachKeyAlgorithm) {
  EXPECT_EQ(message_digest_algorithm(crypto::KeyAlgorithm::kEcdsaP256),
            crypto::HashAlgorithm::kSha256);
  EXPECT_EQ(message_digest_algorithm(crypto::KeyAlgorithm::kEcdsaP384),
            crypto::HashAlgorithm::kSha384);
  EXPECT_EQ(message_digest_algorithm(crypto::KeyAlgorithm::kEd25519),
            crypto::HashAlgorithm::kSha256);
}

// --- refusals: each case changes a valid bundle and names the words the error must contain ---

struct Refusal {
  std::string name;
  std::function<void(json&)> change;  // applied to a valid bundle's JSON
  std::string expected_message;       // a part of the error message
  bool dsse = false;                  // start from the DSSE bundle instead of messageSignature
};

std::ostream& operator<<(std::ostream& out, const Refusal& refusal) {
  return out << refusal.name;
}

class BundleRefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(BundleRefusalTest, IsRefusedWithAClearMessage) {
  const Refusal& refusal = GetParam();
  json document =
      json::parse(bundle_to_json(refusal.dsse ? sample_dsse_bundle() : sample_message_bundle()));
  refusal.change(document);
  auto parsed = parse_text(document.dump());
  ASSERT_FALSE(parsed) << "accepted: " << document.dump();
  EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(parsed.error().message().find(refusal.expected_message), std::string::npos)
      << parsed.error().message();
  EXPECT_EQ(parsed.error().message().find('\n'), std::string::npos);
}

const Refusal kRefusals[] = {
    {"OtherMediaType",
     [](json& document) {
       document["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.2+json";
     },
     "bundle.mediaType: unsupported media type \"application/vnd.dev.sigstore.bundle.v0.2+json\""},
    {"MissingMediaType",
     [](json& document) { document.erase("mediaType"); },
     "bundle.mediaType: missing"},
    {"MediaTypeNotAString",
     [](json& document) { document["mediaType"] = 3; },
     "bundle.mediaType: expected a string, found a number"},
    {"CertificateMaterial",
     [](json& document) {
       document["verificationMaterial"]["certificate"] = {{"rawBytes", "AAAA"}};
     },
     "bundle.verificationMaterial.certificate: not supported: ensign bundles use a public key"},
    {"CertificateChainMaterial",
     [](json& document) {
       document["verificationMaterial"].erase("publicKey");
       document["verificationMaterial"]["x509CertificateChain"] = {{"certificates", json::array()}};
     },
     "x509CertificateChain: not supported: ensign bundles use a public key"},
    {"MissingVerificationMaterial",
     [](json& document) { document.erase("verificationMaterial"); },
     "bundle.verificationMaterial: missing"},
    {"MissingPublicKey",
     [](json& document) { document["verificationMaterial"].erase("publicKey"); },
     "bundle.verificationMaterial.publicKey: missing"},
    {"EmptyHint",
     [](json& document) { document["verificationMaterial"]["publicKey"]["hint"] = ""; },
     "bundle.verificationMaterial.publicKey.hint: is empty"},
    {"TlogEntryWithoutALogIndex",
     [](json& document) {
       document["verificationMaterial"]["tlogEntries"] = json::array({json::object()});
     },
     "bundle.verificationMaterial.tlogEntries[0].logIndex: missing"},
    {"TlogEntriesNotAnArray",
     [](json& document) { document["verificationMaterial"]["tlogEntries"] = "x"; },
     "tlogEntries: expected an array, found a string"},
    {"Rfc3161Timestamps",
     [](json& document) {
       document["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"] =
           json::array({{{"signedTimestamp", "AAAA"}}});
     },
     "rfc3161Timestamps: not supported"},
    {"BothContents",
     [](json& document) {
       document["dsseEnvelope"] = json::parse(bundle_to_json(sample_dsse_bundle()))["dsseEnvelope"];
     },
     "bundle: needs exactly one of messageSignature and dsseEnvelope"},
    {"NoContent",
     [](json& document) { document.erase("messageSignature"); },
     "bundle: needs exactly one of messageSignature and dsseEnvelope"},
    {"UnknownDigestAlgorithm",
     [](json& document) {
       document["messageSignature"]["messageDigest"]["algorithm"] = "SHA3_256";
     },
     "unsupported digest algorithm \"SHA3_256\""},
    {"UnspecifiedDigestAlgorithm",
     [](json& document) {
       document["messageSignature"]["messageDigest"]["algorithm"] = "HASH_ALGORITHM_UNSPECIFIED";
     },
     "unsupported digest algorithm"},
    {"DigestLengthMismatch",
     [](json& document) {
       document["messageSignature"]["messageDigest"]["digest"] = base64_encode(Bytes(32, 1));
     },
     "bundle.messageSignature.messageDigest.digest: is 32 bytes, SHA2_384 needs 48"},
    {"DigestNotBase64",
     [](json& document) {
       document["messageSignature"]["messageDigest"]["digest"] = "not base64!";
     },
     "bundle.messageSignature.messageDigest.digest: base64"},
    {"MissingMessageDigest",
     [](json& document) { document["messageSignature"].erase("messageDigest"); },
     "bundle.messageSignature.messageDigest: missing"},
    {"SignatureNotBase64",
     [](json& document) { document["messageSignature"]["signature"] = "@@@@"; },
     "bundle.messageSignature.signature: base64"},
    {"EmptySignature",
     [](json& document) { document["messageSignature"]["signature"] = ""; },
     "bundle.messageSignature.signature: is empty"},
    {"TwoDsseSignatures",
     [](json& document) {
       document["dsseEnvelope"]["signatures"].push_back(document["dsseEnvelope"]["signatures"][0]);
     },
     "bundle.dsseEnvelope.signatures: expected exactly one signature, found 2",
     true},
    {"NoDsseSignature",
     [](json& document) { document["dsseEnvelope"]["signatures"] = json::array(); },
     "expected exactly one signature, found 0",
     true},
    {"DsseSignatureWithoutSig",
     [](json& document) { document["dsseEnvelope"]["signatures"][0].erase("sig"); },
     "bundle.dsseEnvelope.signatures[0].sig: missing",
     true},
    {"DssePayloadNotBase64",
     [](json& document) { document["dsseEnvelope"]["payload"] = "a"; },
     "bundle.dsseEnvelope.payload: base64",
     true},
    {"DsseWithoutPayloadType",
     [](json& document) { document["dsseEnvelope"].erase("payloadType"); },
     "bundle.dsseEnvelope.payloadType: missing",
     true},
    {"DsseSignaturesNotAnArray",
     [](json& document) { document["dsseEnvelope"]["signatures"] = json::object(); },
     "bundle.dsseEnvelope.signatures: expected an array, found an object",
     true},
    {"UnknownTopLevelMember",
     [](json& document) { document["extra"] = 1; },
     "bundle: unknown member \"extra\""},
    {"UnknownNestedMember",
     [](json& document) { document["messageSignature"]["messageDigest"]["x"] = 1; },
     "bundle.messageSignature.messageDigest: unknown member \"x\""},
    {"AttestationWithoutEvidence",
     [](json& document) { document["ensignKeyAttestation"].erase("evidence"); },
     "bundle.ensignKeyAttestation.evidence: missing",
     true},
    {"AttestationNotAnObject",
     [](json& document) { document["ensignKeyAttestation"] = "sim"; },
     "bundle.ensignKeyAttestation: expected an object, found a string",
     true},
    {"TopLevelNotAnObject",
     [](json& document) { document = json::array({1}); },
     "bundle: expected an object, found an array"},
};

INSTANTIATE_TEST_SUITE_P(Refusals,
                         BundleRefusalTest,
                         ::testing::ValuesIn(kRefusals),
                         [](const auto& test_info) { return test_info.param.name; });

TEST(BundleTest, RefusesTextThatIsNotJson) {
  auto parsed = parse_text("{\"mediaType\": ");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("bundle: not valid JSON"), std::string::npos);
}

TEST(BundleTest, RefusesABundleLargerThanTheLimit) {
  std::string text = bundle_to_json(sample_message_bundle());
  text.insert(text.size() - 2, kMaxBundleSize, ' ');
  auto parsed = parse_text(text);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("more than the limit"), std::string::npos);
}

TEST(BundleTest, RefusesADssePayloadLargerThanTheLimit) {
  Bundle bundle = sample_dsse_bundle();
  std::get<DsseEnvelope>(bundle.content).payload = Bytes(kMaxDssePayloadSize + 1, 'x');
  std::string text = bundle_to_json(bundle);
  ASSERT_LE(text.size(), kMaxBundleSize);
  auto parsed = parse_text(text);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("bundle.dsseEnvelope.payload: is 4194305 bytes"),
            std::string::npos)
      << parsed.error().message();
}

TEST(BundleTest, RefusesDeepNestingWithoutExhaustingTheStack) {
  std::string text = "{\"extra\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto parsed = parse_text(text);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("nested deeper than"), std::string::npos);
}

TEST(BundleTest, RefusesARepeatedMember) {
  std::string text = bundle_to_json(sample_message_bundle());
  text.insert(1, "\"mediaType\": \"" + std::string(kBundleMediaType) + "\",");
  auto parsed = parse_text(text);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("member \"mediaType\" appears twice"), std::string::npos);
}

}  // namespace
}  // namespace ensign::formats
