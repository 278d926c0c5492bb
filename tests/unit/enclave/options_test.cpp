// Tests of src/enclave/options.cpp: the enclave's command line.
#include "enclave/options.h"

#include <gtest/gtest.h>

#include <vector>

namespace ensign::enclave {
namespace {

Result<Options> parse(std::vector<const char*> arguments) {
  arguments.insert(arguments.begin(), "ensign-enclave");
  return parse_options(static_cast<int>(arguments.size()), arguments.data());
}

void expect_refused(std::vector<const char*> arguments, const std::string& text) {
  auto options = parse(std::move(arguments));
  ASSERT_FALSE(options.has_value());
  EXPECT_EQ(options.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(options.error().message().find(text), std::string::npos) << options.error().message();
}

TEST(OptionsTest, ParsesTheMinimalCommandLine) {
  auto options = parse({"--platform", "sim", "--state-dir", "/var/lib/ensign"});
  ASSERT_TRUE(options.has_value()) << options.error().message();
  EXPECT_EQ(options->platform, "sim");
  EXPECT_EQ(options->state_dir, "/var/lib/ensign");
  EXPECT_FALSE(options->create_root);
  EXPECT_FALSE(options->verbose);
}

TEST(OptionsTest, ParsesFlagsInAnyOrder) {
  auto options = parse({"--verbose", "--state-dir", "/s", "--create-root", "--platform", "sim"});
  ASSERT_TRUE(options.has_value()) << options.error().message();
  EXPECT_TRUE(options->create_root);
  EXPECT_TRUE(options->verbose);
  EXPECT_EQ(options->state_dir, "/s");
}

TEST(OptionsTest, RefusesMissingRequiredOptions) {
  expect_refused({"--platform", "sim"}, "required");
  expect_refused({"--state-dir", "/s"}, "required");
  expect_refused({}, "required");
}

TEST(OptionsTest, RefusesAnotherPlatform) {
  expect_refused({"--platform", "tdx", "--state-dir", "/s"}, "\"tdx\" is not served");
}

TEST(OptionsTest, RefusesUnknownArguments) {
  expect_refused({"--platform", "sim", "--state-dir", "/s", "--debug"}, "unknown argument");
}

TEST(OptionsTest, RefusesRepeatedArguments) {
  expect_refused({"--platform", "sim", "--platform", "sim", "--state-dir", "/s"}, "given twice");
  expect_refused({"--platform", "sim", "--state-dir", "/s", "--verbose", "--verbose"},
                 "given twice");
}

TEST(OptionsTest, RefusesAMissingValue) {
  expect_refused({"--platform", "sim", "--state-dir"}, "needs a value");
}

TEST(OptionsTest, RefusesAnEmptyOrOverlongStateDirectory) {
  expect_refused({"--platform", "sim", "--state-dir", ""}, "--state-dir must be");
  std::string long_directory(kMaxStateDirSize + 1, 'd');
  expect_refused({"--platform", "sim", "--state-dir", long_directory.c_str()},
                 "--state-dir must be");
}

}  // namespace
}  // namespace ensign::enclave
