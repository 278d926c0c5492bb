// The shared vectors' manifest, walked entry by entry: every piece of real evidence of a kind
// ensign covers is verified at the entry's verify_at with the certificates and collateral the
// entry names, `verified` must equal expect_valid, and every claim under `expected` that the
// verifier reports must equal it. Certificates, CRLs, collateral and HCL reports are checked as
// what they are. Nothing is special-cased per file: the entry's own fields and a few naming
// rules (below) say what to pass. Kinds not covered yet are reported as skipped.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "attest/appraisal.h"
#include "attest/dcap/collateral.h"
#include "attest/pki/certificates.h"
#include "attest/tpm/azure_hcl.h"
#include "crypto/hash.h"
#include "support/vectors.h"

namespace ensign::attest {
namespace {

using Json = nlohmann::json;

const std::set<std::string> kCoveredKinds = {"snp", "tdx", "sgx", "tpm", "sim"};

Json manifest() {
  Bytes text = ensign::test::read_vector("manifest.json");
  return Json::parse(as_string(text));
}

std::string directory_of(const std::string& file) {
  return file.substr(0, file.find('/'));
}

std::string name_of(const std::string& file) {
  return file.substr(file.find('/') + 1);
}

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

UnixTime verify_time(const Json& entry) {
  if (!entry.contains("verify_at") || entry["verify_at"].is_null()) {
    return now_unix();
  }
  return *parse_rfc3339(entry["verify_at"].get<std::string>());
}

// expected_of returns an entry's "expected" object (empty when it has none).
Json expected_of(const Json& entry) {
  return entry.contains("expected") && entry["expected"].is_object() ? entry["expected"]
                                                                     : Json::object();
}

// ManifestIndex answers the naming rules over the whole manifest.
class ManifestIndex {
 public:
  explicit ManifestIndex(const Json& document) {
    for (const auto& entry : document["entries"]) {
      entries_[entry["file"].get<std::string>()] = entry;
    }
  }

  const Json* find(const std::string& file) const {
    auto found = entries_.find(file);
    return found == entries_.end() ? nullptr : &found->second;
  }

  // by_stem finds "<dir>/<stem>.<any extension>" (expected.signature_verifies_with names stems).
  std::optional<std::string> by_stem(const std::string& directory, const std::string& stem) const {
    for (const auto& [file, entry] : entries_) {
      std::string name = name_of(file);
      if (directory_of(file) == directory && name.substr(0, name.find('.')) == stem) {
        return file;
      }
    }
    return std::nullopt;
  }

  // with_format lists the files of `directory` whose manifest format starts with `prefix`.
  std::vector<std::string> with_format(const std::string& directory,
                                       std::string_view prefix) const {
    std::vector<std::string> files;
    for (const auto& [file, entry] : entries_) {
      if (directory_of(file) == directory && starts_with(entry["format"].get<std::string>(), prefix)) {
        files.push_back(file);
      }
    }
    return files;
  }

  // companion returns, among the files of `directory` whose format starts with `prefix`, the
  // one sharing the longest name prefix with `file` (a quote's signature or key file).
  std::optional<std::string> companion(const std::string& file, std::string_view prefix) const {
    std::optional<std::string> best;
    std::size_t best_length = 0;
    for (const auto& candidate : with_format(directory_of(file), prefix)) {
      auto mismatch = std::mismatch(candidate.begin(), candidate.end(), file.begin(), file.end());
      auto length = static_cast<std::size_t>(mismatch.first - candidate.begin());
      if (length > best_length) {
        best = candidate;
        best_length = length;
      }
    }
    return best;
  }

  // untampered returns the entry a "*.tampered.*" file was made from: the same name without
  // ".tampered" and, if need be, without the qualifier before it (".sigflip").
  std::optional<std::string> untampered(const std::string& file) const {
    std::string name = file;
    auto at = name.find(".tampered");
    if (at == std::string::npos) {
      return std::nullopt;
    }
    name.erase(at, std::string(".tampered").size());
    while (true) {
      if (find(name) != nullptr) {
        return name;
      }
      auto dot = name.rfind('.', name.rfind('.') - 1);
      if (dot == std::string::npos || dot < name.find('/')) {
        return std::nullopt;
      }
      name.erase(dot, name.rfind('.') - dot);
    }
  }

  // pinned_roots returns every self-signed certificate in the vectors that is a pinned vendor
  // root: the trust directory a user would have made with `ensign trust add`.
  std::vector<Bytes> pinned_roots() const {
    std::vector<Bytes> roots;
    std::set<std::string> seen;
    for (const auto& [file, entry] : entries_) {
      if (!starts_with(entry["format"].get<std::string>(), "X.509") &&
          !starts_with(entry["format"].get<std::string>(), "PEM x509")) {
        continue;
      }
      auto certificates = pki::parse_certificates(ensign::test::read_vector(file));
      if (!certificates) {
        continue;
      }
      for (const auto& certificate : *certificates) {
        pki::TrustAnchors check;
        if (certificate.is_self_issued() && check.add(certificate, false) &&
            seen.insert(certificate.sha256()).second) {
          roots.push_back(certificate.der());
        }
      }
    }
    return roots;
  }

