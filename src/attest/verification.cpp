#include "attest/verification.h"

#include <array>
#include <cstdio>
#include <utility>

namespace ensign::attest {
namespace {

constexpr std::array<std::pair<EvidenceFormat, std::string_view>, 5> kFormatNames = {{
    {EvidenceFormat::kSevSnp, "sev-snp"},
    {EvidenceFormat::kTdx, "tdx"},
    {EvidenceFormat::kSgx, "sgx"},
    {EvidenceFormat::kTpm, "tpm"},
    {EvidenceFormat::kSim, "sim"},
}};

}  // namespace

std::string_view evidence_format_name(EvidenceFormat format) {
  for (const auto& [known, name] : kFormatNames) {
    if (known == format) {
      return name;
    }
  }
  return "unknown";
}

Result<EvidenceFormat> parse_evidence_format(std::string_view name) {
  std::string known_names;
  for (const auto& [format, known] : kFormatNames) {
    if (known == name) {
      return format;
    }
    known_names += known_names.empty() ? "" : ", ";
    known_names += known;
  }
  return fail(ErrorCode::kInvalidArgument,
              "unknown evidence format '" + std::string(name) + "' (known: " + known_names + ")");
}

std::string hex_code(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

nlohmann::json to_json(const Verification& verification) {
  nlohmann::json chain = nlohmann::json::array();
  for (const auto& certificate : verification.chain) {
    chain.push_back({{"subject", certificate.subject},
                     {"issuer", certificate.issuer},
                     {"not_before", certificate.not_before},
                     {"not_after", certificate.not_after},
                     {"sha256", certificate.sha256}});
  }
  return {
      {"format", evidence_format_name(verification.format)},
      {"verified", verification.verified()},
      {"errors", verification.errors},
      {"measurement", hex_encode(verification.measurement)},
      {"report_data", hex_encode(verification.report_data)},
      {"debug", verification.debug},
      {"signer", verification.signer ? nlohmann::json(hex_encode(*verification.signer))
                                     : nlohmann::json(nullptr)},
      {"tcb_status", verification.tcb_status},
      {"chain", std::move(chain)},
      {"claims", verification.claims},
  };
}

}  // namespace ensign::attest
