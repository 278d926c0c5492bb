// Tests of the DCAP quote verifier on the real SGX and TDX quotes of ../shared/vectors (read in
// place, verified as of the manifest's verify_at against the pinned Intel SGX Root CA), and on
// damaged copies of them: each damage must fail the check it belongs to, and only that one.
#include "attest/dcap/verify.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "dcap_test_support.h"
#include "support/corrupt.h"
#include "support/text.h"

namespace ensign::attest::dcap {
namespace {

using test::json;

constexpr UnixTime kDay = 24 * 60 * 60;

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

using ::ensign::test::contains;

std::string joined(const std::vector<std::string>& errors) {
  std::string text;
  for (const auto& error : errors) {
    text += "\n  " + error;
  }
  return text;
}

// expect_errors checks that `verification` failed with exactly one error per prefix, in order.
void expect_errors(const Verification& verification, const std::vector<std::string>& prefixes) {
  ASSERT_EQ(verification.errors.size(), prefixes.size()) << joined(verification.errors);
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    EXPECT_TRUE(starts_with(verification.errors[i], prefixes[i]))
        << "error " << i << " should start with '" << prefixes[i]
        << "':" << joined(verification.errors);
  }
}

UnixTime verify_at(const json& entry) {
  return test::time_of(entry["verify_at"].get<std::string>());
}

Verification verify_entry(const json& entry, ByteView evidence) {
  return verify_quote(evidence, test::intel_endorsements(verify_at(entry), false), nullptr);
}

// The manifest's certificate times read "2023-02-07 08:02:55+00:00".
UnixTime manifest_time(const json& text) {
  return test::time_of(text.get<std::string>());
}

class DcapVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ENSIGN_REQUIRE_VECTORS();
    ASSERT_FALSE(test::quote_entries().empty()) << "no TDX/SGX quotes in the manifest";
  }
};

TEST_F(DcapVerifyTest, EveryRealQuoteVerifiesAtItsTime) {
  for (const auto& entry : test::quote_entries()) {
    SCOPED_TRACE(entry["file"].get<std::string>());
    const json& expected = entry["expected"];
    auto endorsements =
        test::intel_endorsements(verify_at(entry), test::has_full_collateral(entry));
    Bytes evidence = test::quote_evidence(entry);
    Verification verification = verify_quote(evidence, endorsements, nullptr);
    EXPECT_TRUE(verification.verified()) << joined(verification.errors);
    EXPECT_EQ(verification.tcb_status, "unknown");

    bool tdx = entry["kind"] == "tdx";
    EXPECT_EQ(verification.format, tdx ? EvidenceFormat::kTdx : EvidenceFormat::kSgx);
    const json& report = expected["report"];
    EXPECT_EQ(hex_encode(verification.measurement), report[tdx ? "mrtd" : "mrenclave"]);
    EXPECT_EQ(hex_encode(verification.report_data), report["report_data"]);
    EXPECT_EQ(verification.debug, report[tdx ? "td_debug" : "debug"]);
    if (tdx) {
      EXPECT_FALSE(verification.signer.has_value());
    } else {
      ASSERT_TRUE(verification.signer.has_value());
      EXPECT_EQ(hex_encode(*verification.signer), report["mrsigner"]);
    }
    EXPECT_GE(test::expect_claims_match(expected, verification.claims, "expected"), 30u);
    EXPECT_TRUE(verification.claims.contains("pck"));

    const json& chain = expected["pck_chain"];
    ASSERT_EQ(verification.chain.size(), chain.size());
    for (std::size_t i = 0; i < chain.size(); ++i) {
      EXPECT_EQ(verification.chain[i].subject, chain[i]["subject"]);
      EXPECT_EQ(test::time_of(verification.chain[i].not_before), manifest_time(chain[i]["nb"]));
      EXPECT_EQ(test::time_of(verification.chain[i].not_after), manifest_time(chain[i]["na"]));
    }

    // Collateral that holds nothing changes nothing.
    Collateral nothing;
    Verification without = verify_quote(evidence, endorsements, &nothing);
    EXPECT_TRUE(without.verified()) << joined(without.errors);
    EXPECT_EQ(without.tcb_status, "unknown");
  }
}