 private:
  std::map<std::string, Json> entries_;
};

// compare_claims compares every leaf of `expected` that `actual` also has; it returns how many
// it compared and records mismatches. Hex and "0x" strings compare case-insensitively.
std::size_t compare_claims(const Json& expected, const Json& actual, const std::string& path,
                           std::vector<std::string>& mismatches) {
  if (expected.is_object()) {
    if (!actual.is_object()) {
      mismatches.push_back(path + ": expected an object, got " + actual.dump());
      return 1;
    }
    std::size_t compared = 0;
    for (const auto& [key, value] : expected.items()) {
      if (actual.contains(key)) {
        compared += compare_claims(value, actual[key], path + "." + key, mismatches);
      }
    }
    return compared;
  }
  auto lower = [](std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
  };
  bool same = expected.is_string() && actual.is_string()
                  ? lower(expected.get<std::string>()) == lower(actual.get<std::string>())
                  : expected == actual;
  if (!same) {
    mismatches.push_back(path + ": expected " + expected.dump() + ", got " + actual.dump());
  }
  return 1;
}

// Outcome of one entry, for the summary.
struct Checked {
  std::string file;
  std::string what;  // "evidence", "certificate", ... or "skipped: <why>"
  std::size_t claims_compared = 0;
};

class ManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ENSIGN_REQUIRE_VECTORS();
    document_ = manifest();
    index_ = std::make_unique<ManifestIndex>(document_);
    roots_ = index_->pinned_roots();
  }

  // request_for builds the appraisal request of an evidence entry from its references.
  AppraisalRequest request_for(const std::string& file, const Json& entry) {
    AppraisalRequest request;
    request.evidence = ensign::test::read_vector(file);
    request.trusted_roots = roots_;
    request.at = verify_time(entry);
    // A tampered file is verified with what its original names.
    const Json* references = &entry;
    if (auto original = index_->untampered(file)) {
      references = index_->find(*original);
    }
    const Json expected = expected_of(*references);
    std::string directory = directory_of(file);
    if (expected.contains("signature_verifies_with")) {
      auto leaf = index_->by_stem(directory, expected["signature_verifies_with"].get<std::string>());
      EXPECT_TRUE(leaf.has_value()) << file;
      if (leaf) {
        request.certificates.push_back(ensign::test::read_vector(*leaf));
      }
    }
    if (expected.contains("chain")) {
      request.certificates.push_back(
          ensign::test::read_vector(directory + "/" + expected["chain"].get<std::string>()));
    }
    // "full: collateral a.json + b.json + CRLs": those JSON files, the folder's CRLs, and its
    // certificate chains (Intel serves the collateral's issuer chain with it).
    if (expected.contains("collateral") &&
        starts_with(expected["collateral"].get<std::string>(), "full")) {
      std::string text = expected["collateral"].get<std::string>();
      for (const auto& json : index_->with_format(directory, "Intel PCS JSON")) {
        if (text.find(name_of(json)) != std::string::npos) {
          request.collateral.push_back(ensign::test::read_vector(json));
        }
      }
      for (const auto& crl : index_->with_format(directory, "X.509 CRL")) {
        request.collateral.push_back(ensign::test::read_vector(crl));
      }
      for (const auto& chain : index_->with_format(directory, "X.509 PEM chain")) {
        request.certificates.push_back(ensign::test::read_vector(chain));
      }
    }
    // TPM: "verifies_with": "<file> <key name>" names the file holding the attestation key;
    // a bare TPMS_ATTEST takes its signature and key from its companions.
    // An AK held in an Azure HCL report comes with the report, whose SEV-SNP report vouches for
    // it: its VCEK and chain are among the snp folder's certificates.
    if (expected.contains("verifies_with")) {
      std::string holder = expected["verifies_with"].get<std::string>();
      Bytes contents = ensign::test::read_vector(directory + "/" + holder.substr(0, holder.find(' ')));
      if (tpm::is_hcl_report(contents)) {
        request.ak_report = contents;
        for (const auto& certificate : index_->with_format("snp", "X.509")) {
          request.certificates.push_back(ensign::test::read_vector(certificate));
        }
        for (const auto& certificate : index_->with_format("snp", "PEM x509")) {
          request.certificates.push_back(ensign::test::read_vector(certificate));
        }
      } else {
        auto ak = tpm::ak_public_from_file_contents(contents);
        EXPECT_TRUE(ak.has_value()) << file;
        request.ak_public = ak ? *ak : Bytes{};
      }
    }
    std::string format = (*references)["format"].get<std::string>();
    if (starts_with(format, "TPMS_ATTEST")) {
      auto signature = index_->companion(file, "TPMT_SIGNATURE");
      auto key = index_->companion(file, "SubjectPublicKeyInfo");
      EXPECT_TRUE(signature && key) << file;
      if (signature && key) {
        request.tpm_signature = ensign::test::read_vector(*signature);
        request.ak_public = ensign::test::read_vector(*key);
      }
    }
    return request;
  }

