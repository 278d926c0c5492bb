// Tests of src/host/log_proof_json.cpp: the proofs' JSON form, and reading an answered inclusion
// proof back with its arithmetic checked.
#include "host/log_proof_json.h"

#include <gtest/gtest.h>

#include "log_fixture.h"

namespace ensign::host {
namespace {

class LogProofJsonTest : public LogFixture {
 protected:
  void SetUp() override {
    LogFixture::SetUp();
    sign_batches({3, 4});  // trees of 3 and 7 leaves
    auto proof = LogProofs(*store_).inclusion_proof(2, std::nullopt);
    ASSERT_TRUE(proof) << proof.error().message();
    json_ = inclusion_proof_json(*proof);
  }

  nlohmann::json json_;
};

TEST_F(LogProofJsonTest, AnInclusionProofReadsBackAsWritten) {
  auto read = read_inclusion_proof_json(json_.dump());
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(inclusion_proof_json(*read), json_);
  EXPECT_EQ(read->tree.checkpoint.size, 7u);
  EXPECT_FALSE(read->hashes.empty());
}

TEST_F(LogProofJsonTest, AProofThatDoesNotHoldIsRefused) {
  for (const auto& change : std::vector<std::function<void(nlohmann::json&)>>{
           [](nlohmann::json& j) { j["index"] = 3; },
           [](nlohmann::json& j) { j["proof"][0] = base64_encode(Bytes(32, 0)); },
           [](nlohmann::json& j) { j["leaf_hash"] = base64_encode(Bytes(32, 1)); },
           [](nlohmann::json& j) { j["tree_size"] = 6; },
           [](nlohmann::json& j) { j["root_hash"] = base64_encode(Bytes(32, 2)); },
       }) {
    nlohmann::json changed = json_;
    change(changed);
    auto read = read_inclusion_proof_json(changed.dump());
    ASSERT_FALSE(read) << changed.dump();
    EXPECT_EQ(read.error().code(), ErrorCode::kUnauthenticated) << read.error().message();
  }
}

TEST_F(LogProofJsonTest, MalformedAnswersAreInvalid) {
  for (const auto& change : std::vector<std::function<void(nlohmann::json&)>>{
           [](nlohmann::json& j) { j["index"] = -1; },
           [](nlohmann::json& j) { j["index"] = "2"; },
           [](nlohmann::json& j) { j["proof"][0] = 5; },
           [](nlohmann::json& j) {
             j["proof"] = nlohmann::json::array();
             j["proof"].insert(j["proof"].end(), 66, "AA==");
           },
           [](nlohmann::json& j) { j["checkpoint"] = "not a note"; },
           [](nlohmann::json& j) { j["extra"] = true; },
           [](nlohmann::json& j) { j.erase("leaf_hash"); },
       }) {
    nlohmann::json changed = json_;
    change(changed);
    auto read = read_inclusion_proof_json(changed.dump());
    ASSERT_FALSE(read) << changed.dump();
    EXPECT_EQ(read.error().code(), ErrorCode::kInvalidArgument) << read.error().message();
  }
  EXPECT_FALSE(read_inclusion_proof_json(std::string(kMaxInclusionProofJsonSize + 1, ' ')));
}

}  // namespace
}  // namespace ensign::host
