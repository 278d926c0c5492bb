#include "attest/policy.h"

#include <algorithm>
#include <cctype>
#include <functional>

#include "crypto/hash.h"

namespace ensign::attest {
namespace {

using Json = nlohmann::json;

constexpr unsigned kMaxPcrIndex = 23;

Error policy_member_error(std::string_view member, std::string_view problem) {
  return Error(ErrorCode::kInvalidArgument,
               "policy member '" + std::string(member) + "': " + std::string(problem));
}

Result<Bytes> hex_member(std::string_view member, const Json& value) {
  if (!value.is_string()) {
    return fail(policy_member_error(member, "must be a hex string"));
  }
  auto bytes = hex_decode(value.get<std::string>());
  if (!bytes) {
    return fail(policy_member_error(member, bytes.error().message()));
  }
  return bytes;
}

Result<std::vector<Bytes>> hex_list_member(std::string_view member, const Json& value) {
  if (!value.is_array()) {
    return fail(policy_member_error(member, "must be a list of hex strings"));
  }
  std::vector<Bytes> list;
  for (const auto& item : value) {
    ENSIGN_TRY(bytes, hex_member(member, item));
    list.push_back(std::move(bytes));
  }
  return list;
}

Result<bool> bool_member(std::string_view member, const Json& value) {
  if (!value.is_boolean()) {
    return fail(policy_member_error(member, "must be true or false"));
  }
  return value.get<bool>();
}

Result<std::map<std::string, Json>> path_map_member(std::string_view member, const Json& value) {
  if (!value.is_object()) {
    return fail(policy_member_error(member, "must be an object of claim paths"));
  }
  std::map<std::string, Json> paths;
  for (const auto& [path, required] : value.items()) {
    if (path.empty() || required.is_object() || required.is_null()) {
      return fail(
          policy_member_error(member, "'" + path + "' needs a non-empty path and a plain value"));
    }
    paths.emplace(path, required);
  }
  return paths;
}

// claim_at returns the claim at a dotted path ("reported_tcb.snp"), or null when absent.
const Json* claim_at(const Json& claims, const std::string& path) {
  const Json* node = &claims;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t dot = path.find('.', start);
    std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(part)) {
      return nullptr;
    }
    node = &(*node)[part];
    if (dot == std::string::npos) {
      return node;
    }
    start = dot + 1;
  }
  return nullptr;
}

std::string hex_list_text(const std::vector<Bytes>& list) {
  std::string text;
  for (const auto& item : list) {
    text += text.empty() ? "" : ", ";
    text += hex_encode(item);
  }
  return text;
}

bool contains_bytes(const std::vector<Bytes>& list, const Bytes& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// hex_equal compares two claim strings case-insensitively, as hex is.
bool same_claim(const Json& actual, const Json& required) {
  if (actual.is_string() && required.is_string()) {
    auto lower = [](std::string text) {
      std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
      });
      return text;
    };
    return lower(actual.get<std::string>()) == lower(required.get<std::string>());
  }
  return actual == required;
}

// below_minimum returns why `actual` is below `minimum`, or nothing when it is not.
std::optional<std::string> below_minimum(const Json& actual, const Json& minimum) {
  if (minimum.is_number()) {
    if (!actual.is_number()) {
      return "is not a number";
    }
    if (actual.get<double>() < minimum.get<double>()) {
      return actual.dump() + " is below the minimum " + minimum.dump();
    }
    return std::nullopt;
  }
  auto actual_bytes = actual.is_string() ? hex_decode(actual.get<std::string>())
                                         : Result<Bytes>(fail(ErrorCode::kInvalidArgument, ""));
  auto minimum_bytes = hex_decode(minimum.get<std::string>());
  if (!actual_bytes || !minimum_bytes || actual_bytes->size() != minimum_bytes->size()) {
    return "is not a hex string of the minimum's length";
  }
  for (std::size_t i = 0; i < actual_bytes->size(); ++i) {
    if ((*actual_bytes)[i] < (*minimum_bytes)[i]) {
      return "byte " + std::to_string(i) + " of " + hex_encode(*actual_bytes) +
             " is below the minimum " + hex_encode(*minimum_bytes);
    }
  }
  return std::nullopt;
}

