// fuzz_dcap_collateral: libFuzzer target for Intel DCAP collateral (src/attest/dcap/collateral.h):
// the structure scanner that finds the signed text of a document's members, add_collateral on
// any input, and matching what parses against fixed SGX and TDX platforms and a fixed quoting
// enclave. Signatures are not checked here (no certificates), only their decoding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attest/dcap/collateral.h"
#include "attest/dcap/internal/collateral_json.h"

namespace {

using ensign::attest::Endorsements;
using ensign::attest::dcap::Collateral;
using ensign::attest::dcap::PlatformTcb;
using ensign::attest::dcap::QeReportIdentity;
using ensign::attest::dcap::TcbMatch;
namespace dcap = ensign::attest::dcap;

// fixed_platform is a platform whose SVNs sit in the middle of the range, so both matching and
// missing levels are reachable.
PlatformTcb fixed_platform(bool tdx) {
  PlatformTcb platform;
  platform.fmspc = ensign::Bytes{0x50, 0x80, 0x6f, 0x00, 0x00, 0x00};
  platform.pceid = ensign::Bytes{0x00, 0x00};
  platform.sgx_components = {4, 4, 3, 3, 3, 1, 1, 3};
  platform.pcesvn = 11;
  if (tdx) {
    platform.tee_tcb_svn = std::array<std::uint8_t, 16>{4, 1, 5};
    platform.mrsignerseam = ensign::Bytes(48, 0);
    platform.seam_attributes = ensign::Bytes(8, 0);
  }
  return platform;
}

void trap_unless(bool condition) {
  if (!condition) {
    __builtin_trap();
  }
}

// check_match traps on a match that breaks its contract: a status exactly when there is no error.
void check_match(const TcbMatch& match) {
  trap_unless(match.status.has_value() == match.errors.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  // Every value text the scanner returns lies inside the input.
  if (auto members = dcap::internal::top_level_members(input)) {
    for (const auto& [name, text] : *members) {
      trap_unless(text.data() >= input.data() &&
                  text.data() + text.size() <= input.data() + input.size() && !text.empty());
      trap_unless(name.data() > input.data());
    }
  }

  Collateral collateral;
  if (!dcap::add_collateral(collateral, input)) {
    return 0;
  }
  for (const auto& tcb_info : collateral.tcb_infos) {
    trap_unless(input.find(tcb_info.signed_body.text) != std::string_view::npos);
    trap_unless(tcb_info.signed_body.signature.size() == dcap::kCollateralSignatureSize);
    trap_unless(!tcb_info.tcb_levels.empty() && tcb_info.fmspc.size() == 6);
    check_match(dcap::match_platform_tcb(tcb_info, fixed_platform(false), false));
    check_match(dcap::match_platform_tcb(tcb_info, fixed_platform(true), true));
  }
  for (const auto& identity : collateral.qe_identities) {
    trap_unless(input.find(identity.signed_body.text) != std::string_view::npos);
    trap_unless(!identity.tcb_levels.empty() && identity.mrsigner.size() == 32);
    QeReportIdentity quoting_enclave{
        0, ensign::Bytes(16, 0x15), identity.mrsigner, identity.isvprodid, 4};
    check_match(dcap::match_qe_identity(identity, quoting_enclave));
  }
  // Without certificates every signature check fails, so the status must stay unknown.
  QeReportIdentity quoting_enclave{0, ensign::Bytes(16, 0x15), ensign::Bytes(32, 0), 2, 4};
  for (bool tdx : {false, true}) {
    auto appraisal =
        dcap::appraise_tcb(collateral, fixed_platform(tdx), quoting_enclave, tdx, Endorsements{});
    trap_unless(!appraisal.errors.empty() && appraisal.tcb_status == "unknown");
  }
  return 0;
}
