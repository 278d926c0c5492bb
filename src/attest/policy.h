// policy.h: appraisal policies, the reference values a verified piece of evidence must also meet
// (allowed measurements and signers, minimum SVNs, debug, report data, TCB status, TPM PCRs).
// One policy language for every format: it reads only the common claims of a Verification and
// its `claims` by dotted path.
//
// A policy is a JSON object; every member is optional and an unknown member is an error:
//   "allow_sim":    false      sim evidence never passes unless true (default false)
//   "allow_debug":  false      evidence from a debuggable TEE never passes unless true
//   "formats":      ["sev-snp", "tdx"]          allowed evidence formats
//   "measurements": ["<hex>", ...]              allowed measurements (any one)
//   "signers":      ["<hex>", ...]              allowed signers (SGX MRSIGNER, SNP author key)
//   "report_data":  "<hex>"                     required report data (zero-padded on the right)
//   "tcb_status":   ["UpToDate", ...]           allowed TCB statuses ("unknown" included or not)
//   "min_svn":      {"reported_tcb.snp": 8, "report.tee_tcb_svn": "03000400..."}
//                   minimum per claim path: a number, or hex compared byte by byte
//   "claims":       {"vmpl": 0, "header.qe_vendor_id": "939a..."}   claims that must be equal
//   "pcrs":         {"7": "<hex>", ...}         TPM PCR values (needs the PCR values as input)
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "attest/verification.h"
#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest {

inline constexpr std::size_t kMaxPolicySize = 64 * 1024;

// Policy is a parsed appraisal policy.
struct Policy {
  bool allow_sim = false;
  bool allow_debug = false;
  std::vector<EvidenceFormat> formats;
  std::vector<Bytes> measurements;
  std::vector<Bytes> signers;
  std::optional<Bytes> report_data;
  std::vector<std::string> tcb_statuses;
  std::map<std::string, nlohmann::json> min_svn;  // claim path -> number or hex string
  std::map<std::string, nlohmann::json> claims;   // claim path -> required value
  std::map<unsigned, Bytes> pcrs;                 // PCR index -> value
  std::string id;  // "sha256:<hex>" of the policy text, or "default"
};

// default_policy returns the policy used without --policy: sim and debug refused, nothing else.
Policy default_policy();

// parse_policy parses a policy of at most kMaxPolicySize bytes. Fails with InvalidArgument
// naming the member at fault: an unknown member, a wrong type, malformed hex, an unknown format
// or TCB status, a PCR index over 23.
Result<Policy> parse_policy(std::string_view json);

// appraise returns every way `verification` falls short of `policy`, one line each, in the
// order of the members above; empty when the policy holds. It does not repeat the
// verification's own errors.
std::vector<std::string> appraise(const Policy& policy, const Verification& verification);

// report_data_matches tells whether `expected` (a nonce, at most as long as `actual`), padded
// on the right with zero bytes to the length of `actual`, equals `actual`.
bool report_data_matches(ByteView actual, ByteView expected);

}  // namespace ensign::attest