// pcr_value returns PCR `index` from the claims' "pcrs" (a list by index or an object by index).
std::optional<Bytes> pcr_value(const Json& claims, unsigned index) {
  if (!claims.contains("pcrs")) {
    return std::nullopt;
  }
  const Json& pcrs = claims["pcrs"];
  const Json* value = nullptr;
  if (pcrs.is_array() && index < pcrs.size()) {
    value = &pcrs[index];
  } else if (pcrs.is_object() && pcrs.contains(std::to_string(index))) {
    value = &pcrs[std::to_string(index)];
  }
  if (value == nullptr || !value->is_string()) {
    return std::nullopt;
  }
  auto bytes = hex_decode(value->get<std::string>());
  return bytes ? std::optional<Bytes>(*bytes) : std::nullopt;
}

using MemberParser = std::function<Status(Policy&, const Json&)>;

const std::map<std::string, MemberParser>& member_parsers() {
  static const std::map<std::string, MemberParser> kParsers = {
      {"allow_sim",
       [](Policy& policy, const Json& value) -> Status {
         ENSIGN_TRY(flag, bool_member("allow_sim", value));
         policy.allow_sim = flag;
         return {};
       }},
      {"allow_debug",
       [](Policy& policy, const Json& value) -> Status {
         ENSIGN_TRY(flag, bool_member("allow_debug", value));
         policy.allow_debug = flag;
         return {};
       }},
      {"formats",
       [](Policy& policy, const Json& value) -> Status {
         if (!value.is_array()) {
           return fail(policy_member_error("formats", "must be a list of format names"));
         }
         for (const auto& name : value) {
           auto format =
               name.is_string()
                   ? parse_evidence_format(name.get<std::string>())
                   : Result<EvidenceFormat>(fail(ErrorCode::kInvalidArgument, "must be a string"));
           if (!format) {
             return fail(policy_member_error("formats", format.error().message()));
           }
           policy.formats.push_back(*format);
         }
         return {};
       }},
      {"measurements",
       [](Policy& policy, const Json& value) -> Status {
         ENSIGN_TRY(list, hex_list_member("measurements", value));
         policy.measurements = std::move(list);
         return {};
       }},
      {"signers",
       [](Policy& policy, const Json& value) -> Status {
         ENSIGN_TRY(list, hex_list_member("signers", value));
         policy.signers = std::move(list);
         return {};
       }},
      {"report_data",
       [](Policy& policy, const Json& value) -> Status {
         ENSIGN_TRY(bytes, hex_member("report_data", value));
         policy.report_data = std::move(bytes);
         return {};
       }},
      {"tcb_status",
       [](Policy& policy, const Json& value) -> Status {
         if (!value.is_array()) {
           return fail(policy_member_error("tcb_status", "must be a list of TCB statuses"));
         }
         for (const auto& status : value) {
           bool known =
               status.is_string() && std::find(std::begin(kTcbStatuses),
                                               std::end(kTcbStatuses),
                                               status.get<std::string>()) != std::end(kTcbStatuses);
           if (!known) {
             return fail(policy_member_error("tcb_status", "unknown status " + status.dump()));
           }
           policy.tcb_statuses.push_back(status.get<std::string>());
         }
         return {};
       }},
      {"min_svn",
       [](Policy& policy, const Json& value) -> Status {
         ENSIGN_TRY(paths, path_map_member("min_svn", value));
         for (const auto& [path, minimum] : paths) {
           bool hex = minimum.is_string() && hex_decode(minimum.get<std::string>()).has_value();
           if (!(minimum.is_number() && minimum.get<double>() >= 0) && !hex) {
             return fail(policy_member_error("min_svn",
                                             "'" + path + "' needs a non-negative number or hex"));
           }
         }
         policy.min_svn = std::move(paths);
         return {};
       }},
      {"claims",
       [](Policy& policy, const Json& value) -> Status {
         ENSIGN_TRY(paths, path_map_member("claims", value));
         policy.claims = std::move(paths);
         return {};
       }},
      {"pcrs",
       [](Policy& policy, const Json& value) -> Status {
         if (!value.is_object()) {
           return fail(policy_member_error("pcrs", "must be an object of PCR index to hex value"));
         }
         for (const auto& [index_text, pcr] : value.items()) {
           bool numeric = !index_text.empty() && index_text.size() <= 2 &&
                          std::all_of(index_text.begin(), index_text.end(), [](char c) {
                            return c >= '0' && c <= '9';
                          });
           if (!numeric || std::stoul(index_text) > kMaxPcrIndex) {
             return fail(
                 policy_member_error("pcrs", "'" + index_text + "' is not a PCR index 0..23"));
           }
           ENSIGN_TRY(bytes, hex_member("pcrs", pcr));
           policy.pcrs[static_cast<unsigned>(std::stoul(index_text))] = std::move(bytes);
         }
         return {};
       }},
  };
  return kParsers;
}

}  // namespace

