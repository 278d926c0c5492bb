// Tests of src/enclave/warm_up.cpp.
#include "enclave/warm_up.h"

#include <gtest/gtest.h>

#include "enclave_test_support.h"

namespace ensign::enclave {
namespace {

class WarmUpTest : public SimPlatformFixture {};

TEST_F(WarmUpTest, RunsEveryPathOnTheSimPlatform) {
  auto warmed = warm_up(*platform_);
  EXPECT_TRUE(warmed.has_value()) << warmed.error().message();
}

TEST_F(WarmUpTest, FailsWhenThePlatformCannotSeal) {
  DelegatingPlatform failing(*platform_);
  failing.seal_replacement = []() -> Result<Bytes> {
    return fail(ErrorCode::kUnavailable, "sealing is broken");
  };
  auto warmed = warm_up(failing);
  ASSERT_FALSE(warmed.has_value());
  EXPECT_NE(warmed.error().message().find("sealing is broken"), std::string::npos);
}

TEST_F(WarmUpTest, FailsWhenThePlatformCannotAttest) {
  DelegatingPlatform failing(*platform_);
  failing.evidence_replacement = [](ByteView) -> Result<Bytes> {
    return fail(ErrorCode::kUnavailable, "no evidence");
  };
  EXPECT_FALSE(warm_up(failing).has_value());
}

}  // namespace
}  // namespace ensign::enclave