TEST_F(DcapVerifyTest, FullCollateralIsAppraisedAsIntelsQvlDoes) {
  std::size_t appraised = 0;
  for (const auto& entry : test::quote_entries()) {
    if (!test::has_full_collateral(entry)) {
      continue;
    }
    SCOPED_TRACE(entry["file"].get<std::string>());
    // The manifest names the collateral documents in its "collateral" note.
    std::string note = entry["expected"]["collateral"];
    std::string folder = entry["kind"].get<std::string>() + "/";
    Collateral collateral;
    std::regex document(R"((tcbinfo|qeidentity)_[A-Za-z0-9_.-]+\.json)");
    for (std::sregex_iterator it(note.begin(), note.end(), document), end; it != end; ++it) {
      Bytes text = ensign::test::read_vector(folder + it->str());
      auto added = add_collateral(collateral, as_string(text));
      ASSERT_TRUE(added.has_value()) << it->str() << ": " << added.error().message();
    }
    ASSERT_EQ(collateral.tcb_infos.size(), 1u);
    ASSERT_EQ(collateral.qe_identities.size(), 1u);
    auto endorsements = test::intel_endorsements(verify_at(entry), true);
    auto signing = test::certificates_of(folder + "intel_tcb_signing_chain.pem");
    endorsements.certificates.insert(
        endorsements.certificates.end(), signing.begin(), signing.end());
    Verification verification =
        verify_quote(test::quote_evidence(entry), endorsements, &collateral);
    // The PCK certificate's TCB (its SGX component SVNs and PCESVN) is below every level of this
    // TCB Info, which Intel's QVL reports as TCB_NOT_SUPPORTED; the QE Identity matches. Every
    // signature, chain and collateral item checks out, so the quote verifies, and its TCB status
    // says the platform is below every level Intel lists.
    EXPECT_TRUE(verification.verified()) << joined(verification.errors);
    EXPECT_EQ(verification.tcb_status, "TCBLevelNotSupported");
    EXPECT_EQ(verification.claims["tcb"]["platform_tcb_status"], "TCBLevelNotSupported");
    EXPECT_EQ(verification.claims["tcb"]["qe_tcb_status"], "UpToDate");
    ASSERT_TRUE(verification.claims.contains("tcb"));
    EXPECT_FALSE(verification.claims["tcb"].empty());
    ++appraised;
  }
  EXPECT_GE(appraised, 1u);
}

TEST_F(DcapVerifyTest, ChainCacheMemoizesByChainAndTime) {
  json entry = test::quote_entry_of_version(4);
  Bytes evidence = test::quote_evidence(entry);
  pki::ChainCache cache;
  auto endorsements = test::intel_endorsements(verify_at(entry), false);
  endorsements.chain_cache = &cache;
  Verification first = verify_quote(evidence, endorsements, nullptr);
  ASSERT_TRUE(first.verified()) << joined(first.errors);
  // The same chain at the same time is not checked again, whatever else the endorsements say:
  // a cache belongs with one set of endorsements.
  Endorsements untrusting;
  untrusting.at = endorsements.at;
  untrusting.chain_cache = &cache;
  Verification second = verify_quote(evidence, untrusting, nullptr);
  EXPECT_TRUE(second.verified()) << joined(second.errors);
  EXPECT_EQ(to_json(second), to_json(first));
  // Another time is another check.
  untrusting.at += kDay;
  expect_errors(verify_quote(evidence, untrusting, nullptr), {"PCK certificate chain: "});
}

TEST_F(DcapVerifyTest, AnSgxDebugEnclaveIsReportedAsDebug) {
  json entry = test::quote_entry_of_version(3);
  ASSERT_EQ(entry["expected"]["report"]["debug"], true) << "the SGX vector is a debug enclave";
  Bytes evidence = test::quote_evidence(entry);
  Verification verification = verify_entry(entry, evidence);
  EXPECT_TRUE(verification.verified()) << joined(verification.errors);
  EXPECT_TRUE(verification.debug);
  EXPECT_EQ(to_json(verification)["debug"], true);
  EXPECT_EQ(verification.claims["report"]["debug"], true);
  // Clearing ATTRIBUTES.DEBUG in the report is caught by the quote signature.
  Bytes cleared = evidence;
  cleared.at(kQuoteHeaderSize + 48) &= static_cast<std::uint8_t>(~0x02);
  Verification forged = verify_entry(entry, cleared);
  EXPECT_FALSE(forged.debug);
  expect_errors(forged, {"quote signature: does not verify with the attestation key"});
}

