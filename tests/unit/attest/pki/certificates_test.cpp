// Tests of the X.509 layer on the vendors' real certificates (../shared/vectors, read in place)
// and on a throwaway authority for what real vectors cannot show (revocation, stale CRLs).
#include "attest/pki/certificates.h"

#include <gtest/gtest.h>

#include "support/text.h"
#include "support/vectors.h"
#include "test_authority.h"

namespace ensign::attest::pki {
namespace {

using test::TestAuthority;

UnixTime at(const char* text) {
  auto time = parse_rfc3339(text);
  EXPECT_TRUE(time.has_value()) << text;
  return time ? *time : 0;
}

std::vector<Certificate> certificates_of(const std::string& vector) {
  auto parsed = parse_certificates(ensign::test::read_vector(vector));
  EXPECT_TRUE(parsed.has_value()) << vector << ": " << (parsed ? "" : parsed.error().message());
  return parsed ? *parsed : std::vector<Certificate>{};
}

// milan returns the VCEK of go-sev-guest's report, its ASK, and anchors holding ARK-Milan.
struct Milan {
  Certificate vcek;
  Certificate ask;
  TrustAnchors anchors;
};

Milan milan() {
  auto vcek = certificates_of("snp/gosev_milan_vcek.der");
  auto ask_ark = certificates_of("snp/amd_milan_ask_ark.pem");
  Milan result{vcek.at(0), ask_ark.at(0), {}};
  EXPECT_TRUE(result.anchors.add(ask_ark.at(1), false).has_value());
  return result;
}

using ::ensign::test::contains;

class VectorTest : public ::testing::Test {
 protected:
  void SetUp() override { ENSIGN_REQUIRE_VECTORS(); }
};

TEST_F(VectorTest, ReadsAPemChainInOrderWithRfc2253Names) {
  auto chain = certificates_of("snp/amd_milan_ask_ark.pem");
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0].subject(),
            "CN=SEV-Milan,O=Advanced Micro Devices,ST=CA,L=Santa Clara,C=US,OU=Engineering");
  EXPECT_EQ(chain[1].subject(), chain[1].issuer());
  EXPECT_TRUE(chain[1].is_self_issued());
  EXPECT_FALSE(chain[0].is_self_issued());
  EXPECT_EQ(chain[0].summary().not_before, "2020-10-22T18:24:20Z");
}

TEST_F(VectorTest, ReadsADerCertificateWithAZeroSerial) {
  auto vcek = certificates_of("snp/gosev_milan_vcek.der");
  ASSERT_EQ(vcek.size(), 1u);
  EXPECT_EQ(vcek[0].sha256(), "0d057f9b6e29a69eda9c0154b259567d291c1c08d73a11e9d31ace07c435b6d8");
  auto hardware_id = vcek[0].extension("1.3.6.1.4.1.3704.1.4");
  ASSERT_TRUE(hardware_id.has_value());
  EXPECT_EQ(hardware_id->size(), 64u);
  EXPECT_FALSE(vcek[0].extension("1.2.3.4").has_value());
  EXPECT_FALSE(vcek[0].extension("not an oid").has_value());
}

TEST_F(VectorTest, FindsPemBlocksInsideBinaryEvidence) {
  // A TDX quote carries its PCK chain as PEM text inside binary data.
  auto chain = certificates_of("tdx/gotdx_v4_spr_e4_quote.bin");
  ASSERT_EQ(chain.size(), 3u);
  EXPECT_TRUE(contains(chain[0].subject(), "CN=Intel SGX PCK Certificate"));
}

TEST_F(VectorTest, PinsTheVendorRoots) {
  for (const char* file : {"snp/amd_milan_ask_ark.pem",
                           "snp/amd_genoa_ask_ark.pem",
                           "snp/amd_turin_ask_ark.pem",
                           "tdx/intel_sgx_root_ca.pem"}) {
    auto chain = certificates_of(file);
    TrustAnchors anchors;
    EXPECT_TRUE(anchors.add(chain.back(), false).has_value()) << file;
    EXPECT_NE(anchors.pin_name(chain.back()), "unpinned") << file;
  }
}

