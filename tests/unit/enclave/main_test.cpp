// Tests of src/enclave/main.cpp: the real build/bin/ensign-enclave, started on a socketpair as
// launch.h says, fed good and hostile frames; its hardening, exit codes and start-up failures.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <random>
#include <sstream>

#include "crypto/hash.h"
#include "crypto/signature.h"
#include "enclave/protocol/launch.h"
#include "support/enclave_process.h"
#include "support/logged_signing.h"
#include "support/scratch_directory.h"
#include "tee/sim/measurement.h"
#include "tee/sim/report.h"
#include "tee/sim/root.h"

namespace ensign::enclave {
namespace {

using crypto::KeyAlgorithm;
using protocol::Envelope;
using test::EnclaveOptions;
using test::EnclaveProcess;

constexpr std::uint32_t kAllHardening = protocol::kHardenedNotDumpable |
                                        protocol::kHardenedSeccomp | protocol::kHardenedSecureHeap |
                                        protocol::kHardenedNoNewPrivileges;

std::string proc_status(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/status");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

Bytes body_of(const Bytes& frame) {
  return Bytes(frame.begin() + 4, frame.end());
}

Bytes header(std::uint16_t version, std::uint16_t type, std::uint32_t request_id) {
  Bytes frame = protocol::encode_frame(request_id, protocol::HelloRequest{}).value();
  Bytes body = body_of(frame);
  body[0] = static_cast<std::uint8_t>(version >> 8);
  body[1] = static_cast<std::uint8_t>(version);
  body[2] = static_cast<std::uint8_t>(type >> 8);
  body[3] = static_cast<std::uint8_t>(type);
  return body;
}

class EnclaveProcessTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }

  void TearDown() override {
    if (!enclave_) {
      return;
    }
    enclave_->close_channel();
    auto status = enclave_->wait_for_exit(std::chrono::seconds(30));
    ASSERT_TRUE(status.has_value()) << status.error().message();
    EXPECT_TRUE(WIFEXITED(*status))
        << "enclave ended by signal " << (WIFSIGNALED(*status) ? WTERMSIG(*status) : 0);
    EXPECT_EQ(WEXITSTATUS(*status), 0);
  }

  void start(bool verbose = false) {
    if (enclave_) {
      enclave_->close_channel();
      ASSERT_TRUE(enclave_->wait_for_exit(std::chrono::seconds(30)).has_value());
    }
    EnclaveOptions options;
    options.state_dir = directory_.root();
    options.verbose = verbose;
    auto started = EnclaveProcess::start(options);
    ASSERT_TRUE(started.has_value()) << started.error().message();
    enclave_.emplace(std::move(started).value());
  }

  Envelope call(std::uint32_t request_id, const protocol::Message& request) {
    auto reply = enclave_->call(request_id, request);
    EXPECT_TRUE(reply.has_value()) << reply.error().message();
    return reply ? std::move(reply).value() : Envelope{};
  }

  // expect_hello checks that the enclave still answers a HelloRequest.
  protocol::HelloReply expect_hello(std::uint32_t request_id) {
    auto reply = call(request_id, protocol::HelloRequest{});
    EXPECT_EQ(reply.request_id, request_id);
    const auto* hello = std::get_if<protocol::HelloReply>(&reply.message);
    EXPECT_NE(hello, nullptr) << "no HelloReply to request " << request_id;
    return hello != nullptr ? *hello : protocol::HelloReply{};
  }

  // expect_error_reply reads the next reply and checks it is an ErrorReply.
  void expect_error_reply(std::uint32_t request_id, ErrorCode code) {
    auto reply = enclave_->receive();
    ASSERT_TRUE(reply.has_value()) << reply.error().message();
    EXPECT_EQ(reply->request_id, request_id);
    const auto* error = std::get_if<protocol::ErrorReply>(&reply->message);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->code, code) << error->message;
  }

  void send_body(ByteView body) { ASSERT_TRUE(enclave_->send_raw(test::frame_of(body))); }

  // create_log makes a log for the test's Sign requests.
  test::TestLog create_log(std::uint32_t request_id) {
    auto reply = call(request_id, protocol::CreateLogRequest{"ensign.test/log"});
    const auto* created = std::get_if<protocol::CreateLogReply>(&reply.message);
    EXPECT_NE(created, nullptr) << "no CreateLogReply";
    return test::TestLog(created != nullptr ? *created : protocol::CreateLogReply{});
  }