TEST_F(DcapVerifyTest, TamperedQuotesFailOnTheQuoteSignature) {
  auto tampered = test::entries_where(".tampered.bin");
  ASSERT_FALSE(tampered.empty());
  for (const auto& entry : tampered) {
    std::string file = entry["file"];
    SCOPED_TRACE(file);
    EXPECT_FALSE(entry["expect_valid"].get<bool>());
    Bytes evidence = ensign::test::read_vector(file);
    expect_errors(verify_entry(entry, evidence),
                  {"quote signature: does not verify with the attestation key (sha256 "});
  }
}

TEST_F(DcapVerifyTest, EachDamagedPartFailsItsOwnCheck) {
  const std::string kQuoteSignature = "quote signature: does not verify";
  const std::string kQeSignature = "QE report signature: does not verify with the PCK certificate";
  const std::string kBindingHash = "QE report data: its first 32 bytes are not SHA-256";
  const std::string kBindingZeros = "QE report data: its last 32 bytes are not zero";
  for (int version : {3, 4, 5}) {
    SCOPED_TRACE(version);
    json entry = test::quote_entry_of_version(version);
    Bytes evidence = test::quote_evidence(entry);
    Quote quote = test::parsed_quote(evidence);
    auto at = test::offsets_of(quote);
    struct Damage {
      std::size_t offset;
      std::vector<std::string> errors;
    };
    const Damage damages[] = {
        {8, {kQuoteSignature}},                              // header: QE SVN
        {28, {kQuoteSignature}},                             // header: user data
        {kQuoteHeaderSize + 16, {kQuoteSignature}},          // body
        {quote.signed_bytes.size() - 1, {kQuoteSignature}},  // body: report data
        {at.signature + 5, {kQuoteSignature}},
        {at.qe_report + 64, {kQeSignature}},  // QE report: MRENCLAVE
        {at.qe_report + 320, {kQeSignature, kBindingHash}},
        {at.qe_report + 383, {kQeSignature, kBindingZeros}},
        {at.qe_report_signature + 40, {kQeSignature}},
        {at.qe_auth_data, {kBindingHash}},
        {at.qe_auth_data + quote.qe_auth_data.size() - 1, {kBindingHash}},
    };
    for (const auto& damage : damages) {
      SCOPED_TRACE(damage.offset);
      expect_errors(verify_entry(entry, ensign::test::flipped(evidence, damage.offset)),
                    damage.errors);
    }
    // A damaged attestation key breaks the binding, and is no longer a P-256 point or no longer
    // verifies the quote.
    Verification key = verify_entry(entry, ensign::test::flipped(evidence, at.attestation_key + 7));
    ASSERT_EQ(key.errors.size(), 2u) << joined(key.errors);
    EXPECT_TRUE(starts_with(key.errors[0], kBindingHash)) << key.errors[0];
    EXPECT_TRUE(starts_with(key.errors[1], "attestation key (sha256 ") ||
                starts_with(key.errors[1], kQuoteSignature))
        << key.errors[1];
  }
}

TEST_F(DcapVerifyTest, ADamagedPckChainFailsTheChain) {
  json entry = test::quote_entry_of_version(4);
  Bytes evidence = test::quote_evidence(entry);
  auto at = test::offsets_of(test::parsed_quote(evidence));
  // A byte of the leaf's base64 text, past its BEGIN line.
  Verification damaged = verify_entry(entry, ensign::test::flipped(evidence, at.pck_chain + 400));
  ASSERT_FALSE(damaged.errors.empty());
  EXPECT_TRUE(starts_with(damaged.errors[0], "PCK certificate chain: ")) << damaged.errors[0];
  EXPECT_TRUE(damaged.chain.empty());
}

