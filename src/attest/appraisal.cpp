#include "attest/appraisal.h"

#include <functional>
#include <map>

#include "attest/dcap/collateral.h"
#include "attest/dcap/quote.h"
#include "attest/dcap/verify.h"
#include "attest/endorsements.h"
#include "attest/policy.h"
#include "attest/result_token.h"
#include "attest/sim_evidence.h"
#include "attest/snp/report.h"
#include "attest/snp/verify.h"
#include "attest/tpm/azure_hcl.h"
#include "attest/tpm/verify.h"
#include "core/wire.h"

namespace ensign::attest {
namespace {

using Json = nlohmann::json;

Json base64_list(const std::vector<Bytes>& files) {
  Json list = Json::array();
  for (const auto& file : files) {
    list.push_back(base64_encode(file));
  }
  return list;
}

Error request_member_error(std::string_view member, std::string_view problem) {
  return Error(ErrorCode::kInvalidArgument,
               "appraisal request member '" + std::string(member) + "': " + std::string(problem));
}

Result<Bytes> bytes_member(std::string_view member, const Json& value, bool hex) {
  if (!value.is_string()) {
    return fail(request_member_error(member, "must be a string"));
  }
  auto bytes = hex ? hex_decode(value.get<std::string>()) : base64_decode(value.get<std::string>());
  if (!bytes) {
    return fail(request_member_error(member, bytes.error().message()));
  }
  return bytes;
}

Result<std::vector<Bytes>> list_member(std::string_view member, const Json& value, bool hex) {
  if (!value.is_array() || value.size() > kMaxAppraisalFiles) {
    return fail(request_member_error(
        member, "must be a list of at most " + std::to_string(kMaxAppraisalFiles) + " strings"));
  }
  std::vector<Bytes> list;
  for (const auto& item : value) {
    ENSIGN_TRY(bytes, bytes_member(member, item, hex));
    list.push_back(std::move(bytes));
  }
  return list;
}

using MemberDecoder = std::function<Status(AppraisalRequest&, const Json&)>;

// optional_bytes stores a base64 (or hex) member into an optional field.
MemberDecoder optional_bytes(std::string_view member,
                             std::optional<Bytes> AppraisalRequest::*field,
                             bool hex) {
  return [member, field, hex](AppraisalRequest& request, const Json& value) -> Status {
    ENSIGN_TRY(bytes, bytes_member(member, value, hex));
    request.*field = std::move(bytes);
    return {};
  };
}

MemberDecoder file_list(std::string_view member,
                        std::vector<Bytes> AppraisalRequest::*field,
                        bool hex) {
  return [member, field, hex](AppraisalRequest& request, const Json& value) -> Status {
    ENSIGN_TRY(list, list_member(member, value, hex));
    request.*field = std::move(list);
    return {};
  };
}

const std::map<std::string, MemberDecoder>& member_decoders() {
  static const std::map<std::string, MemberDecoder> kDecoders = {
      {"format",
       [](AppraisalRequest& request, const Json& value) -> Status {
         if (!value.is_string()) {
           return fail(request_member_error("format", "must be a string"));
         }
         if (value.get<std::string>() == "auto") {
           request.format.reset();
           return {};
         }
         auto format = parse_evidence_format(value.get<std::string>());
         if (!format) {
           return fail(request_member_error("format", format.error().message()));
         }
         request.format = *format;
         return {};
       }},
      {"evidence",
       [](AppraisalRequest& request, const Json& value) -> Status {
         ENSIGN_TRY(bytes, bytes_member("evidence", value, false));
         request.evidence = std::move(bytes);
         return {};
       }},
      {"certificates", file_list("certificates", &AppraisalRequest::certificates, false)},
      {"collateral", file_list("collateral", &AppraisalRequest::collateral, false)},
      {"trusted_roots", file_list("trusted_roots", &AppraisalRequest::trusted_roots, false)},
      {"allow_unpinned_root",
       [](AppraisalRequest& request, const Json& value) -> Status {
         if (!value.is_boolean()) {
           return fail(request_member_error("allow_unpinned_root", "must be true or false"));
         }
         request.allow_unpinned_root = value.get<bool>();
         return {};
       }},
      {"ak_public", optional_bytes("ak_public", &AppraisalRequest::ak_public, false)},
      {"ak_report", optional_bytes("ak_report", &AppraisalRequest::ak_report, false)},
      {"tpm_signature", optional_bytes("tpm_signature", &AppraisalRequest::tpm_signature, false)},
      {"pcrs", file_list("pcrs", &AppraisalRequest::pcrs, true)},
      {"sim_root", optional_bytes("sim_root", &AppraisalRequest::sim_root, false)},
      {"nonce", optional_bytes("nonce", &AppraisalRequest::nonce, true)},
      {"at",
       [](AppraisalRequest& request, const Json& value) -> Status {
         if (!value.is_string()) {
           return fail(request_member_error("at", "must be an RFC 3339 time"));
         }
         auto at = parse_rfc3339(value.get<std::string>());
         if (!at) {
           return fail(request_member_error("at", at.error().message()));
         }
         request.at = *at;
         return {};
       }},
      {"policy",
       [](AppraisalRequest& request, const Json& value) -> Status {
         if (!value.is_string()) {
           return fail(request_member_error("policy", "must be the policy's JSON text"));
         }
         request.policy = value.get<std::string>();
         return {};
       }},
  };
  return kDecoders;
}

bool starts_with(ByteView bytes, std::initializer_list<std::uint8_t> prefix) {
  return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
}

std::uint64_t little_endian(ByteView bytes, std::size_t offset, std::size_t size) {
  return wire::load_le(bytes, offset, size).value_or(0);
}

bool is_json_object(ByteView bytes) {
  for (std::uint8_t byte : bytes) {
    if (byte == ' ' || byte == '\n' || byte == '\r' || byte == '\t') {
      continue;
    }
    return byte == '{';
  }
  return false;
}

// is_tpm_quote_container tells whether `bytes` are one of the JSON containers of a TPM quote
// (trustee's {ak_public, tpm_quote} or Azure's {message, signature, pcrs}).
bool is_tpm_quote_container(ByteView bytes) {
  if (!is_json_object(bytes) || bytes.size() > kMaxEvidenceSize) {
    return false;
  }
  Json document = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  return document.is_object() && (document.contains("tpm_quote") ||
                                  (document.contains("message") && document.contains("signature")));
}

// Endorsed is everything a request's files parse into.
struct Endorsed {
  Endorsements endorsements;
  dcap::Collateral collateral;
};

Result<Endorsed> parse_endorsements(const AppraisalRequest& request) {
  Endorsed parsed;
  parsed.endorsements.at = request.at;
  for (std::size_t i = 0; i < request.trusted_roots.size(); ++i) {
    auto roots = pki::parse_certificates(request.trusted_roots[i]);
    if (!roots) {
      return fail(roots.error().with_context("trusted root file " + std::to_string(i + 1)));
    }
    for (const auto& root : *roots) {
      ENSIGN_CHECK(parsed.endorsements.anchors.add(root, request.allow_unpinned_root));
    }
  }
  for (std::size_t i = 0; i < request.certificates.size(); ++i) {
    auto certificates = pki::parse_certificates(request.certificates[i]);
    if (!certificates) {
      return fail(certificates.error().with_context("certificate file " + std::to_string(i + 1)));
    }
    parsed.endorsements.certificates.insert(
        parsed.endorsements.certificates.end(), certificates->begin(), certificates->end());
  }
  for (std::size_t i = 0; i < request.collateral.size(); ++i) {
    const Bytes& file = request.collateral[i];
    std::string which = "collateral file " + std::to_string(i + 1);
    if (is_json_object(file)) {
      auto added = dcap::add_collateral(parsed.collateral, as_string(file));
      if (!added) {
        return fail(added.error().with_context(which));
      }
      continue;
    }
    auto crls = pki::parse_crls(file);
    if (!crls) {
      return fail(crls.error().with_context(which + " (neither collateral JSON nor a CRL)"));
    }
    parsed.endorsements.crls.insert(parsed.endorsements.crls.end(), crls->begin(), crls->end());
  }
  return parsed;
}

// verify_tpm verifies a TPM quote; when its AK comes in an Azure HCL report, the SEV-SNP report
// that vouches for the AK is verified too, and its failures are the quote's.
Verification verify_tpm(const AppraisalRequest& request, const Endorsed& endorsed) {
  tpm::QuoteInputs inputs{request.ak_public, request.tpm_signature, request.pcrs};
  std::vector<std::string> report_errors;
  Json report_claims;
  if (request.ak_report) {
    auto hcl = tpm::parse_hcl_report(*request.ak_report);
    if (!hcl) {
      report_errors.push_back("AK report (Azure HCL): " + hcl.error().message());
    } else if (hcl->report_type != tpm::HardwareReportType::kSevSnp) {
      report_errors.push_back(
          "AK report (Azure HCL): it holds a TDX TD report, which only the TD's quote can vouch "
          "for; verify that quote (its report data binds the HCL runtime data)");
    } else {
      if (inputs.ak_public && *inputs.ak_public != hcl->ak_public) {
        report_errors.push_back("AK report (Azure HCL): its HCLAkPub is not the given AK");
      }
      inputs.ak_public = hcl->ak_public;
      Verification hardware = snp::verify_report(hcl->hardware_report, endorsed.endorsements);
      for (const auto& error : hardware.errors) {
        report_errors.push_back("AK report (Azure HCL, SEV-SNP): " + error);
      }
      report_claims = to_json(hardware);
    }
  }
  Verification verification = tpm::verify_quote(request.evidence, inputs);
  verification.errors.insert(verification.errors.end(), report_errors.begin(), report_errors.end());
  if (!report_claims.is_null()) {
    verification.claims["ak_report"] = std::move(report_claims);
  }
  return verification;
}

Verification verify(EvidenceFormat format,
                    const AppraisalRequest& request,
                    const Endorsed& endorsed) {
  switch (format) {
    case EvidenceFormat::kSevSnp:
      return snp::verify_report(request.evidence, endorsed.endorsements);
    case EvidenceFormat::kTdx:
    case EvidenceFormat::kSgx: {
      Verification verification =
          dcap::verify_quote(request.evidence,
                             endorsed.endorsements,
                             endorsed.collateral.empty() ? nullptr : &endorsed.collateral);
      if (verification.format != format && !verification.claims.empty()) {
        verification.errors.push_back("structure: the quote is " +
                                      std::string(evidence_format_name(verification.format)) +
                                      ", not " + std::string(evidence_format_name(format)));
      }
      return verification;
    }
    case EvidenceFormat::kTpm:
      return verify_tpm(request, endorsed);
    case EvidenceFormat::kSim:
      return verify_sim_evidence(request.evidence, request.sim_root);
  }
  Verification unknown;
  unknown.errors.push_back("structure: unknown evidence format");
  return unknown;
}

}  // namespace

std::string encode_appraisal_request(const AppraisalRequest& request) {
  Json json = {
      {"format", request.format ? std::string(evidence_format_name(*request.format)) : "auto"},
      {"evidence", base64_encode(request.evidence)},
      {"certificates", base64_list(request.certificates)},
      {"collateral", base64_list(request.collateral)},
      {"trusted_roots", base64_list(request.trusted_roots)},
      {"allow_unpinned_root", request.allow_unpinned_root},
      {"at", format_rfc3339(request.at)},
  };
  Json pcrs = Json::array();
  for (const auto& pcr : request.pcrs) {
    pcrs.push_back(hex_encode(pcr));
  }
  json["pcrs"] = std::move(pcrs);
  if (request.ak_public) {
    json["ak_public"] = base64_encode(*request.ak_public);
  }
  if (request.ak_report) {
    json["ak_report"] = base64_encode(*request.ak_report);
  }
  if (request.tpm_signature) {
    json["tpm_signature"] = base64_encode(*request.tpm_signature);
  }
  if (request.sim_root) {
    json["sim_root"] = base64_encode(*request.sim_root);
  }
  if (request.nonce) {
    json["nonce"] = hex_encode(*request.nonce);
  }
  if (request.policy) {
    json["policy"] = *request.policy;
  }
  return json.dump();
}

Result<AppraisalRequest> decode_appraisal_request(std::string_view json) {
  if (json.size() > kMaxAppraisalRequestSize) {
    return fail(
        ErrorCode::kInvalidArgument,
        "the appraisal request is over " + std::to_string(kMaxAppraisalRequestSize) + " bytes");
  }
  Json document = Json::parse(json, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return fail(ErrorCode::kInvalidArgument, "the appraisal request is not a JSON object");
  }
  AppraisalRequest request;
  for (const auto& [member, value] : document.items()) {
    auto decoder = member_decoders().find(member);
    if (decoder == member_decoders().end()) {
      return fail(ErrorCode::kInvalidArgument, "unknown appraisal request member '" + member + "'");
    }
    ENSIGN_CHECK(decoder->second(request, value));
  }
  if (request.evidence.empty()) {
    return fail(request_member_error("evidence", "is required"));
  }
  return request;
}

Result<EvidenceFormat> detect_evidence_format(ByteView evidence) {
  if (starts_with(evidence, {'E', 'S', 'R', 'P'})) {
    return EvidenceFormat::kSim;
  }
  if (starts_with(evidence, {0xff, 'T', 'C', 'G'}) || is_tpm_quote_container(evidence)) {
    return EvidenceFormat::kTpm;  // a TPMS_ATTEST, or a JSON container of a TPM quote
  }
  if (evidence.size() >= 8) {
    std::uint64_t version = little_endian(evidence, 0, 2);
    std::uint64_t key_type = little_endian(evidence, 2, 2);
    std::uint64_t tee_type = little_endian(evidence, 4, 4);
    if (version >= 3 && version <= 5 && key_type == dcap::kAttestationKeyEcdsaP256) {
      if (tee_type == dcap::kTeeTypeSgx) {
        return EvidenceFormat::kSgx;
      }
      if (tee_type == dcap::kTeeTypeTdx) {
        return EvidenceFormat::kTdx;
      }
    }
  }
  if (evidence.size() == snp::kReportSize) {
    std::uint64_t version = little_endian(evidence, 0, 4);
    if (version >= 2 && version <= 5) {
      return EvidenceFormat::kSevSnp;
    }
  }
  return fail(ErrorCode::kInvalidArgument,
              "cannot tell the evidence format from its first bytes; give --format "
              "sev-snp|tdx|sgx|tpm|sim");
}

Result<Appraisal> appraise_evidence(const AppraisalRequest& request) {
  if (request.evidence.size() > kMaxEvidenceSize) {
    return fail(ErrorCode::kInvalidArgument,
                "the evidence is over " + std::to_string(kMaxEvidenceSize) + " bytes");
  }
  EvidenceFormat format = EvidenceFormat::kSim;
  if (request.format) {
    format = *request.format;
  } else {
    ENSIGN_TRY(detected, detect_evidence_format(request.evidence));
    format = detected;
  }
  ENSIGN_TRY(policy,
             request.policy ? parse_policy(*request.policy) : Result<Policy>(default_policy()));
  ENSIGN_TRY(endorsed, parse_endorsements(request));
  Appraisal appraisal;
  appraisal.verification = verify(format, request, endorsed);
  appraisal.verification.format = format;
  if (request.nonce && !report_data_matches(appraisal.verification.report_data, *request.nonce)) {
    appraisal.verification.errors.push_back(
        "report data: " + hex_encode(appraisal.verification.report_data) +
        " is not the expected nonce " + hex_encode(*request.nonce));
  }
  appraisal.policy_failures = appraise(policy, appraisal.verification);
  appraisal.policy_id = policy.id;
  return appraisal;
}

Json to_json(const Appraisal& appraisal) {
  Json json = to_json(appraisal.verification);
  json["policy"] = {{"id", appraisal.policy_id},
                    {"holds", appraisal.policy_failures.empty()},
                    {"failures", appraisal.policy_failures}};
  json["status"] = ear_status_name(ear_status(appraisal.verification, appraisal.policy_failures));
  return json;
}

}  // namespace ensign::attest
