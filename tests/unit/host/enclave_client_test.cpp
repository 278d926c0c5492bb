#include "host/enclave_client.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "crypto/aead.h"
#include "crypto/signature.h"
#include "host_fixture.h"
#include "support/logged_signing.h"

namespace ensign::host {
namespace {

namespace protocol = enclave::protocol;

class EnclaveClientTest : public HostFixture {
 protected:
  test::TestLog create_log() {
    auto created = enclave_->create_log({"ensign.test/log"});
    EXPECT_TRUE(created) << created.error().message();
    return test::TestLog(created ? *created : protocol::CreateLogReply{});
  }
};

protocol::SignItem digest_item(const protocol::GenerateKeyReply& key, Bytes digest) {
  return test::sign_item(key, crypto::KeyAlgorithm::kEcdsaP256, protocol::SignInput::kDigest,
                         std::move(digest), "k");
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
  auto log = create_log();
  Bytes digest = crypto::random_bytes(32).value();
  auto reply = enclave_->sign(log.request({digest_item(*key, digest)}));
  ASSERT_TRUE(reply) << reply.error().message();
  ASSERT_EQ(reply->items.size(), 1u);
  EXPECT_EQ(reply->first_index, 0u);
  auto public_key = crypto::public_key_from_der(key->public_key).value();
  EXPECT_TRUE(crypto::verify_digest(public_key.get(), crypto::KeyAlgorithm::kEcdsaP256, digest,
                                    reply->items[0].signature));
}

TEST_F(EnclaveClientTest, BatchRepliesComeBackInOrder) {
  auto key = enclave_->generate_key({"k", 1, crypto::KeyAlgorithm::kEcdsaP256}).value();
  auto log = create_log();
  std::vector<protocol::SignItem> items;
  std::vector<Bytes> digests;
  for (std::size_t i = 0; i < protocol::kMaxSignBatchSize; ++i) {
    digests.push_back(crypto::random_bytes(32).value());
    items.push_back(digest_item(key, digests.back()));
  }
  auto reply = enclave_->sign(log.request(items));
  ASSERT_TRUE(reply) << reply.error().message();
  ASSERT_EQ(reply->items.size(), items.size());
  auto public_key = crypto::public_key_from_der(key.public_key).value();
  for (std::size_t i = 0; i < digests.size(); ++i) {
    EXPECT_TRUE(crypto::verify_digest(public_key.get(), crypto::KeyAlgorithm::kEcdsaP256,
                                      digests[i], reply->items[i].signature))
        << "item " << i << " does not match its request";
  }
  log.advance(*reply);
  auto next = enclave_->sign(log.request({digest_item(key, digests[0])}));
  ASSERT_TRUE(next) << next.error().message();
  EXPECT_EQ(next->first_index, protocol::kMaxSignBatchSize);
}

TEST_F(EnclaveClientTest, EnclaveErrorsArriveAsTypedErrors) {
  auto key = enclave_->generate_key({"k", 1, crypto::KeyAlgorithm::kEcdsaP256}).value();
  auto log = create_log();
  auto item = digest_item(key, crypto::random_bytes(32).value());
  item.sealed_key.back() ^= 1;
  auto reply = enclave_->sign(log.request({item}));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(reply.error().message().find("enclave:"), std::string::npos);
  // The enclave is still serving, and the failed batch logged nothing.
  item.sealed_key.back() ^= 1;
  auto signed_reply = enclave_->sign(log.request({item}));
  ASSERT_TRUE(signed_reply) << signed_reply.error().message();
  EXPECT_EQ(signed_reply->first_index, 0u);
}

TEST_F(EnclaveClientTest, OversizedRequestIsRefusedBeforeSending) {
  auto key = enclave_->generate_key({"k", 1, crypto::KeyAlgorithm::kEd25519}).value();
  auto log = create_log();
  auto item = test::sign_item(key, crypto::KeyAlgorithm::kEd25519, protocol::SignInput::kMessage,
                              Bytes(protocol::kMaxSignMessageSize + 1, 7), "k");
  auto reply = enclave_->sign(log.request({item}));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), ErrorCode::kInvalidArgument);
  item.data.resize(1000);
  EXPECT_TRUE(enclave_->sign(log.request({item})));
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
