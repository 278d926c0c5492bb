// snp_vectors.h: the SEV-SNP entries of the shared vectors' manifest (../shared/vectors, read in
// place) and the endorsements each real report verifies with, for the tests of src/attest/snp.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "attest/endorsements.h"
#include "attest/pki/certificates.h"
#include "attest/verification.h"
#include "core/bytes.h"
#include "core/time.h"
#include "support/text.h"
#include "support/vectors.h"

namespace ensign::attest::snp::test {

// manifest returns the parsed manifest.json of the vectors directory (empty when it is missing).
inline const nlohmann::json& manifest() {
  static const nlohmann::json parsed = [] {
    Bytes text = ensign::test::read_vector("manifest.json");
    return nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  }();
  return parsed;
}

// entry returns the manifest entry of `file` ("snp/x.bin"), or null.
inline nlohmann::json entry(const std::string& file) {
  for (const auto& item : manifest().value("entries", nlohmann::json::array())) {
    if (item.value("file", "") == file) {
      return item;
    }
  }
  ADD_FAILURE() << file << " is not in the manifest";
  return nullptr;
}

// real_reports returns the manifest entries of the valid SEV-SNP reports: those that name the
// certificate their signature verifies with.
inline std::vector<nlohmann::json> real_reports() {
  std::vector<nlohmann::json> reports;
  for (const auto& item : manifest().value("entries", nlohmann::json::array())) {
    if (item.value("kind", "") == "snp" && item.value("expect_valid", false) &&
        item["expected"].contains("signature_verifies_with")) {
      reports.push_back(item);
    }
  }
  return reports;
}

// file_of_stem returns the vector whose name is "snp/<stem>.<extension>".
inline std::string file_of_stem(const std::string& stem) {
  for (const auto& item : manifest().value("entries", nlohmann::json::array())) {
    std::string file = item.value("file", "");
    if (file.rfind("snp/" + stem + ".", 0) == 0) {
      return file;
    }
  }
  ADD_FAILURE() << "no vector named " << stem;
  return "";
}

inline std::vector<pki::Certificate> certificates_of(const std::string& file) {
  auto parsed = pki::parse_certificates(ensign::test::read_vector(file));
  EXPECT_TRUE(parsed.has_value()) << file << ": " << (parsed ? "" : parsed.error().message());
  return parsed ? *parsed : std::vector<pki::Certificate>{};
}

inline UnixTime at(const std::string& text) {
  auto time = parse_rfc3339(text);
  EXPECT_TRUE(time.has_value()) << text;
  return time ? *time : 0;
}

// anchors_of returns trust anchors holding the last (root) certificate of a chain file, pinned.
inline pki::TrustAnchors anchors_of(const std::string& chain_file) {
  pki::TrustAnchors anchors;
  auto chain = certificates_of(chain_file);
  if (!chain.empty()) {
    auto added = anchors.add(chain.back(), false);
    EXPECT_TRUE(added.has_value()) << chain_file << ": " << (added ? "" : added.error().message());
  }
  return anchors;
}

// endorsements_for returns what the manifest says `report` verifies with: the certificate file
// its signature verifies with, then its ASK/ASVK + ARK chain file, whose ARK is the anchor; the
// time is the entry's verify_at.
inline Endorsements endorsements_for(const nlohmann::json& report) {
  const auto& expected = report["expected"];
  std::string chain_file = "snp/" + expected.value("chain", "");
  Endorsements endorsements;
  endorsements.certificates =
      certificates_of(file_of_stem(expected.value("signature_verifies_with", "")));
  for (auto& certificate : certificates_of(chain_file)) {
    endorsements.certificates.push_back(std::move(certificate));
  }
  endorsements.anchors = anchors_of(chain_file);
  endorsements.at = at(report.value("verify_at", ""));
  return endorsements;
}

// vcek_of returns the signing certificate (the first one) of the manifest's report entry.
inline pki::Certificate vcek_of(const nlohmann::json& report) {
  auto certificates =
      certificates_of(file_of_stem(report["expected"].value("signature_verifies_with", "")));
  EXPECT_FALSE(certificates.empty());
  return certificates.at(0);
}

// flip_bit returns `bytes` with bit `bit` of byte `offset` flipped.
inline Bytes flip_bit(Bytes bytes, std::size_t offset, unsigned bit) {
  bytes.at(offset) = static_cast<std::uint8_t>(bytes.at(offset) ^ (1u << bit));
  return bytes;
}

using ::ensign::test::contains;

// error_containing returns the first error of `verification` that contains `part`, or "".
inline std::string error_containing(const Verification& verification, const std::string& part) {
  auto found = std::find_if(verification.errors.begin(),
                            verification.errors.end(),
                            [&](const std::string& error) { return contains(error, part); });
  return found == verification.errors.end() ? "" : *found;
}

// errors_text joins the errors of `verification` for a failure message.
inline std::string errors_text(const Verification& verification) {
  std::string text;
  for (const auto& error : verification.errors) {
    text += "\n  " + error;
  }
  return text;
}

// kEndorsementKeys are the keys of a report entry's `expected` that describe its certificates,
// not claims of the report.
inline const std::vector<std::string> kEndorsementKeys = {
    "signature_verifies_with", "vcek", "chain"};

// expect_claims_match checks that every claim of `expected` (but its endorsement keys) is in
// `claims` with the same value, and returns how many it compared.
inline std::size_t expect_claims_match(const nlohmann::json& expected,
                                       const nlohmann::json& claims,
                                       const std::string& file) {
  std::size_t compared = 0;
  for (const auto& [name, value] : expected.items()) {
    if (std::find(kEndorsementKeys.begin(), kEndorsementKeys.end(), name) !=
        kEndorsementKeys.end()) {
      continue;
    }
    ++compared;
    if (!claims.contains(name)) {
      ADD_FAILURE() << file << ": no claim " << name;
      continue;
    }
    EXPECT_EQ(claims[name], value) << file << ": claim " << name;
  }
  return compared;
}

}  // namespace ensign::attest::snp::test