TEST_F(VectorTest, RefusesAnIntermediateAsARoot) {
  TrustAnchors anchors;
  auto added = anchors.add(milan().ask, true);
  ASSERT_FALSE(added.has_value());
  EXPECT_EQ(added.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(anchors.roots().empty());
}

TEST_F(VectorTest, VerifiesTheVcekChainAtAGivenTime) {
  auto [vcek, ask, anchors] = milan();
  std::vector<Certificate> intermediates = {ask};
  auto chain = verify_chain(vcek, intermediates, anchors, {}, at("2025-06-01T00:00:00Z"));
  ASSERT_TRUE(chain.has_value()) << chain.error().message();
  ASSERT_EQ(chain->size(), 3u);
  EXPECT_EQ((*chain)[0].sha256(), vcek.sha256());
  EXPECT_EQ((*chain)[2].sha256(), anchors.roots()[0].sha256());
  EXPECT_EQ(summarize(*chain).size(), 3u);
}

TEST_F(VectorTest, RefusesAnExpiredLeafNamingIt) {
  auto [vcek, ask, anchors] = milan();
  std::vector<Certificate> intermediates = {ask};
  auto chain = verify_chain(vcek, intermediates, anchors, {}, at("2030-01-01T00:00:00Z"));
  ASSERT_FALSE(chain.has_value());
  EXPECT_EQ(chain.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(contains(chain.error().message(), "SEV-VCEK")) << chain.error().message();
  EXPECT_TRUE(contains(chain.error().message(), "expired")) << chain.error().message();
}

TEST_F(VectorTest, RefusesALeafNotYetValid) {
  auto [vcek, ask, anchors] = milan();
  std::vector<Certificate> intermediates = {ask};
  auto chain = verify_chain(vcek, intermediates, anchors, {}, at("2021-01-01T00:00:00Z"));
  ASSERT_FALSE(chain.has_value());
  EXPECT_TRUE(contains(chain.error().message(), "not yet valid")) << chain.error().message();
}

TEST_F(VectorTest, RefusesAChainWithoutItsIntermediate) {
  auto [vcek, ask, anchors] = milan();
  auto chain = verify_chain(vcek, {}, anchors, {}, at("2025-06-01T00:00:00Z"));
  ASSERT_FALSE(chain.has_value());
  EXPECT_TRUE(contains(chain.error().message(), "no path to a trusted root"))
      << chain.error().message();
}

TEST_F(VectorTest, RefusesAChainToAnotherVendorRoot) {
  auto [vcek, ask, anchors] = milan();
  auto genoa = certificates_of("snp/amd_genoa_ask_ark.pem");
  TrustAnchors genoa_only;
  ASSERT_TRUE(genoa_only.add(genoa.back(), false).has_value());
  std::vector<Certificate> intermediates = {ask};
  EXPECT_FALSE(
      verify_chain(vcek, intermediates, genoa_only, {}, at("2025-06-01T00:00:00Z")).has_value());
}

TEST_F(VectorTest, RefusesAnEmptyTrustStore) {
  auto [vcek, ask, anchors] = milan();
  std::vector<Certificate> intermediates = {ask};
  auto chain = verify_chain(vcek, intermediates, TrustAnchors{}, {}, at("2025-06-01T00:00:00Z"));
  ASSERT_FALSE(chain.has_value());
  EXPECT_TRUE(contains(chain.error().message(), "trust directory is empty"));
}

TEST_F(VectorTest, RefusesTheLegacyVcekThatDoesNotChain) {
  auto [vcek, ask, anchors] = milan();
  auto legacy = certificates_of("snp/coco_vcek_invalid_legacy.der");
  ASSERT_EQ(legacy.size(), 1u);
  std::vector<Certificate> intermediates = {ask};
  auto chain = verify_chain(legacy[0], intermediates, anchors, {}, at("2025-06-01T00:00:00Z"));
  ASSERT_FALSE(chain.has_value());
  EXPECT_TRUE(contains(chain.error().message(), "signature")) << chain.error().message();
}

TEST_F(VectorTest, ChecksIntelCrlsOnThePckChain) {
  auto quote_chain = certificates_of("tdx/gotdx_v4_spr_e4_quote.bin");
  auto root = certificates_of("tdx/intel_sgx_root_ca.pem");
  TrustAnchors anchors;
  ASSERT_TRUE(anchors.add(root.at(0), false).has_value());
  std::vector<Crl> crls;
  for (const char* file : {"tdx/intel_root_ca_crl.der", "tdx/intel_pck_platform_crl.der"}) {
    auto parsed = parse_crls(ensign::test::read_vector(file));
    ASSERT_TRUE(parsed.has_value()) << file;
    crls.insert(crls.end(), parsed->begin(), parsed->end());
  }
  std::vector<Certificate> intermediates(quote_chain.begin() + 1, quote_chain.end());
  auto chain =
      verify_chain(quote_chain[0], intermediates, anchors, crls, at("2023-06-20T00:00:00Z"));
  ASSERT_TRUE(chain.has_value()) << chain.error().message();
  // The PCK Platform CA's CRL of 2023-06-08 is stale a month later.
  auto stale =
      verify_chain(quote_chain[0], intermediates, anchors, crls, at("2023-08-01T00:00:00Z"));
  ASSERT_FALSE(stale.has_value());
  EXPECT_TRUE(contains(stale.error().message(), "not current")) << stale.error().message();
}

TEST(Certificates, RefusesMalformedInput) {
  EXPECT_FALSE(parse_certificates(to_bytes("")).has_value());
  EXPECT_FALSE(parse_certificates(to_bytes("not a certificate")).has_value());
  EXPECT_FALSE(parse_certificates(to_bytes("-----BEGIN CERTIFICATE-----\nAAAA\n"
                                           "-----END CERTIFICATE-----\n"))
                   .has_value());
  EXPECT_FALSE(parse_certificates(to_bytes("-----BEGIN PUBLIC KEY-----\n")).has_value());
  EXPECT_FALSE(parse_certificates(Bytes(kMaxPemBundleSize + 1, '-')).has_value());
  EXPECT_FALSE(parse_crls(to_bytes("garbage")).has_value());
}

TEST(Certificates, RefusesBytesAfterADerCertificate) {
  TestAuthority authority("Test Root");
  Bytes der = authority.root().der();
  der.push_back(0);
  EXPECT_FALSE(Certificate::from_der(der).has_value());
}

TEST(Certificates, RefusesAnUnpinnedRootUnlessAllowed) {
  TestAuthority authority("Test Root");
  TrustAnchors anchors;
  auto refused = anchors.add(authority.root(), false);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(contains(refused.error().message(), authority.root().sha256()));
  EXPECT_TRUE(anchors.add(authority.root(), true).has_value());
  EXPECT_EQ(anchors.pin_name(authority.root()), "unpinned");
}

TEST(Certificates, RefusesARevokedCertificate) {
  TestAuthority authority("Test Root");
  TrustAnchors anchors;
  ASSERT_TRUE(anchors.add(authority.root(), true).has_value());
  UnixTime now = at("2025-01-01T00:00:00Z");
  auto leaf = authority.issue("Leaf", 42, now - 86400, now + 86400, false);
  auto listing_other = authority.crl({7}, now - 3600, now + 3600);
  auto listing_leaf = authority.crl({7, 42}, now - 3600, now + 3600);
  EXPECT_TRUE(verify_chain(leaf, {}, anchors, std::vector<Crl>{listing_other}, now).has_value());
  auto revoked = verify_chain(leaf, {}, anchors, std::vector<Crl>{listing_leaf}, now);
  ASSERT_FALSE(revoked.has_value());
  EXPECT_TRUE(contains(revoked.error().message(), "revoked")) << revoked.error().message();
}

TEST(Certificates, RefusesACrlSignedByAnotherAuthority) {
  TestAuthority authority("Test Root");
  TestAuthority impostor("Test Root");  // same name, another key
  TrustAnchors anchors;
  ASSERT_TRUE(anchors.add(authority.root(), true).has_value());
  UnixTime now = at("2025-01-01T00:00:00Z");
  auto leaf = authority.issue("Leaf", 42, now - 86400, now + 86400, false);
  auto forged = impostor.crl({}, now - 3600, now + 3600);
  auto checked = verify_chain(leaf, {}, anchors, std::vector<Crl>{forged}, now);
  ASSERT_FALSE(checked.has_value());
  EXPECT_TRUE(contains(checked.error().message(), "signature does not verify"));
}

TEST(Certificates, RefusesACrlNotYetIssued) {
  TestAuthority authority("Test Root");
  TrustAnchors anchors;
  ASSERT_TRUE(anchors.add(authority.root(), true).has_value());
  UnixTime now = at("2025-01-01T00:00:00Z");
  auto leaf = authority.issue("Leaf", 42, now - 86400, now + 86400, false);
  auto future = authority.crl({}, now + 60, now + 3600);
  EXPECT_FALSE(verify_chain(leaf, {}, anchors, std::vector<Crl>{future}, now).has_value());
}

TEST(ChainCache, RunsTheCheckOncePerIdentityAndTime) {
  ChainCache cache;
  int runs = 0;
  auto check = [&]() -> Result<std::vector<Certificate>> {
    ++runs;
    return fail(ErrorCode::kUnauthenticated, "no");
  };
  EXPECT_FALSE(*cache.verify("chain", "a", 1, check));
  EXPECT_FALSE(*cache.verify("chain", "a", 1, check));
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(*cache.verify("chain", "a", 2, check));
  EXPECT_FALSE(*cache.verify("chain", "b", 1, check));
  EXPECT_FALSE(*cache.verify("other-chain", "a", 2, check));
  EXPECT_EQ(runs, 4);
  // It keeps the last time each identity was checked at.
  EXPECT_FALSE(*cache.verify("chain", "a", 2, check));
  EXPECT_EQ(runs, 4);
  EXPECT_FALSE(*cache.verify("chain", "a", 1, check));
  EXPECT_EQ(runs, 5);
}

TEST(ChainCache, RemembersPerKindAndIdentity) {
  ChainCache cache;
  int runs = 0;
  auto make = [&] { return ++runs; };
  EXPECT_EQ(*cache.remember<int>("count", "x", make), 1);
  EXPECT_EQ(*cache.remember<int>("count", "x", make), 1);
  EXPECT_EQ(*cache.remember<int>("count", "y", make), 2);
  EXPECT_EQ(*cache.remember<int>("other-count", "x", make), 3);
  EXPECT_EQ(*remembered<int>(nullptr, "count", "x", make), 4);  // no cache: made every time
}

TEST(ChainCache, StartsAKindOverWhenFull) {
  ChainCache cache;
  int runs = 0;
  auto make = [&] { return ++runs; };
  for (std::size_t i = 0; i < ChainCache::kMaxEntries; ++i) {
    cache.remember<int>("count", std::to_string(i), make);
  }
  EXPECT_EQ(*cache.remember<int>("count", "0", make), 1);  // still there
  cache.remember<int>("count", "one too many", make);
  int again = *cache.remember<int>("count", "0", make);
  EXPECT_EQ(again, static_cast<int>(ChainCache::kMaxEntries) + 2);  // made again
}

}  // namespace
}  // namespace ensign::attest::pki
