// Matching a platform and its quoting enclave against collateral (collateral.h), as Intel's Quote
// Verification Library does: TcbLevelCheck (platform levels, TDX components), TdxModuleCheck
// (TDX module identities) and EnclaveReportVerifier (QE identity), with QVL's convergence of
// the statuses they give.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <span>
#include <string>

#include "attest/dcap/collateral.h"

namespace ensign::attest::dcap {
namespace {

using nlohmann::json;

enum class TcbStatus : unsigned char {
  kUpToDate,
  kSwHardeningNeeded,
  kConfigurationNeeded,
  kConfigurationAndSwHardeningNeeded,
  kOutOfDate,
  kOutOfDateConfigurationNeeded,
  kRevoked,
  // No level of the collateral fits: the platform or enclave is below every level Intel lists
  // (QVL's STATUS_TCB_NOT_SUPPORTED). The evidence is authentic; its TCB is not acceptable.
  kTcbLevelNotSupported,
};

struct StatusName {
  TcbStatus status;
  std::string_view name;
};

constexpr StatusName kStatusNames[] = {
    {TcbStatus::kUpToDate, "UpToDate"},
    {TcbStatus::kSwHardeningNeeded, "SWHardeningNeeded"},
    {TcbStatus::kConfigurationNeeded, "ConfigurationNeeded"},
    {TcbStatus::kConfigurationAndSwHardeningNeeded, "ConfigurationAndSWHardeningNeeded"},
    {TcbStatus::kOutOfDate, "OutOfDate"},
    {TcbStatus::kOutOfDateConfigurationNeeded, "OutOfDateConfigurationNeeded"},
    {TcbStatus::kRevoked, "Revoked"},
    {TcbStatus::kTcbLevelNotSupported, "TCBLevelNotSupported"},
};

// The statuses each kind of level may carry (QVL's VALID_TCB_INFO_STATUSES,
// VALID_MODULE_TCB_STATUSES and the enclave identity's TcbStatus), and what a match may end in:
// one of those, or no level at all (kTcbLevelNotSupported, last of each "Converged" list).
constexpr TcbStatus kConvergedPlatformStatuses[] = {
    TcbStatus::kUpToDate,
    TcbStatus::kSwHardeningNeeded,
    TcbStatus::kConfigurationNeeded,
    TcbStatus::kConfigurationAndSwHardeningNeeded,
    TcbStatus::kOutOfDate,
    TcbStatus::kOutOfDateConfigurationNeeded,
    TcbStatus::kRevoked,
    TcbStatus::kTcbLevelNotSupported,
};
constexpr std::span<const TcbStatus> kPlatformStatuses =
    std::span(kConvergedPlatformStatuses).first(std::size(kConvergedPlatformStatuses) - 1);
// A QE's match folds its other statuses into OutOfDate, so it ends in a module's statuses.
constexpr TcbStatus kConvergedQeStatuses[] = {TcbStatus::kUpToDate, TcbStatus::kOutOfDate,
                                              TcbStatus::kRevoked, TcbStatus::kTcbLevelNotSupported};
constexpr std::span<const TcbStatus> kModuleStatuses =
    std::span(kConvergedQeStatuses).first(std::size(kConvergedQeStatuses) - 1);
constexpr TcbStatus kEnclaveStatuses[] = {TcbStatus::kUpToDate,
                                          TcbStatus::kConfigurationNeeded,
                                          TcbStatus::kOutOfDate,
                                          TcbStatus::kOutOfDateConfigurationNeeded,
                                          TcbStatus::kRevoked};

std::string_view status_name(TcbStatus status) {
  for (const auto& entry : kStatusNames) {
    if (entry.status == status) {
      return entry.name;
    }
  }
  return "unknown";
}

// parse_status returns the status named `name` when it is among `allowed`.
std::optional<TcbStatus> parse_status(std::string_view name, std::span<const TcbStatus> allowed) {
  for (const auto& entry : kStatusNames) {
    if (entry.name == name &&
        std::find(allowed.begin(), allowed.end(), entry.status) != allowed.end()) {
      return entry.status;
    }
  }
  return std::nullopt;
}

// converge lowers `status` by a component's OutOfDate or Revoked status (QVL's
// convergeTcbStatusWithQeTcbStatus and convergeTcbStatusWithTdxModuleStatus).
TcbStatus converge(TcbStatus status, TcbStatus component) {
  if (status == TcbStatus::kTcbLevelNotSupported ||
      component == TcbStatus::kTcbLevelNotSupported) {
    return TcbStatus::kTcbLevelNotSupported;
  }
  if (component == TcbStatus::kRevoked) {
    return TcbStatus::kRevoked;
  }
  if (component == TcbStatus::kOutOfDate) {
    if (status == TcbStatus::kUpToDate || status == TcbStatus::kSwHardeningNeeded) {
      return TcbStatus::kOutOfDate;
    }
    if (status == TcbStatus::kConfigurationNeeded ||
        status == TcbStatus::kConfigurationAndSwHardeningNeeded) {
      return TcbStatus::kOutOfDateConfigurationNeeded;
    }
  }
  return status;
}

// Reporter collects errors, each prefixed with the collateral item's name.
class Reporter {
 public:
  Reporter(TcbMatch& match, std::string label) : match_(match), label_(std::move(label)) {}
  void operator()(const std::string& what) { match_.errors.push_back(label_ + ": " + what); }

