// The collateral a verifier holds (collateral.h) and the appraisal of one quote's TCB with it:
// pick the TCB Info and QE Identity that fit, check them (internal/collateral_signature.cpp),
// match them (internal/collateral_match.cpp) and converge the statuses.
#include "attest/dcap/collateral.h"

#include <tuple>

#include "attest/dcap/internal/collateral_json.h"

namespace ensign::attest::dcap {
namespace {

using nlohmann::json;

// select_item returns the item `fits` accepts that is current at `at`, then has the highest
// tcbEvaluationDataNumber, then the latest issueDate; null when none fits.
template <typename Item, typename Fits>
const Item* select_item(const std::vector<Item>& items, UnixTime at, Fits fits) {
  const Item* best = nullptr;
  auto rank = [at](const Item& item) {
    bool current = item.issue_date <= at && at <= item.next_update;
    return std::make_tuple(current, item.tcb_evaluation_data_number, item.issue_date);
  };
  for (const auto& item : items) {
    if (fits(item) && (best == nullptr || rank(*best) < rank(item))) {
      best = &item;
    }
  }
  return best;
}

template <typename Item>
json item_details(const Item& item, const CollateralCheck& check) {
  json details = {{"id", item.id},
                  {"version", item.version},
                  {"issue_date", format_rfc3339(item.issue_date)},
                  {"next_update", format_rfc3339(item.next_update)},
                  {"tcb_evaluation_data_number", item.tcb_evaluation_data_number}};
  if (!check.chain.empty()) {
    details["signer"] = {{"subject", check.chain.front().subject},
                         {"sha256", check.chain.front().sha256}};
  }
  return details;
}

// take moves a check's and a match's errors and details into the appraisal.
void take(TcbAppraisal& appraisal, CollateralCheck& check, TcbMatch& match) {
  for (auto* errors : {&check.errors, &match.errors}) {
    appraisal.errors.insert(appraisal.errors.end(), errors->begin(), errors->end());
  }
  appraisal.details.update(match.details);
}

std::string listed_fmspcs(const Collateral& collateral) {
  std::string listed;
  for (const auto& tcb_info : collateral.tcb_infos) {
    listed += (listed.empty() ? "" : ", ") + tcb_info.id + " " + hex_encode(tcb_info.fmspc);
  }
  return listed.empty() ? "none" : listed;
}

}  // namespace

std::string describe(const TcbInfo& tcb_info) {
  return "TCB Info " + tcb_info.id + " fmspc " + hex_encode(tcb_info.fmspc) + " (issued " +
         format_rfc3339(tcb_info.issue_date) + ")";
}

std::string describe(const QeIdentity& identity) {
  return "QE Identity " + identity.id + " (issued " + format_rfc3339(identity.issue_date) + ")";
}

bool Collateral::empty() const {
  return tcb_infos.empty() && qe_identities.empty();
}

Status add_collateral(Collateral& collateral, std::string_view json_text) {
  ENSIGN_TRY(members, internal::top_level_members(json_text));
  bool has_tcb_info = members.contains("tcbInfo");
  bool has_identity = members.contains("enclaveIdentity");
  if (has_tcb_info == has_identity) {
    return fail(ErrorCode::kInvalidArgument,
                has_tcb_info ? "collateral document holds both tcbInfo and enclaveIdentity"
                             : "collateral document holds neither tcbInfo nor enclaveIdentity");
  }
  if (has_tcb_info) {
    auto tcb_info = parse_tcb_info(json_text);
    if (!tcb_info) {
      return fail(tcb_info.error().with_context("TCB Info"));
    }
    collateral.tcb_infos.push_back(std::move(*tcb_info));
    return {};
  }
  auto identity = parse_qe_identity(json_text);
  if (!identity) {
    return fail(identity.error().with_context("QE Identity"));
  }
  collateral.qe_identities.push_back(std::move(*identity));
  return {};
}

TcbAppraisal appraise_tcb(const Collateral& collateral,
                          const PlatformTcb& platform,
                          const QeReportIdentity& quoting_enclave,
                          bool tdx,
                          const Endorsements& endorsements) {
  TcbAppraisal appraisal;
  std::string tcb_id = tdx ? "TDX" : "SGX";
  std::string qe_id = tdx ? "TD_QE" : "QE";
  std::optional<std::string> platform_status;
  std::optional<std::string> qe_status;

  const TcbInfo* tcb_info =
      select_item(collateral.tcb_infos, endorsements.at, [&](const TcbInfo& candidate) {
        return candidate.id == tcb_id && candidate.fmspc == platform.fmspc &&
               candidate.pce_id == platform.pceid;
      });
  if (tcb_info == nullptr) {
    appraisal.errors.push_back("no TCB Info for " + tcb_id + " fmspc " +
                               hex_encode(platform.fmspc) + " pceId " + hex_encode(platform.pceid) +
                               " in the collateral given (TCB Info: " + listed_fmspcs(collateral) +
                               ")");
  } else {
    auto check = verify_tcb_info(*tcb_info, endorsements);
    auto match = match_platform_tcb(*tcb_info, platform, tdx);
    appraisal.details["tcb_info"] = item_details(*tcb_info, check);
    appraisal.details["tcb_info"]["fmspc"] = hex_encode(tcb_info->fmspc);
    appraisal.details["tcb_info"]["pce_id"] = hex_encode(tcb_info->pce_id);
    platform_status = match.status;
    take(appraisal, check, match);
  }

  const QeIdentity* identity =
      select_item(collateral.qe_identities, endorsements.at, [&](const QeIdentity& candidate) {
        return candidate.id == qe_id;
      });
  if (identity == nullptr) {
    appraisal.errors.push_back("no QE Identity " + qe_id + " in the collateral given (" +
                               std::to_string(collateral.qe_identities.size()) +
                               " QE Identity documents)");
  } else {
    auto check = verify_qe_identity(*identity, endorsements);
    auto match = match_qe_identity(*identity, quoting_enclave);
    appraisal.details["qe_identity"] = item_details(*identity, check);
    qe_status = match.status;
    take(appraisal, check, match);
  }

  if (platform_status) {
    appraisal.details["platform_tcb_status"] = *platform_status;
  }
  if (qe_status) {
    appraisal.details["qe_tcb_status"] = *qe_status;
  }
  if (appraisal.errors.empty() && platform_status && qe_status) {
    appraisal.tcb_status = converge_tcb_status(*platform_status, *qe_status);
  }
  return appraisal;
}

}  // namespace ensign::attest::dcap
