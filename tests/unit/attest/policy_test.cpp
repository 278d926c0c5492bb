#include "attest/policy.h"

#include <gtest/gtest.h>

namespace ensign::attest {
namespace {

// snp_like returns a verified verification with SNP-shaped claims.
Verification snp_like() {
  Verification verification;
  verification.format = EvidenceFormat::kSevSnp;
  verification.measurement = Bytes(48, 0xaa);
  verification.report_data = Bytes(64, 0);
  verification.report_data[0] = 0x01;
  verification.signer = Bytes(48, 0x11);
  verification.claims = {{"vmpl", 0},
                         {"reported_tcb", {{"snp", 8}, {"microcode", 209}}},
                         {"report", {{"tee_tcb_svn", "03000400000000000000000000000000"}}}};
  return verification;
}

Policy parsed(const std::string& json) {
  auto policy = parse_policy(json);
  EXPECT_TRUE(policy.has_value()) << json << ": " << (policy ? "" : policy.error().message());
  return policy ? *policy : Policy{};
}

TEST(Policy, TheDefaultRefusesSimAndDebugOnly) {
  Policy policy = default_policy();
  EXPECT_EQ(policy.id, "default");
  EXPECT_TRUE(appraise(policy, snp_like()).empty());
  Verification sim = snp_like();
  sim.format = EvidenceFormat::kSim;
  sim.debug = true;
  auto failures = appraise(policy, sim);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_NE(failures[0].find("allow_sim"), std::string::npos);
  EXPECT_NE(failures[1].find("allow_debug"), std::string::npos);
}

TEST(Policy, AnEmptyPolicyIsTheDefaultWithAnId) {
  Policy policy = parsed("{}");
  EXPECT_FALSE(policy.allow_sim);
  EXPECT_FALSE(policy.allow_debug);
  EXPECT_EQ(policy.id.rfind("sha256:", 0), 0u);
  EXPECT_NE(parsed("{ }").id, policy.id);
}

TEST(Policy, HoldsWhenEveryReferenceValueMatches) {
  Policy policy = parsed(R"({
    "formats": ["sev-snp"],
    "measurements": ["00", ")" + hex_encode(Bytes(48, 0xaa)) + R"("],
    "signers": [")" + hex_encode(Bytes(48, 0x11)) + R"("],
    "report_data": "01",
    "tcb_status": ["unknown", "UpToDate"],
    "min_svn": {"reported_tcb.snp": 8, "report.tee_tcb_svn": "03000300000000000000000000000000"},
    "claims": {"vmpl": 0}
  })");
  EXPECT_TRUE(appraise(policy, snp_like()).empty());
}

TEST(Policy, ListsEveryFailureNotOnlyTheFirst) {
  Policy policy = parsed(R"({
    "formats": ["tdx"],
    "measurements": ["bb"],
    "signers": ["22"],
    "report_data": "02",
    "tcb_status": ["UpToDate"],
    "min_svn": {"reported_tcb.snp": 9, "reported_tcb.microcode": 210,
                "report.tee_tcb_svn": "03000500000000000000000000000000", "absent.path": 1},
    "claims": {"vmpl": 1, "nowhere": "x"},
    "pcrs": {"7": "00"}
  })");
  auto failures = appraise(policy, snp_like());
  EXPECT_EQ(failures.size(), 12u);
  std::string all;
  for (const auto& failure : failures) {
    all += failure + "\n";
  }
  for (const char* expected :
       {"format sev-snp is not allowed", "measurement", "signer", "report data",
        "TCB status unknown", "reported_tcb.snp: 8 is below the minimum 9",
        "reported_tcb.microcode: 209 is below", "byte 2", "have no absent.path", "vmpl is 0",
        "have no nowhere", "PCR 7: its value is unknown"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << expected << " not in\n" << all;
  }
}

TEST(Policy, AllowsSimAndDebugOnlyWhenAsked) {
  Verification sim = snp_like();
  sim.format = EvidenceFormat::kSim;
  sim.debug = true;
  EXPECT_TRUE(appraise(parsed(R"({"allow_sim": true, "allow_debug": true})"), sim).empty());
  EXPECT_EQ(appraise(parsed(R"({"allow_sim": true})"), sim).size(), 1u);
  EXPECT_EQ(appraise(parsed(R"({"allow_sim": false, "allow_debug": true})"), sim).size(), 1u);
}

TEST(Policy, ChecksTpmPcrsByIndex) {
  Verification tpm;
  tpm.format = EvidenceFormat::kTpm;
  tpm.claims = {{"pcrs", {"00", "11", "22"}}};
  EXPECT_TRUE(appraise(parsed(R"({"pcrs": {"1": "11", "2": "22"}})"), tpm).empty());
  auto failures = appraise(parsed(R"({"pcrs": {"1": "12", "5": "00"}})"), tpm);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_NE(failures[0].find("PCR 1 is 11, not 12"), std::string::npos);
  EXPECT_NE(failures[1].find("PCR 5: its value is unknown"), std::string::npos);
  tpm.claims = {{"pcrs", {{"1", "11"}}}};
  EXPECT_TRUE(appraise(parsed(R"({"pcrs": {"1": "11"}})"), tpm).empty());
}

TEST(Policy, ComparesHexClaimsCaseInsensitively) {
  Verification verification = snp_like();
  verification.claims["chip_id"] = "abcdef";
  EXPECT_TRUE(appraise(parsed(R"({"claims": {"chip_id": "ABCDEF"}})"), verification).empty());
}

TEST(Policy, RefusesUnknownMembersAndWrongTypes) {
  for (const char* bad : {
           R"([])",
           R"(not json)",
           R"({"allow_sim": "yes"})",
           R"({"allow_debug": 1})",
           R"({"measurement": ["aa"]})",
           R"({"measurements": "aa"})",
           R"({"measurements": ["xyz"]})",
           R"({"signers": [1]})",
           R"({"report_data": "abc"})",
           R"({"formats": ["nitro"]})",
           R"({"formats": "tdx"})",
           R"({"tcb_status": ["Fine"]})",
           R"({"min_svn": {"a": -1}})",
           R"({"min_svn": {"a": "nothex"}})",
           R"({"min_svn": {"": 1}})",
           R"({"min_svn": []})",
           R"({"claims": {"a": {"b": 1}}})",
           R"({"pcrs": {"24": "00"}})",
           R"({"pcrs": {"x": "00"}})",
           R"({"pcrs": {"1": "zz"}})",
       }) {
    auto policy = parse_policy(bad);
    ASSERT_FALSE(policy.has_value()) << bad;
    EXPECT_EQ(policy.error().code(), ErrorCode::kInvalidArgument);
  }
  auto unknown = parse_policy(R"({"allow_sim": false, "alow_debug": true})");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message().find("alow_debug"), std::string::npos);
  EXPECT_FALSE(parse_policy(std::string(kMaxPolicySize + 1, ' ')).has_value());
}

TEST(ReportData, MatchesANonceZeroPaddedOnTheRight) {
  Bytes actual(64, 0);
  actual[0] = 1;
  actual[1] = 2;
  EXPECT_TRUE(report_data_matches(actual, Bytes{1, 2}));
  EXPECT_TRUE(report_data_matches(actual, actual));
  EXPECT_FALSE(report_data_matches(actual, Bytes{1}));
  EXPECT_FALSE(report_data_matches(actual, Bytes{2, 1}));
  EXPECT_FALSE(report_data_matches(actual, Bytes(65, 0)));
  EXPECT_TRUE(report_data_matches(actual, Bytes{1, 2, 0}));
}

}  // namespace
}  // namespace ensign::attest