 private:
  TcbMatch& match_;
  std::string label_;
};

template <typename Level>
json level_details(const Level& level) {
  return {{"tcb_date", level.tcb_date},
          {"tcb_status", level.tcb_status},
          {"advisory_ids", level.advisory_ids}};
}

std::string hex_of(std::span<const std::uint8_t> bytes) {
  return hex_encode(ByteView(bytes.data(), bytes.size()));
}

Bytes masked(const Bytes& value, const Bytes& mask) {
  Bytes result(value.size());
  for (std::size_t index = 0; index < value.size(); ++index) {
    result[index] = static_cast<std::uint8_t>(value[index] & mask[index]);
  }
  return result;
}

// first_isv_level returns the first level whose ISVSVN is at or below `isvsvn`.
const IsvTcbLevel* first_isv_level(const std::vector<IsvTcbLevel>& levels, std::uint16_t isvsvn) {
  for (const auto& level : levels) {
    if (level.isvsvn <= isvsvn) {
      return &level;
    }
  }
  return nullptr;
}

bool at_or_below(std::span<const std::uint8_t, 16> level,
                 std::span<const std::uint8_t, 16> actual,
                 std::size_t first) {
  for (std::size_t index = first; index < level.size(); ++index) {
    if (actual[index] < level[index]) {
      return false;
    }
  }
  return true;
}

std::string module_identity_id(std::uint8_t major_version) {
  char text[8];
  std::snprintf(text, sizeof text, "TDX_%02X", major_version);
  return text;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char character) {
    return static_cast<char>(std::toupper(character));
  });
  return text;
}