TEST_F(DcapVerifyTest, StructureErrorsStandAlone) {
  json sgx = test::quote_entry_of_version(3);
  Verification truncated =
      verify_entry(sgx, ensign::test::truncated(test::quote_evidence(sgx), 1000));
  expect_errors(truncated, {"structure: DCAP quote: truncated in "});
  EXPECT_EQ(truncated.format, EvidenceFormat::kSgx);
  EXPECT_TRUE(truncated.claims.empty());

  json tdx = test::quote_entry_of_version(4);
  Bytes padded = ensign::test::appended(test::quote_evidence(tdx), Bytes{0, 7});
  Verification with_suffix = verify_entry(tdx, padded);
  EXPECT_TRUE(with_suffix.verified());  // bytes after the quote are not signed, only counted
  EXPECT_EQ(with_suffix.claims["trailing"], test::trailing_of(tdx) + 2);

  Bytes version = test::quote_evidence(tdx);
  test::put_u16(version, 0, 6);
  Verification wrong_version = verify_entry(tdx, version);
  expect_errors(wrong_version, {"structure: DCAP quote: version 6 is not supported"});
  EXPECT_EQ(wrong_version.format, EvidenceFormat::kTdx);
}

TEST_F(DcapVerifyTest, OnlyThePinnedIntelRootIsAnAnchor) {
  json entry = test::quote_entry_of_version(4);
  Bytes evidence = test::quote_evidence(entry);
  // A root that copies Intel's name but not its key: trusted here on purpose, it still signs
  // nothing in the chain.
  auto lookalike = test::self_signed({{"C", "US"},
                                      {"ST", "CA"},
                                      {"L", "Santa Clara"},
                                      {"O", "Intel Corporation"},
                                      {"CN", "Intel SGX Root CA"}});
  Endorsements endorsements;
  endorsements.at = verify_at(entry);
  EXPECT_EQ(endorsements.anchors.add(lookalike, false).error().code(),
            ErrorCode::kPermissionDenied);
  ASSERT_TRUE(endorsements.anchors.add(lookalike, true).has_value());
  Verification verification = verify_quote(evidence, endorsements, nullptr);
  expect_errors(verification, {"PCK certificate chain: "});
  EXPECT_TRUE(verification.chain.empty());
  // The checks that need only the PCK key still ran and passed; the claims are all there.
  EXPECT_TRUE(verification.claims.contains("pck"));

  Endorsements none;
  none.at = verify_at(entry);
  Verification no_roots = verify_quote(evidence, none, nullptr);
  expect_errors(no_roots, {"PCK certificate chain: "});
  EXPECT_TRUE(contains(no_roots.errors[0], "no trusted root certificates"));
}

TEST_F(DcapVerifyTest, RefusesThePckCertificateOutsideItsValidity) {
  json entry = test::quote_entry_of_version(4);
  Bytes evidence = test::quote_evidence(entry);
  const json& leaf = entry["expected"]["pck_chain"][0];
  auto after = test::intel_endorsements(manifest_time(leaf["na"]) + kDay, false);
  Verification expired = verify_quote(evidence, after, nullptr);
  expect_errors(expired, {"PCK certificate chain: certificate '"});
  EXPECT_TRUE(contains(expired.errors[0], "CN=Intel SGX PCK Certificate': certificate has expired"))
      << expired.errors[0];

  auto before = test::intel_endorsements(manifest_time(leaf["nb"]) - kDay, false);
  Verification early = verify_quote(evidence, before, nullptr);
  expect_errors(early, {"PCK certificate chain: certificate '"});
  EXPECT_TRUE(
      contains(early.errors[0], "CN=Intel SGX PCK Certificate': certificate is not yet valid"))
      << early.errors[0];
}

TEST_F(DcapVerifyTest, RefusesAStaleCrl) {
  // Intel's root CA CRL here is current until 2024-04-02; this quote verifies as of 2025.
  for (const auto& entry : test::quote_entries()) {
    if (test::has_full_collateral(entry) ||
        verify_at(entry) < test::time_of("2024-05-01T00:00:00Z")) {
      continue;
    }
    SCOPED_TRACE(entry["file"].get<std::string>());
    Verification verification = verify_quote(
        test::quote_evidence(entry), test::intel_endorsements(verify_at(entry), true), nullptr);
    expect_errors(verification, {"PCK certificate chain: CRL of '"});
    EXPECT_TRUE(contains(verification.errors[0], "not current at")) << verification.errors[0];
    return;
  }
  FAIL() << "no quote verifies after the CRLs' nextUpdate";
}

}  // namespace
}  // namespace ensign::attest::dcap
