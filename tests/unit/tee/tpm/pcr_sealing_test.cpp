// Tests of tee/tpm/pcr_sealing.h and pcrs.h on swtpm: a sealed object opens while PCR 16 holds
// the value it was sealed under and is refused, with a clear error, once it is extended.
#include "tee/tpm/pcr_sealing.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/scratch_directory.h"
#include "support/software_tpm.h"
#include "tee/tpm/pcrs.h"
#include "tee/tpm/tpm_platform.h"

namespace ensign::tee::tpm {
namespace {

const Bytes kSealedMeasurement(48, 0x17);

class PcrSealingTest : public test::SoftwareTpmTest {
 protected:
  void SetUp() override {
    test::SoftwareTpmTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    std::filesystem::create_directories(scratch_.path("state"));
    // The platform makes the SRK and records the measurement in PCR 16.
    auto platform =
        TpmPlatform::open({tpm_->tcti(), scratch_.path("state"), kSealedMeasurement, true});
    ASSERT_TRUE(platform) << platform.error().message();
    platform.value().reset();
    auto esys = EsysContext::connect(tpm_->tcti());
    ASSERT_TRUE(esys) << esys.error().message();
    esys_ = std::move(esys).value();
    ASSERT_EQ(Esys_TR_FromTPMPublic(
                  esys_->get(), kSrkHandle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &srk_),
              TSS2_RC_SUCCESS);
  }

  std::unique_ptr<EsysContext> esys_;
  ESYS_TR srk_ = ESYS_TR_NONE;
};

TEST_F(PcrSealingTest, OpensUnderTheSamePcrValueOnly) {
  auto pcr = read_pcrs(esys_->get(), enclave_pcr_selection());
  ASSERT_TRUE(pcr) << pcr.error().message();
  EXPECT_EQ(pcr->front(), enclave_pcr_value(kSealedMeasurement));

  auto sealed = seal_under_pcr_policy(esys_->get(), srk_, SecretBytes::copy_of(to_bytes("key")));
  ASSERT_TRUE(sealed) << sealed.error().message();
  auto opened = unseal_under_pcr_policy(esys_->get(), srk_, *sealed);
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_EQ(as_string(opened->view()), "key");

  ASSERT_EQ(tpm_->tool("tpm2_pcrextend 16:sha256=" + std::string(64, 'e')), 0) << tpm_->log();
  auto refused = unseal_under_pcr_policy(esys_->get(), srk_, *sealed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(refused.error().message().find("TPM2_Unseal failed"), std::string::npos);
  EXPECT_NE(refused.error().message().find("PCR 16 does not hold the value it had"),
            std::string::npos)
      << refused.error().message();

  // Recording the measurement again brings the value, and the object opens again.
  ASSERT_TRUE(record_measurement(esys_->get(), kSealedMeasurement));
  EXPECT_TRUE(unseal_under_pcr_policy(esys_->get(), srk_, *sealed));
}

TEST_F(PcrSealingTest, RefusesSecretsOverTheSealedObjectsSize) {
  auto sealed = seal_under_pcr_policy(esys_->get(), srk_, SecretBytes(kMaxSealedSecretSize + 1));
  ASSERT_FALSE(sealed);
  EXPECT_EQ(sealed.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ensign::tee::tpm