// check_tdx_module checks MRSIGNERSEAM and SEAM_ATTRIBUTES against the TCB Info's module (or the
// module identity for a nonzero major version) and returns the module's status: UpToDate for
// major version 0 (QVL: quote versions 4 and 5), else the identity's level for TEE_TCB_SVN[0].
std::optional<TcbStatus> check_tdx_module(const TcbInfo& tcb_info,
                                          const PlatformTcb& platform,
                                          TcbMatch& match,
                                          Reporter& report) {
  const auto& tee_tcb_svn = *platform.tee_tcb_svn;
  std::uint8_t major_version = tee_tcb_svn[1];
  const TdxModule* module = tcb_info.tdx_module ? &*tcb_info.tdx_module : nullptr;
  std::string module_name = "tdxModule";
  if (major_version > 0) {
    module_name = module_identity_id(major_version);
    auto found = std::find_if(
        tcb_info.tdx_module_identities.begin(),
        tcb_info.tdx_module_identities.end(),
        [&module_name](const TdxModule& identity) { return upper(identity.id) == module_name; });
    module = found == tcb_info.tdx_module_identities.end() ? nullptr : &*found;
  }
  if (module == nullptr) {
    report("TDX module mismatch: no " + module_name +
           " for TEE_TCB_SVN[1] = " + std::to_string(major_version) + " in the TCB Info");
    return std::nullopt;
  }
  bool matches = true;
  if (*platform.mrsignerseam != module->mrsigner) {
    report("TDX module mismatch: MRSIGNERSEAM " + hex_encode(*platform.mrsignerseam) + " is not " +
           module_name + ".mrsigner " + hex_encode(module->mrsigner));
    matches = false;
  }
  if (platform.seam_attributes->size() != module->attributes_mask.size() ||
      masked(*platform.seam_attributes, module->attributes_mask) != module->attributes) {
    report("TDX module mismatch: SEAM_ATTRIBUTES " + hex_encode(*platform.seam_attributes) +
           " under attributesMask " + hex_encode(module->attributes_mask) + " are not " +
           module_name + ".attributes " + hex_encode(module->attributes));
    matches = false;
  }
  if (!matches) {
    return std::nullopt;
  }
  if (major_version == 0) {
    return TcbStatus::kUpToDate;
  }
  const IsvTcbLevel* level = first_isv_level(module->tcb_levels, tee_tcb_svn[0]);
  if (level == nullptr) {
    match.details["tcb_level_not_supported"] =
        "TDX module " + module_name + ": no level has an ISVSVN at or below TEE_TCB_SVN[0] = " +
        std::to_string(tee_tcb_svn[0]);
    return TcbStatus::kTcbLevelNotSupported;
  }
  match.details["tdx_module_tcb_level"] = level_details(*level);
  match.details["tdx_module_tcb_level"]["id"] = module->id;
  match.details["tdx_module_tcb_level"]["isvsvn"] = level->isvsvn;
  auto status = parse_status(level->tcb_status, kModuleStatuses);
  if (!status) {
    report("TDX module " + module_name + " TCB level status \"" + level->tcb_status.substr(0, 40) +
           "\" is not recognized");
  }
  return status;
}

// check_platform_fits reports a TCB Info that is not for this platform.
void check_platform_fits(const TcbInfo& tcb_info,
                         const PlatformTcb& platform,
                         bool tdx,
                         Reporter& report) {
  std::string wanted = tdx ? "TDX" : "SGX";
  if (tcb_info.id != wanted || (tdx && tcb_info.version < 3)) {
    report("is for " + tcb_info.id + " (version " + std::to_string(tcb_info.version) +
           "), the quote is " + wanted + (tdx ? " (version 3 needed)" : ""));
  }
  if (tcb_info.fmspc != platform.fmspc) {
    report("fmspc is not the platform's " + hex_encode(platform.fmspc) +
           " (from the PCK certificate)");
  }
  if (tcb_info.pce_id != platform.pceid) {
    report("pceId " + hex_encode(tcb_info.pce_id) + " is not the platform's " +
           hex_encode(platform.pceid) + " (from the PCK certificate)");
  }
  if (tdx && (!platform.tee_tcb_svn || !platform.mrsignerseam || !platform.seam_attributes)) {
    report("the TDX platform lacks TEE_TCB_SVN, MRSIGNERSEAM or SEAM_ATTRIBUTES");
  }
}

}  // namespace

TcbMatch match_platform_tcb(const TcbInfo& tcb_info, const PlatformTcb& platform, bool tdx) {
  TcbMatch match;
  Reporter report(match, describe(tcb_info));
  check_platform_fits(tcb_info, platform, tdx, report);
  if (!match.errors.empty()) {
    return match;
  }
  std::optional<TcbStatus> module_status;
  if (tdx) {
    module_status = check_tdx_module(tcb_info, platform, match, report);
  }
  // Skip the TDX module's components (0 and 1) when the module has its own identity.
  std::size_t first_tdx_component = tdx && (*platform.tee_tcb_svn)[1] > 0 ? 2 : 0;
  const TcbLevel* sgx_level = nullptr;
  const TcbLevel* tdx_level = nullptr;
  for (const auto& level : tcb_info.tcb_levels) {
    if (!at_or_below(level.sgx_components, platform.sgx_components, 0) ||
        platform.pcesvn < level.pcesvn) {
      continue;
    }
    sgx_level = sgx_level != nullptr ? sgx_level : &level;
    if (!tdx) {
      break;
    }
    if (level.tdx_components &&
        at_or_below(*level.tdx_components, *platform.tee_tcb_svn, first_tdx_component)) {
      tdx_level = &level;
      break;
    }
  }
  std::string platform_text = "the platform's SGX components " + hex_of(platform.sgx_components) +
                              " and PCESVN " + std::to_string(platform.pcesvn);
  if (sgx_level == nullptr || (tdx && tdx_level == nullptr)) {
    match.details["tcb_level_not_supported"] =
        sgx_level == nullptr
            ? "no level is at or below " + platform_text
            : "no level at or below " + platform_text + " has TDX components at or below " +
                  "TEE_TCB_SVN " + hex_of(*platform.tee_tcb_svn);
    match.status = std::string(status_name(TcbStatus::kTcbLevelNotSupported));
    return match;
  }
  const TcbLevel& level = tdx ? *tdx_level : *sgx_level;
  match.details["tcb_level"] = level_details(level);
  match.details["tcb_level"]["pcesvn"] = level.pcesvn;
  auto status = parse_status(level.tcb_status, kPlatformStatuses);
  if (!status) {
    report("TCB level status \"" + level.tcb_status.substr(0, 40) + "\" is not recognized");
  }
  if (match.errors.empty()) {
    match.status = std::string(status_name(tdx ? converge(*status, *module_status) : *status));
  }
  return match;
}