  // sign_one signs `item` as a batch of one in `log` and returns the signature (empty on error).
  Bytes sign_one(std::uint32_t request_id, test::TestLog& log, protocol::SignItem item) {
    auto reply = call(request_id, log.request({std::move(item)}));
    const auto* signed_reply = std::get_if<protocol::SignReply>(&reply.message);
    EXPECT_NE(signed_reply, nullptr) << "no SignReply to request " << request_id;
    if (signed_reply == nullptr || signed_reply->items.size() != 1) {
      return {};
    }
    log.advance(*signed_reply);
    return signed_reply->items[0].signature;
  }

  test::ScratchDirectory directory_;
  std::optional<EnclaveProcess> enclave_;
};

TEST_F(EnclaveProcessTest, HelloReportsTheSimIdentityAndHardening) {
  auto hello = expect_hello(1);
  EXPECT_EQ(hello.platform, "sim");
  EXPECT_EQ(hello.measurement, tee::sim::measure_file(EnclaveOptions{}.binary).value());
  auto root = tee::sim::load_sim_root(directory_.path(protocol::kSimRootFileName));
  ASSERT_TRUE(root.has_value()) << root.error().message();
  EXPECT_EQ(hello.platform_key, crypto::public_key_to_der(root->get()).value());
  EXPECT_FALSE(hello.enclave_version.empty());
  EXPECT_EQ(hello.hardening, kAllHardening);
}

