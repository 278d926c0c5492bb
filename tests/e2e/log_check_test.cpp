// End to end: `ensign log check-inclusion` and `check-consistency`, the auditor's offline checks,
// run as a user runs them on every transparency-dev/merkle vector (../shared/vectors/merkle):
// exit 0 for each valid proof, exit 1 for each case that must be rejected.
#include <gtest/gtest.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "support/merkle_vectors.h"
#include "support/run_command.h"

namespace ensign {
namespace {

const std::string kEnsign = std::string(ENSIGN_BIN_DIR) + "/ensign";

// with_proof appends --proof with the hashes comma-separated, or nothing for a proof of none.
std::vector<std::string> with_proof(std::vector<std::string> arguments,
                                    const nlohmann::json& proof) {
  auto texts = test::merkle_proof_texts(proof);
  if (texts.empty()) {
    return arguments;
  }
  std::string joined;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    joined += (i == 0 ? "" : ",") + texts[i];
  }
  arguments.push_back("--proof");
  arguments.push_back(joined);
  return arguments;
}

std::string number(const nlohmann::json& value) {
  return std::to_string(value.get<std::uint64_t>());
}

std::string text(const nlohmann::json& value) {
  return value.get<std::string>();
}

// The command lines of the two checks, without --proof.
std::vector<std::string> check_inclusion(const std::string& leaf_hash,
                                         const std::string& index,
                                         const std::string& size,
                                         const std::string& root) {
  return {kEnsign,
          "log",
          "check-inclusion",
          "--leaf-hash",
          leaf_hash,
          "--index",
          index,
          "--size",
          size,
          "--root",
          root};
}

std::vector<std::string> check_consistency(const std::string& size1,
                                           const std::string& size2,
                                           const std::string& root1,
                                           const std::string& root2) {
  return {kEnsign,
          "log",
          "check-consistency",
          "--size1",
          size1,
          "--size2",
          size2,
          "--root1",
          root1,
          "--root2",
          root2};
}

std::vector<std::string> plus(std::vector<std::string> arguments,
                              std::initializer_list<std::string> more) {
  arguments.insert(arguments.end(), more);
  return arguments;
}

// run_every_case runs the command line `command_of` makes from each case of `kind` (with its
// proof), expecting exit 1 for each case that must be rejected, else 0.
void run_every_case(
    const std::string& kind,
    const std::function<std::vector<std::string>(const nlohmann::json&)>& command_of) {
  auto files = test::merkle_cases(kind);
  ASSERT_GE(files.size(), 60u);
  for (const auto& path : files) {
    auto vector = test::read_merkle_case(path);
    int exit_code = test::run_command(with_proof(command_of(vector), vector["proof"]));
    EXPECT_EQ(exit_code, vector["wantErr"].get<bool>() ? 1 : 0) << path << ": " << vector["desc"];
  }
}

TEST(LogCheckCommands, InclusionVectors) {
  ENSIGN_REQUIRE_VECTORS();
  run_every_case("inclusion", [](const nlohmann::json& vector) {
    return check_inclusion(text(vector["leafHash"]),
                           number(vector["leafIdx"]),
                           number(vector["treeSize"]),
                           text(vector["root"]));
  });
}

TEST(LogCheckCommands, ConsistencyVectors) {
  ENSIGN_REQUIRE_VECTORS();
  run_every_case("consistency", [](const nlohmann::json& vector) {
    return check_consistency(number(vector["size1"]),
                             number(vector["size2"]),
                             text(vector["root1"]),
                             text(vector["root2"]));
  });
}

TEST(LogCheckCommands, MalformedInputIsAUsageError) {
  const std::string hash = "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=";
  EXPECT_EQ(test::run_command(check_inclusion("not base64!", "0", "1", hash)), 2);
  EXPECT_EQ(test::run_command(check_inclusion(hash, "-1", "1", hash)), 2);
  EXPECT_EQ(test::run_command({kEnsign, "log", "check-consistency", "--size1", "1"}), 2);
  // "" is one empty hash, not the empty proof: refused, where leaving --proof out is valid.
  EXPECT_EQ(test::run_command(plus(check_inclusion(hash, "0", "1", hash), {"--proof", ""})), 1);
  EXPECT_EQ(test::run_command(check_inclusion(hash, "0", "1", hash)), 0);
}

}  // namespace
}  // namespace ensign
