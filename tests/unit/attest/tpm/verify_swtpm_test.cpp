// Tests of attest/tpm/verify.h on quotes a real TPM 2.0 implementation makes: swtpm on loopback
// ports (tests/support/software_tpm.h), driven by tpm2-tools 5.4 (tpm2_createak, tpm2_quote -m -s -o),
// as a user of ensign would. Skipped when swtpm or tpm2-tools is not installed. (RSA-PSS is
// tested with throwaway keys only: tpm2_quote 5.4 cannot quote with an RSAPSS AK.)
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "attest/tpm/azure_hcl.h"
#include "attest/tpm/verify.h"
#include "core/file.h"
#include "support/scratch_directory.h"
#include "support/software_tpm.h"

namespace ensign::attest::tpm {
namespace {

constexpr std::size_t kMaxOutputSize = 1024 * 1024;
constexpr const char* kNonce = "0a1b2c3d4e5f60718293";

class SwtpmQuoteTest : public ensign::test::SoftwareTpmTest {
 protected:
  void SetUp() override {
    SoftwareTpmTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    ASSERT_EQ(tpm_->tool("tpm2_createek -c ek.ctx -G rsa -u ek.pub"), 0) << tpm_->log();
    ASSERT_EQ(tpm_->tool("tpm2_pcrextend 16:sha256=" + std::string(64, 'a') +
                         ",sha1=" + std::string(40, 'b')),
              0)
        << tpm_->log();
  }

  // quote makes an AK of `key_type` and signing scheme `scheme`, and a quote of SHA-1 and
  // SHA-256 PCRs 0, 1 and 16 signed with SHA-256, into quote.msg, quote.sig, quote.pcrs.
  void quote(const std::string& key_type, const std::string& scheme) {
    ASSERT_EQ(tpm_->tool("tpm2_createak -C ek.ctx -c ak.ctx -G " + key_type + " -g sha256 -s " +
                         scheme + " -u ak.pem -f pem -n ak.name"),
              0)
        << tpm_->log();
    ASSERT_EQ(
        tpm_->tool("tpm2_quote -c ak.ctx -l sha1:0,1,16+sha256:0,1,16 -q " + std::string(kNonce) +
                   " -m quote.msg -s quote.sig -o quote.pcrs -g sha256 > quote.out"),
        0)
        << tpm_->log();
  }

  Bytes file(const std::string& name) const {
    auto contents = read_file(scratch_.path(name), kMaxOutputSize);
    EXPECT_TRUE(contents.has_value()) << name;
    return contents ? *contents : Bytes{};
  }

  QuoteInputs inputs(const std::string& pcr_file) const {
    QuoteInputs given;
    auto ak = ak_public_from_file_contents(file("ak.pem"));
    EXPECT_TRUE(ak.has_value()) << (ak ? "" : ak.error().message());
    given.ak_public = ak ? *ak : Bytes{};
    given.signature = file("quote.sig");
    auto pcrs = parse_pcr_values(file(pcr_file));
    EXPECT_TRUE(pcrs.has_value()) << (pcrs ? "" : pcrs.error().message());
    given.pcrs = pcrs ? *pcrs : std::vector<Bytes>{};
    return given;
  }

  void expect_verified(const std::string& sig_alg) const {
    Verification verification = verify_quote(file("quote.msg"), inputs("quote.pcrs"));
    std::ostringstream errors;
    for (const auto& error : verification.errors) {
      errors << error << "\n";
    }
    ASSERT_TRUE(verification.verified()) << errors.str();
    EXPECT_EQ(verification.claims["sig_alg"], sig_alg);
    EXPECT_EQ(hex_encode(verification.report_data), kNonce);
    EXPECT_NE(verification.claims["pcrs"]["sha256"]["16"], std::string(64, '0'));
    EXPECT_EQ(verification.claims["pcrs"]["sha1"].size(), 3u);
    // What tpm2_quote printed is the same listing as what it wrote.
    EXPECT_EQ(parse_pcr_values(file("quote.out")).value(), inputs("quote.pcrs").pcrs);
  }

};

TEST_F(SwtpmQuoteTest, VerifiesAnRsassaQuote) {
  quote("rsa", "rsassa");
  expect_verified("TPM_ALG_RSASSA");
}

TEST_F(SwtpmQuoteTest, VerifiesAnEcdsaQuote) {
  quote("ecc", "ecdsa");
  expect_verified("TPM_ALG_ECDSA");
}

TEST_F(SwtpmQuoteTest, RefusesPcrValuesReadAfterAnotherExtend) {
  quote("rsa", "rsassa");
  ASSERT_EQ(tpm_->tool("tpm2_pcrextend 16:sha256=" + std::string(64, 'c')), 0) << tpm_->log();
  ASSERT_EQ(tpm_->tool("tpm2_pcrread sha1:0,1,16+sha256:0,1,16 > later.txt"), 0) << tpm_->log();
  Verification verification = verify_quote(file("quote.msg"), inputs("later.txt"));
  ASSERT_EQ(verification.errors.size(), 1u);
  EXPECT_NE(verification.errors[0].find("is not the quote's pcrDigest"), std::string::npos);
}

TEST_F(SwtpmQuoteTest, RefusesTheQuoteWithTheEkAsAk) {
  quote("rsa", "rsassa");
  ASSERT_EQ(tpm_->tool("tpm2_readpublic -c ek.ctx -f pem -o ek.pem"), 0) << tpm_->log();
  QuoteInputs given = inputs("quote.pcrs");
  given.ak_public = ak_public_from_file_contents(file("ek.pem")).value();
  Verification verification = verify_quote(file("quote.msg"), given);
  ASSERT_FALSE(verification.verified());
  EXPECT_NE(verification.errors[0].find("signature does not verify with the AK"),
            std::string::npos);
}

TEST_F(SwtpmQuoteTest, RefusesAQuoteOfAnotherNonce) {
  quote("ecc", "ecdsa");
  Bytes message = file("quote.msg");
  Bytes other_nonce = message;
  other_nonce[0x2e] ^= 0x01;  // inside extraData, after a 34-byte qualifiedSigner
  Verification verification = verify_quote(other_nonce, inputs("quote.pcrs"));
  ASSERT_FALSE(verification.verified());
  EXPECT_NE(verification.errors[0].find("TPM_ALG_ECDSA/SHA256 signature does not verify"),
            std::string::npos);
}

}  // namespace
}  // namespace ensign::attest::tpm