TEST_F(EnclaveProcessTest, RootFileIsCreatedWithMode0600) {
  expect_hello(1);
  struct stat info {};
  ASSERT_EQ(::stat(directory_.path(protocol::kSimRootFileName).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
}

TEST_F(EnclaveProcessTest, ProcessRunsUnderSeccompWithNoNewPrivileges) {
  expect_hello(1);  // the filter is on before the first reply
  std::string status = proc_status(enclave_->pid());
  EXPECT_NE(status.find("Seccomp:\t2\n"), std::string::npos) << status;
  EXPECT_NE(status.find("NoNewPrivs:\t1\n"), std::string::npos) << status;
}

TEST_F(EnclaveProcessTest, GeneratesSignsAndAttests) {
  for (KeyAlgorithm algorithm :
       {KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kEcdsaP384, KeyAlgorithm::kEd25519}) {
    auto generate_reply = call(2, protocol::GenerateKeyRequest{"release", 1, algorithm});
    const auto* generated = std::get_if<protocol::GenerateKeyReply>(&generate_reply.message);
    ASSERT_NE(generated, nullptr);
    Bytes message = to_bytes("artifact");
    auto log = create_log(3);
    Bytes signature = sign_one(
        5, log, test::sign_item(*generated, algorithm, protocol::SignInput::kMessage, message));
    auto public_key = crypto::public_key_from_der(generated->public_key).value();
    EXPECT_TRUE(crypto::verify_message(public_key.get(), algorithm, message, signature));
    auto report = tee::sim::parse_sim_report(generated->key_attestation);
    ASSERT_TRUE(report.has_value());
    auto hello = expect_hello(4);
    EXPECT_TRUE(tee::sim::verify_sim_report(*report, hello.platform_key));
    EXPECT_EQ(report->report_data, tee::sim::key_attestation_report_data(generated->public_key));
    EXPECT_EQ(report->measurement, hello.measurement);
  }
}

TEST_F(EnclaveProcessTest, ASealedKeySignsAfterARestart) {
  auto reply = call(1, protocol::GenerateKeyRequest{"release", 1, KeyAlgorithm::kEcdsaP384});
  auto generated = std::get<protocol::GenerateKeyReply>(reply.message);
  auto log = create_log(2);
  start();
  // The log and its state, sealed by the first process, continue in the second.
  Bytes digest = crypto::sha384(to_bytes("artifact"));
  Bytes signature = sign_one(
      3, log,
      test::sign_item(generated, KeyAlgorithm::kEcdsaP384, protocol::SignInput::kDigest, digest));
  auto public_key = crypto::public_key_from_der(generated.public_key).value();
  EXPECT_TRUE(
      crypto::verify_digest(public_key.get(), KeyAlgorithm::kEcdsaP384, digest, signature));
}

TEST_F(EnclaveProcessTest, TamperedBlobIsADataLossReply) {
  auto reply = call(1, protocol::GenerateKeyRequest{"release", 1, KeyAlgorithm::kEcdsaP256});
  auto generated = std::get<protocol::GenerateKeyReply>(reply.message);
  generated.sealed_key[40] ^= 1;
  auto log = create_log(2);
  auto item = test::sign_item(generated, KeyAlgorithm::kEcdsaP256, protocol::SignInput::kMessage,
                              Bytes{1});
  ASSERT_TRUE(enclave_->send_raw(protocol::encode_frame(3, log.request({item})).value()));
  expect_error_reply(3, ErrorCode::kDataLoss);
  expect_hello(4);
}

TEST_F(EnclaveProcessTest, ManyKeysAndTheLargestMessage) {
  // More keys than the cache holds, so keys are evicted and unsealed again; then the largest
  // message a request may carry.
  std::vector<protocol::GenerateKeyReply> keys;
  for (std::uint32_t version = 1; version <= 40; ++version) {
    auto reply = call(version, protocol::GenerateKeyRequest{"k", version, KeyAlgorithm::kEd25519});
    ASSERT_TRUE(std::holds_alternative<protocol::GenerateKeyReply>(reply.message));
    keys.push_back(std::get<protocol::GenerateKeyReply>(reply.message));
  }
  Bytes message(protocol::kMaxSignMessageSize, 0x6d);
  auto log = create_log(99);
  for (std::uint32_t version = 1; version <= 40; version += 13) {
    Bytes signature = sign_one(100 + version, log,
                               test::sign_item(keys[version - 1], KeyAlgorithm::kEd25519,
                                               protocol::SignInput::kMessage, message, "k",
                                               version));
    auto public_key = crypto::public_key_from_der(keys[version - 1].public_key).value();
    EXPECT_TRUE(
        crypto::verify_message(public_key.get(), KeyAlgorithm::kEd25519, message, signature));
  }
#ifndef ENSIGN_SANITIZED
  // DESIGN.md: the enclave's resident memory stays under 16 MiB, the largest request included.
  std::string status = proc_status(enclave_->pid());
  auto peak = status.find("VmHWM:");
  ASSERT_NE(peak, std::string::npos);
  EXPECT_LT(std::stoul(status.substr(peak + 6)), 16u * 1024) << status.substr(peak, 30);
#endif
}

TEST_F(EnclaveProcessTest, EvidenceCarriesTheReportData) {
  Bytes report_data(64, 0x21);
  auto reply = call(1, protocol::EvidenceRequest{report_data});
  const auto* evidence = std::get_if<protocol::EvidenceReply>(&reply.message);
  ASSERT_NE(evidence, nullptr);
  auto report = tee::sim::parse_sim_report(evidence->evidence);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->report_data, report_data);
}

TEST_F(EnclaveProcessTest, SurvivesATruncatedMessage) {
  Bytes body = body_of(
      protocol::encode_frame(5, protocol::GenerateKeyRequest{"k", 1, KeyAlgorithm::kEd25519})
          .value());
  body.resize(body.size() - 2);
  send_body(body);
  expect_error_reply(5, ErrorCode::kInvalidArgument);
  expect_hello(6);
}

TEST_F(EnclaveProcessTest, SurvivesAShortHeader) {
  send_body(Bytes{0, 1, 0, 1, 0});
  expect_error_reply(0, ErrorCode::kInvalidArgument);
  expect_hello(7);
}

TEST_F(EnclaveProcessTest, SurvivesAnOversizeLengthPrefix) {
  ASSERT_TRUE(enclave_->send_raw(test::frame_of(Bytes(protocol::kMaxFrameBodySize + 1, 0))));
  expect_error_reply(0, ErrorCode::kResourceExhausted);
  expect_hello(8);
}

TEST_F(EnclaveProcessTest, SurvivesAnEmptyFrame) {
  ASSERT_TRUE(enclave_->send_raw(Bytes{0, 0, 0, 0}));
  expect_error_reply(0, ErrorCode::kInvalidArgument);
  expect_hello(9);
}

TEST_F(EnclaveProcessTest, SurvivesRandomGarbageFrames) {
  std::mt19937 random(20240611);
  for (int round = 0; round < 200; ++round) {
    Bytes body(1 + random() % 300);
    for (auto& byte : body) {
      byte = static_cast<std::uint8_t>(random());
    }
    send_body(body);
    auto reply = enclave_->receive();
    ASSERT_TRUE(reply.has_value()) << "no reply to garbage round " << round;
    EXPECT_TRUE(std::holds_alternative<protocol::ErrorReply>(reply->message)) << round;
  }
  expect_hello(10);
}

TEST_F(EnclaveProcessTest, SurvivesAWrongProtocolVersion) {
  send_body(header(9, 1, 11));
  expect_error_reply(11, ErrorCode::kInvalidArgument);
  expect_hello(12);
}

TEST_F(EnclaveProcessTest, SurvivesAnUnknownType) {
  send_body(header(1, 999, 13));
  expect_error_reply(13, ErrorCode::kInvalidArgument);
  expect_hello(14);
}

TEST_F(EnclaveProcessTest, RefusesRepliesSentAsRequests) {
  ASSERT_TRUE(
      enclave_->send_raw(protocol::encode_frame(
                                   15, protocol::SignReply{{{Bytes(8, 1), Bytes(8, 2)}},
                                                           1,
                                                           Bytes(8, 3),
                                                           Bytes(8, 4)})
                             .value()));
  expect_error_reply(15, ErrorCode::kInvalidArgument);
  expect_hello(16);
}

TEST_F(EnclaveProcessTest, VerboseLogsCarryIdsButNotPayloads) {
  start(/*verbose=*/true);
  auto reply = call(1, protocol::GenerateKeyRequest{"canary-key", 1, KeyAlgorithm::kEd25519});
  auto generated = std::get<protocol::GenerateKeyReply>(reply.message);
  auto test_log = create_log(2);
  sign_one(3, test_log,
           test::sign_item(generated, KeyAlgorithm::kEd25519, protocol::SignInput::kMessage,
                           to_bytes("CANARY-payload-91ce"), "canary-key"));
  enclave_->close_channel();
  auto status = enclave_->wait_for_exit(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  std::string log = enclave_->read_stderr();
  EXPECT_NE(log.find("serving: platform sim"), std::string::npos) << log;
  EXPECT_NE(log.find("canary-key@1"), std::string::npos) << log;
  EXPECT_EQ(log.find("CANARY-payload"), std::string::npos) << log;
  EXPECT_EQ(log.find(hex_encode(to_bytes("CANARY-payload-91ce"))), std::string::npos) << log;
  enclave_.reset();
}

// Start-up failures: the enclave exits kEnclaveStartupFailure with one line on stderr.
class EnclaveStartupTest : public ::testing::Test {
 protected:
  void expect_startup_failure(const EnclaveOptions& options, const std::string& text) {
    auto enclave = EnclaveProcess::start(options);
    ASSERT_TRUE(enclave.has_value()) << enclave.error().message();
    auto status = enclave->wait_for_exit(std::chrono::seconds(30));
    ASSERT_TRUE(status.has_value()) << status.error().message();
    ASSERT_TRUE(WIFEXITED(*status)) << *status;
    EXPECT_EQ(WEXITSTATUS(*status), protocol::kEnclaveStartupFailure);
    // The reason arrives on the channel as an ErrorReply with request id 0; stderr stays quiet.
    auto reply = enclave->receive();
    ASSERT_TRUE(reply.has_value()) << reply.error().message();
    EXPECT_EQ(reply->request_id, 0U);
    const auto* error = std::get_if<protocol::ErrorReply>(&reply->message);
    ASSERT_NE(error, nullptr);
    EXPECT_NE(error->message.find(text), std::string::npos) << error->message;
    EXPECT_EQ(enclave->read_stderr(), "");
  }

  test::ScratchDirectory directory_;
};

TEST_F(EnclaveStartupTest, MissingRootWithoutCreateRootTellsToRunInit) {
  EnclaveOptions options;
  options.state_dir = directory_.root();
  options.create_root = false;
  expect_startup_failure(options, "run `ensign init`");
}

TEST_F(EnclaveStartupTest, RootReadableByOthersIsRefused) {
  ASSERT_TRUE(tee::sim::create_sim_root(directory_.path(protocol::kSimRootFileName)));
  ASSERT_EQ(::chmod(directory_.path(protocol::kSimRootFileName).c_str(), 0644), 0);
  EnclaveOptions options;
  options.state_dir = directory_.root();
  expect_startup_failure(options, "chmod 600");
}

TEST_F(EnclaveStartupTest, UnknownArgumentIsRefused) {
  EnclaveOptions options;
  options.use_arguments_override = true;
  options.arguments_override = {"--platform", "sim", "--state-dir", directory_.root(), "--x"};
  expect_startup_failure(options, "unknown argument");
}

TEST_F(EnclaveStartupTest, AnotherPlatformIsRefused) {
  EnclaveOptions options;
  options.use_arguments_override = true;
  options.arguments_override = {"--platform", "sgx", "--state-dir", directory_.root()};
  expect_startup_failure(options, "\"sgx\" is not served");
}

}  // namespace
}  // namespace ensign::enclave