  Checked check_evidence(const std::string& file, const Json& entry) {
    Checked checked{file, "evidence"};
    auto appraisal = appraise_evidence(request_for(file, entry));
    EXPECT_TRUE(appraisal.has_value()) << file << ": " << (appraisal ? "" : appraisal.error().message());
    if (!appraisal) {
      return checked;
    }
    const Verification& verification = appraisal->verification;
    bool expect_valid = entry["expect_valid"].get<bool>();
    std::string errors;
    for (const auto& error : verification.errors) {
      errors += "\n  " + error;
    }
    EXPECT_EQ(verification.verified(), expect_valid) << file << errors;
    if (!expect_valid) {
      EXPECT_FALSE(verification.errors.empty()) << file;
      if (expected_of(entry).contains("flipped")) {
        // One flipped bit must be caught by a signature, and the error must say which.
        EXPECT_NE(errors.find("signature"), std::string::npos) << file << errors;
      }
      return checked;
    }
    std::vector<std::string> mismatches;
    checked.claims_compared =
        compare_claims(expected_of(entry), verification.claims, file, mismatches);
    for (const auto& mismatch : mismatches) {
      ADD_FAILURE() << mismatch;
    }
    EXPECT_GT(checked.claims_compared, 5u) << file << ": too few claims compared";
    return checked;
  }

  Checked check_certificates(const std::string& file, const Json& entry,
                             const std::vector<pki::Certificate>& certificates) {
    Checked checked{file, "certificate"};
    const Json expected = expected_of(entry);
    const Json listed = expected.contains("certs") ? expected["certs"] : expected["cert"];
    EXPECT_EQ(listed.size(), certificates.size()) << file;
    for (std::size_t i = 0; i < std::min<std::size_t>(listed.size(), certificates.size()); ++i) {
      auto summary = certificates[i].summary();
      EXPECT_EQ(summary.subject, listed[i]["subject"]) << file;
      EXPECT_EQ(summary.issuer, listed[i]["issuer"]) << file;
      EXPECT_EQ(summary.sha256, listed[i]["sha256"]) << file;
      // The manifest writes "2020-10-22 18:24:20+00:00".
      EXPECT_EQ(*parse_rfc3339(summary.not_before), *parse_rfc3339(listed[i]["not_before"].get<std::string>()))
          << file;
      checked.claims_compared += 4;
    }
    // Valid means: chains to a pinned root at verify_at through the folder's certificates.
    pki::TrustAnchors anchors;
    for (const auto& root : roots_) {
      EXPECT_TRUE(anchors.add(*pki::Certificate::from_der(root), false));
    }
    std::vector<pki::Certificate> pool;
    for (const auto& other : index_->with_format(directory_of(file), "")) {
      auto parsed = pki::parse_certificates(ensign::test::read_vector(other));
      if (parsed) {
        pool.insert(pool.end(), parsed->begin(), parsed->end());
      }
    }
    auto chain = pki::verify_chain(certificates.front(), pool, anchors, {}, verify_time(entry));
    EXPECT_EQ(chain.has_value(), entry["expect_valid"].get<bool>())
        << file << (chain ? "" : ": " + chain.error().message());
    return checked;
  }

  Checked check_crl(const std::string& file, const Json& entry, const std::vector<pki::Crl>& crls) {
    Checked checked{file, "crl"};
    // A CRL is valid when a certificate of its folder that chains to a pinned root signed it
    // and it is current at verify_at.
    UnixTime at = verify_time(entry);
    bool valid = false;
    for (const auto& other : index_->with_format(directory_of(file), "")) {
      auto certificates = pki::parse_certificates(ensign::test::read_vector(other));
      if (!certificates) {
        continue;
      }
      for (const auto& issuer : *certificates) {
        if (issuer.subject() != crls.front().issuer() ||
            X509_CRL_verify(crls.front().get(), issuer.public_key()) != 1) {
          continue;
        }
        pki::TrustAnchors anchors;
        for (const auto& root : roots_) {
          EXPECT_TRUE(anchors.add(*pki::Certificate::from_der(root), false));
        }
        valid = valid || pki::verify_chain(issuer, *certificates, anchors, crls, at).has_value();
      }
    }
    EXPECT_EQ(valid, entry["expect_valid"].get<bool>()) << file;
    return checked;
  }

