// Tests of attest/tpm/verify.h on quotes a real TPM 2.0 implementation makes: swtpm on a Unix
// socket in a scratch directory, driven by tpm2-tools 5.4 (tpm2_createak, tpm2_quote -m -s -o),
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

namespace ensign::attest::tpm {
namespace {

constexpr std::size_t kMaxOutputSize = 1024 * 1024;
constexpr const char* kNonce = "0a1b2c3d4e5f60718293";

bool tools_installed() {
  return std::system(
             "command -v swtpm tpm2_createek tpm2_createak tpm2_quote tpm2_pcrextend "
             "tpm2_flushcontext tpm2_readpublic >/dev/null 2>&1") == 0;
}

// SoftwareTpm runs one swtpm for one test and stops it when destroyed.
class SoftwareTpm {
 public:
  explicit SoftwareTpm(const ensign::test::ScratchDirectory& directory)
      : directory_(directory), socket_(directory.path("tpm.sock")) {
    std::filesystem::create_directory(directory.path("state"));
    int started = std::system(
        ("swtpm socket --tpm2 --server type=unixio,path=" + socket_ +
         " --ctrl type=unixio,path=" + socket_ + ".ctrl --tpmstate dir=" + directory.path("state") +
         " --flags not-need-init,startup-clear --pid file=" + directory.path("swtpm.pid") +
         " --daemon >" + directory.path("swtpm.log") + " 2>&1")
            .c_str());
    for (int attempt = 0; started == 0 && attempt < 100 && pid_ <= 0; ++attempt) {
      std::ifstream pid_file(directory.path("swtpm.pid"));
      if (!(pid_file >> pid_) || !std::filesystem::exists(socket_)) {
        pid_ = 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  ~SoftwareTpm() {
    if (pid_ <= 0) {
      return;
    }
    ::kill(pid_, SIGTERM);
    for (int attempt = 0; attempt < 100 && ::kill(pid_, 0) == 0; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  SoftwareTpm(const SoftwareTpm&) = delete;
  SoftwareTpm& operator=(const SoftwareTpm&) = delete;

  bool running() const { return pid_ > 0; }

  // tool runs a tpm2-tools command line in the scratch directory against this TPM, then flushes
  // the transient objects and sessions it left (a bare swtpm has no resource manager and three
  // object slots). Returns the command's exit status; output goes to tools.log.
  int tool(const std::string& command) const {
    std::string log = " >>" + directory_.path("tools.log") + " 2>&1";
    std::string script = "export TPM2TOOLS_TCTI=swtpm:path=" + socket_ + " TSS2_LOG=all+NONE; cd " +
                         directory_.root() + " || exit 1; { " + command + "; }" + log +
                         "; status=$?; tpm2_flushcontext -t" + log + "; tpm2_flushcontext -s" +
                         log + "; exit $status";
    int status = std::system(script.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string log() const {
    auto contents = read_file(directory_.path("tools.log"), kMaxOutputSize);
    return contents ? as_string(*contents) : std::string();
  }

 private:
  const ensign::test::ScratchDirectory& directory_;
  std::string socket_;
  pid_t pid_ = 0;
};

class SwtpmQuoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tools_installed()) {
      GTEST_SKIP() << "swtpm and tpm2-tools are not installed";
    }
    tpm_ = std::make_unique<SoftwareTpm>(directory_);
    ASSERT_TRUE(tpm_->running()) << "swtpm did not start: " << as_string(file("swtpm.log"));
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
    auto contents = read_file(directory_.path(name), kMaxOutputSize);
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

  ensign::test::ScratchDirectory directory_;
  std::unique_ptr<SoftwareTpm> tpm_;
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