Policy default_policy() {
  Policy policy;
  policy.id = "default";
  return policy;
}

Result<Policy> parse_policy(std::string_view json) {
  if (json.size() > kMaxPolicySize) {
    return fail(ErrorCode::kInvalidArgument,
                "the policy is over " + std::to_string(kMaxPolicySize) + " bytes");
  }
  Json document = Json::parse(json, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return fail(ErrorCode::kInvalidArgument, "the policy is not a JSON object");
  }
  Policy policy;
  for (const auto& [member, value] : document.items()) {
    auto parser = member_parsers().find(member);
    if (parser == member_parsers().end()) {
      return fail(ErrorCode::kInvalidArgument,
                  "unknown policy member '" + member +
                      "' (known: allow_sim, allow_debug, formats, measurements, signers, "
                      "report_data, tcb_status, min_svn, claims, pcrs)");
    }
    ENSIGN_CHECK(parser->second(policy, value));
  }
  policy.id = "sha256:" + hex_encode(crypto::sha256(as_bytes(json)));
  return policy;
}

std::vector<std::string> appraise(const Policy& policy, const Verification& verification) {
  std::vector<std::string> failures;
  const std::string format(evidence_format_name(verification.format));
  if (verification.format == EvidenceFormat::kSim && !policy.allow_sim) {
    failures.push_back("policy: sim evidence is refused (allow_sim is false)");
  }
  if (verification.debug && !policy.allow_debug) {
    failures.push_back("policy: the TEE is debuggable (allow_debug is false)");
  }
  if (!policy.formats.empty() &&
      std::find(policy.formats.begin(), policy.formats.end(), verification.format) ==
          policy.formats.end()) {
    failures.push_back("policy: format " + format + " is not allowed");
  }
  if (!policy.measurements.empty() &&
      !contains_bytes(policy.measurements, verification.measurement)) {
    failures.push_back("policy: measurement " + hex_encode(verification.measurement) +
                       " is not one of the allowed " + hex_list_text(policy.measurements));
  }
  if (!policy.signers.empty() &&
      (!verification.signer || !contains_bytes(policy.signers, *verification.signer))) {
    failures.push_back("policy: signer " +
                       (verification.signer ? hex_encode(*verification.signer) : "(none)") +
                       " is not one of the allowed " + hex_list_text(policy.signers));
  }
  if (policy.report_data && !report_data_matches(verification.report_data, *policy.report_data)) {
    failures.push_back("policy: report data " + hex_encode(verification.report_data) +
                       " is not the required " + hex_encode(*policy.report_data));
  }
  if (!policy.tcb_statuses.empty() &&
      std::find(policy.tcb_statuses.begin(), policy.tcb_statuses.end(), verification.tcb_status) ==
          policy.tcb_statuses.end()) {
    failures.push_back("policy: TCB status " + verification.tcb_status + " is not allowed");
  }
  for (const auto& [path, minimum] : policy.min_svn) {
    const Json* actual = claim_at(verification.claims, path);
    if (actual == nullptr) {
      failures.push_back("policy: min_svn " + path + ": the " + format + " claims have no " + path);
    } else if (auto why = below_minimum(*actual, minimum)) {
      failures.push_back("policy: min_svn " + path + ": " + *why);
    }
  }
  for (const auto& [path, required] : policy.claims) {
    const Json* actual = claim_at(verification.claims, path);
    if (actual == nullptr) {
      failures.push_back("policy: claim " + path + ": the " + format + " claims have no " + path);
    } else if (!same_claim(*actual, required)) {
      failures.push_back("policy: claim " + path + " is " + actual->dump() + ", not " +
                         required.dump());
    }
  }
  for (const auto& [index, required] : policy.pcrs) {
    auto actual = pcr_value(verification.claims, index);
    if (!actual) {
      failures.push_back("policy: PCR " + std::to_string(index) +
                         ": its value is unknown (give the PCR values with --pcrs)");
    } else if (*actual != required) {
      failures.push_back("policy: PCR " + std::to_string(index) + " is " + hex_encode(*actual) +
                         ", not " + hex_encode(required));
    }
  }
  return failures;
}

bool report_data_matches(ByteView actual, ByteView expected) {
  if (expected.size() > actual.size()) {
    return false;
  }
  Bytes padded(expected.begin(), expected.end());
  padded.resize(actual.size(), 0);
  return std::equal(padded.begin(), padded.end(), actual.begin());
}

}  // namespace ensign::attest