  Checked check_collateral(const std::string& file, const Json& entry) {
    Checked checked{file, "collateral"};
    std::string text = as_string(ensign::test::read_vector(file));
    Endorsements endorsements;
    endorsements.at = verify_time(entry);
    for (const auto& root : roots_) {
      EXPECT_TRUE(endorsements.anchors.add(*pki::Certificate::from_der(root), false));
    }
    for (const auto& chain : index_->with_format(directory_of(file), "X.509 PEM chain")) {
      auto parsed = pki::parse_certificates(ensign::test::read_vector(chain));
      endorsements.certificates.insert(endorsements.certificates.end(), parsed->begin(), parsed->end());
    }
    dcap::CollateralCheck check;
    if (auto tcb_info = dcap::parse_tcb_info(text)) {
      check = dcap::verify_tcb_info(*tcb_info, endorsements);
    } else {
      auto identity = dcap::parse_qe_identity(text);
      EXPECT_TRUE(identity.has_value()) << file;
      if (!identity) {
        return checked;
      }
      check = dcap::verify_qe_identity(*identity, endorsements);
    }
    std::string errors;
    for (const auto& error : check.errors) {
      errors += "\n  " + error;
    }
    EXPECT_EQ(check.errors.empty(), entry["expect_valid"].get<bool>()) << file << errors;
    const Json expected = expected_of(entry);
    if (expected.value("collateral_signature_valid", true)) {
      EXPECT_EQ(errors.find("signature"), std::string::npos) << file << errors;
    }
    if (!expected.value("issuer_chain_valid_at_verify_at", true)) {
      EXPECT_NE(errors.find("expired"), std::string::npos) << file << errors;
    }
    return checked;
  }

  Checked check_hcl_report(const std::string& file, const Json& entry) {
    Checked checked{file, "hcl report"};
    auto report = tpm::parse_hcl_report(ensign::test::read_vector(file));
    EXPECT_EQ(report.has_value(), entry["expect_valid"].get<bool>()) << file;
    if (report) {
      const Json expected = expected_of(entry);
      EXPECT_EQ(hex_encode(crypto::sha256(report->runtime_data)), expected["runtime_data_sha256"]);
      EXPECT_EQ(report->runtime_data.size(), expected["runtime_json_len"].get<std::size_t>());
      checked.claims_compared = 2;
    }
    return checked;
  }

  Json document_;
  std::unique_ptr<ManifestIndex> index_;
  std::vector<Bytes> roots_;
};

TEST_F(ManifestTest, EveryEntryOfACoveredKindChecksOut) {
  std::vector<Checked> results;
  for (const auto& entry : document_["entries"]) {
    std::string file = entry["file"].get<std::string>();
    std::string kind = entry["kind"].get<std::string>();
    if (kCoveredKinds.count(kind) == 0) {
      results.push_back({file, "skipped: kind " + kind + " is not covered yet"});
      continue;
    }
    Bytes contents = ensign::test::read_vector(file);
    std::string format = entry["format"].get<std::string>();
    if (detect_evidence_format(contents) || starts_with(format, "TPMS_ATTEST")) {
      results.push_back(check_evidence(file, entry));
    } else if (auto certificates = pki::parse_certificates(contents)) {
      results.push_back(check_certificates(file, entry, *certificates));
    } else if (auto crls = pki::parse_crls(contents)) {
      results.push_back(check_crl(file, entry, *crls));
    } else if (starts_with(format, "Intel PCS JSON")) {
      results.push_back(check_collateral(file, entry));
    } else if (tpm::is_hcl_report(contents)) {
      results.push_back(check_hcl_report(file, entry));
    } else if (starts_with(format, "SubjectPublicKeyInfo") || starts_with(format, "TPMT_SIGNATURE")) {
      results.push_back({file, "input of another entry's check"});
    } else if (starts_with(format, "JSON")) {
      results.push_back({file, "skipped: reference data of another project, not evidence"});
    } else {
      results.push_back({file, "skipped: not evidence, certificate, CRL or collateral"});
    }
  }
  std::map<std::string, int> counts;
  for (const auto& result : results) {
    std::string what = starts_with(result.what, "skipped") ? "skipped" : result.what;
    ++counts[what];
    std::string claims = result.claims_compared > 0
                             ? " (" + std::to_string(result.claims_compared) + " claims)"
                             : "";
    std::printf("%-50s %s%s\n", result.file.c_str(), result.what.c_str(), claims.c_str());
  }
  for (const auto& [what, count] : counts) {
    std::printf("%s: %d\n", what.c_str(), count);
  }
  EXPECT_GE(counts["evidence"], 15);
  EXPECT_GE(counts["certificate"], 10);
}

}  // namespace
}  // namespace ensign::attest