TcbMatch match_qe_identity(const QeIdentity& identity, const QeReportIdentity& quoting_enclave) {
  TcbMatch match;
  Reporter report(match, describe(identity));
  std::uint32_t miscselect = quoting_enclave.miscselect & identity.miscselect_mask;
  if (miscselect != identity.miscselect) {
    report("MISCSELECT " + hex_code(quoting_enclave.miscselect) + " under miscselectMask " +
           hex_code(identity.miscselect_mask) + " is not the identity's miscselect " +
           hex_code(identity.miscselect));
  }
  if (quoting_enclave.attributes.size() != identity.attributes_mask.size() ||
      masked(quoting_enclave.attributes, identity.attributes_mask) != identity.attributes) {
    report("ATTRIBUTES " + hex_encode(quoting_enclave.attributes) + " under attributesMask " +
           hex_encode(identity.attributes_mask) + " are not the identity's attributes " +
           hex_encode(identity.attributes));
  }
  if (quoting_enclave.mrsigner != identity.mrsigner) {
    report("MRSIGNER " + hex_encode(quoting_enclave.mrsigner) + " is not the identity's mrsigner " +
           hex_encode(identity.mrsigner));
  }
  if (quoting_enclave.isvprodid != identity.isvprodid) {
    report("ISVPRODID " + std::to_string(quoting_enclave.isvprodid) +
           " is not the identity's isvprodid " + std::to_string(identity.isvprodid));
  }
  if (!match.errors.empty()) {
    return match;
  }
  const IsvTcbLevel* level = first_isv_level(identity.tcb_levels, quoting_enclave.isvsvn);
  if (level == nullptr) {
    match.details["qe_tcb_level_not_supported"] =
        "no level has an ISVSVN at or below the QE's " + std::to_string(quoting_enclave.isvsvn);
    match.status = std::string(status_name(TcbStatus::kTcbLevelNotSupported));
    return match;
  }
  match.details["qe_tcb_level"] = level_details(*level);
  match.details["qe_tcb_level"]["isvsvn"] = level->isvsvn;
  auto status = parse_status(level->tcb_status, kEnclaveStatuses);
  if (!status) {
    report("QE TCB level status \"" + level->tcb_status.substr(0, 40) + "\" is not recognized");
    return match;
  }
  // QVL: any status of the QE's level other than UpToDate and Revoked makes it out of date.
  if (*status != TcbStatus::kUpToDate && *status != TcbStatus::kRevoked) {
    status = TcbStatus::kOutOfDate;
  }
  match.status = std::string(status_name(*status));
  return match;
}

std::string converge_tcb_status(std::string_view platform_status, std::string_view qe_status) {
  auto platform = parse_status(platform_status, kConvergedPlatformStatuses);
  auto quoting_enclave = parse_status(qe_status, kConvergedQeStatuses);
  if (!platform || !quoting_enclave) {
    return "unknown";
  }
  return std::string(status_name(converge(*platform, *quoting_enclave)));
}

}  // namespace ensign::attest::dcap
