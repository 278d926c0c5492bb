#include "host/enclave_client.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "crypto/aead.h"
#include "crypto/signature.h"
#include "host_fixture.h"

namespace ensign::host {
namespace {

namespace protocol = enclave::protocol;

using EnclaveClientTest = HostFixture;

protocol::SignRequest sign_request(const protocol::GenerateKeyReply& key, Bytes digest) {
  protocol::SignRequest request;
  request.key_id = "k";
  request.version = 1;
  request.sealed_key = key.sealed_key;
  request.data = std::move(digest);
  return request;
}

TEST_F(EnclaveClientTest, HelloDescribesTheSimEnclave) {
  const auto& hello = enclave_->hello();
  EXPECT_EQ(hello.platform, "sim");
  EXPECT_EQ(hello.measurement.size(), 48u);
  EXPECT_FALSE(hello.platform_key.empty());
  EXPECT_NE(hello.hardening & protocol::kHardenedSeccomp, 0u);
  EXPECT_NE(hello.hardening & protocol::kHardenedNotDumpable, 0u);
}

TEST_F(EnclaveClientTest, GeneratesAndSignsWithoutSeeingThePrivateKey) {
  auto key = enclave_->generate_key({"k", 1, crypto::KeyAlgorithm::kEcdsaP256});
  ASSERT_TRUE(key) << key.error().message();
  Bytes digest = crypto::random_bytes(32).value();
  auto reply = enclave_->sign(sign_request(*key, digest));
  ASSERT_TRUE(reply) << reply.error().message();
  auto public_key = crypto::public_key_from_der(key->public_key).value();
  EXPECT_TRUE(crypto::verify_digest(public_key.get(), crypto::KeyAlgorithm::kEcdsaP256, digest,
                                    reply->signature));
}

TEST_F(EnclaveClientTest, PipelinedRepliesComeBackInOrder) {
  auto key = enclave_->generate_key({"k", 1, crypto::KeyAlgorithm::kEcdsaP256}).value();
  std::vector<protocol::SignRequest> requests;
  std::vector<Bytes> digests;
  for (int i = 0; i < 40; ++i) {
    digests.push_back(crypto::random_bytes(32).value());
    requests.push_back(sign_request(key, digests.back()));
  }
  auto replies = enclave_->sign_pipelined(requests, 8);
  ASSERT_TRUE(replies) << replies.error().message();
  ASSERT_EQ(replies->size(), requests.size());
  auto public_key = crypto::public_key_from_der(key.public_key).value();
  for (std::size_t i = 0; i < digests.size(); ++i) {
    EXPECT_TRUE(crypto::verify_digest(public_key.get(), crypto::KeyAlgorithm::kEcdsaP256,
                                      digests[i], (*replies)[i].signature))
        << "reply " << i << " does not match its request";
  }
}

TEST_F(EnclaveClientTest, EnclaveErrorsArriveAsTypedErrors) {
  auto key = enclave_->generate_key({"k", 1, crypto::KeyAlgorithm::kEcdsaP256}).value();
  auto request = sign_request(key, crypto::random_bytes(32).value());
  request.sealed_key.back() ^= 1;
  auto reply = enclave_->sign(request);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(reply.error().message().find("enclave:"), std::string::npos);
  // The enclave is still serving.
  request.sealed_key.back() ^= 1;
  EXPECT_TRUE(enclave_->sign(request));
}

TEST_F(EnclaveClientTest, OversizedRequestIsRefusedBeforeSending) {
  auto key = enclave_->generate_key({"k", 1, crypto::KeyAlgorithm::kEd25519}).value();
  auto request = sign_request(key, Bytes(protocol::kMaxSignMessageSize + 1, 7));
  request.input = protocol::SignInput::kMessage;
  request.algorithm = crypto::KeyAlgorithm::kEd25519;
  auto reply = enclave_->sign(request);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), ErrorCode::kInvalidArgument);
  request.data.resize(1000);
  EXPECT_TRUE(enclave_->sign(request));
}

TEST_F(EnclaveClientTest, ADeadEnclaveIsReportedNotAwaited) {
  ASSERT_EQ(::kill(enclave_->pid(), SIGKILL), 0);
  auto reply = enclave_->generate_key({"k", 1, crypto::KeyAlgorithm::kEcdsaP256});
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(reply.error().message().find("signal 9"), std::string::npos) << reply.error().message();
}

TEST(EnclaveClientStartTest, MissingBinaryFailsClearly) {
  auto started = EnclaveClient::start({"/nonexistent/ensign-enclave", "/tmp", false, false, "sim", ""});
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(started.error().message().find("/nonexistent/ensign-enclave"), std::string::npos);
}

TEST(EnclaveClientStartTest, MissingRootReportsTheEnclavesReason) {
  test::ScratchDirectory empty;
  auto started = EnclaveClient::start({enclave_binary(), empty.root(), false, false, "sim", ""});
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(started.error().message().find("ensign-enclave: "), std::string::npos)
      << started.error().message();
  EXPECT_NE(started.error().message().find("run `ensign init`"), std::string::npos)
      << started.error().message();
}

TEST(DefaultEnclavePathTest, HonoursEnsignEnclave) {
  ::setenv("ENSIGN_ENCLAVE", enclave_binary().c_str(), 1);
  auto path = default_enclave_path();
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, enclave_binary());
  ::setenv("ENSIGN_ENCLAVE", "/nonexistent/enclave", 1);
  EXPECT_FALSE(default_enclave_path());
  ::unsetenv("ENSIGN_ENCLAVE");
}

}  // namespace
}  // namespace ensign::host
