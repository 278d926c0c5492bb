// The TCB Info and QE Identity parsers (collateral.h): the signed inner object is parsed from its
// exact text, the bytes Intel signed, so what is checked is what is read.
#include <limits>
#include <string>
#include <utility>

#include "attest/dcap/collateral.h"
#include "attest/dcap/internal/collateral_json.h"
#include "attest/dcap/pck.h"

namespace ensign::attest::dcap {
namespace {

using internal::invalid_member;
using internal::Members;
using nlohmann::json;

constexpr std::size_t kComponentCount = 16;
constexpr std::size_t kTdxMrsignerSize = 48;
constexpr std::size_t kTdxAttributesSize = 8;
constexpr std::size_t kMiscselectSize = 4;
constexpr std::size_t kEnclaveAttributesSize = 16;
constexpr std::size_t kEnclaveMrsignerSize = 32;
constexpr std::uint64_t kMaxSvn = std::numeric_limits<std::uint8_t>::max();
constexpr std::uint64_t kMaxIsvSvn = std::numeric_limits<std::uint16_t>::max();
constexpr std::uint64_t kMaxNumber = std::numeric_limits<std::uint32_t>::max();

// SignedDocument is a collateral document split into the signed inner object and the signature.
struct SignedDocument {
  SignedBody body;
  json inner;
};

// read_signed_document checks the whole document and returns the member `inner_name` (its exact
// text and its value) and the "signature" member, decoded. As top_level_members refuses repeated
// and escaped member names, the parsed document's `inner_name` is exactly the parse of that text.
Result<SignedDocument> read_signed_document(std::string_view document,
                                            std::string_view inner_name) {
  ENSIGN_TRY(members, internal::top_level_members(document));
  ENSIGN_TRY(whole, internal::parse_json(document, "collateral document"));
  auto inner_text = members.find(inner_name);
  if (inner_text == members.end()) {
    return invalid_member(std::string(inner_name), "missing");
  }
  auto signature_json = whole.find("signature");
  if (signature_json == whole.end()) {
    return invalid_member("signature", "missing");
  }
  if (!signature_json->is_string()) {
    return invalid_member("signature", "expected a string");
  }
  auto signature_hex = signature_json->get<std::string>();
  auto signature = hex_decode(signature_hex);
  if (!signature || signature->size() != kCollateralSignatureSize) {
    return invalid_member("signature",
                          "expected " + std::to_string(kCollateralSignatureSize) +
                              " bytes as hex (ECDSA P-256 r || s), found " +
                              std::to_string(signature_hex.size()) + " characters");
  }
  return SignedDocument{{std::string(inner_text->second), std::move(*signature)},
                        std::move(whole[std::string(inner_name)])};
}

Result<std::uint8_t> read_svn(const Members& members, std::string_view name) {
  ENSIGN_TRY(svn, members.number(name, kMaxSvn));
  return static_cast<std::uint8_t>(svn);
}

// read_components reads an array of 16 {"svn": n, ...} objects (TCB Info v3).
Result<std::array<std::uint8_t, 16>> read_components(const Members& tcb, std::string_view name) {
  ENSIGN_TRY(components, tcb.objects(name, kComponentCount));
  if (components.size() != kComponentCount) {
    return invalid_member(tcb.path() + "." + std::string(name),
                          "expected " + std::to_string(kComponentCount) + " components, found " +
                              std::to_string(components.size()));
  }
  std::array<std::uint8_t, 16> svns{};
  for (std::size_t index = 0; index < kComponentCount; ++index) {
    ENSIGN_TRY(svn, read_svn(components[index], "svn"));
    svns[index] = svn;
  }
  return svns;
}

// read_v2_components reads sgxtcbcomp01svn .. sgxtcbcomp16svn (TCB Info v2).
Result<std::array<std::uint8_t, 16>> read_v2_components(const Members& tcb) {
  std::array<std::uint8_t, 16> svns{};
  for (std::size_t index = 0; index < kComponentCount; ++index) {
    std::string number = std::to_string(index + 1);
    std::string name = "sgxtcbcomp" + std::string(number.size() < 2 ? "0" : "") + number + "svn";
    ENSIGN_TRY(svn, read_svn(tcb, name));
    svns[index] = svn;
  }
  return svns;
}

// read_level_status reads tcbDate, tcbStatus and advisoryIDs, which every kind of level has.
template <typename Level>
Status read_level_status(const Members& level, Level& parsed) {
  ENSIGN_CHECK(level.time("tcbDate"));
  ENSIGN_TRY(tcb_date, level.text("tcbDate"));
  ENSIGN_TRY(status, level.text("tcbStatus"));
  ENSIGN_TRY(advisories, level.strings("advisoryIDs", kMaxAdvisoryIds));
  parsed.tcb_date = std::move(tcb_date);
  parsed.tcb_status = std::move(status);
  parsed.advisory_ids = std::move(advisories);
  return {};
}

Result<std::vector<IsvTcbLevel>> read_isv_levels(const Members& owner) {
  ENSIGN_TRY(levels, owner.objects("tcbLevels", kMaxTcbLevels));
  std::vector<IsvTcbLevel> parsed;
  for (const auto& level : levels) {
    IsvTcbLevel entry;
    ENSIGN_TRY(tcb, level.object("tcb"));
    ENSIGN_TRY(isvsvn, tcb.number("isvsvn", kMaxIsvSvn));
    entry.isvsvn = static_cast<std::uint16_t>(isvsvn);
    ENSIGN_CHECK(read_level_status(level, entry));
    parsed.push_back(std::move(entry));
  }
  return parsed;
}

Result<TcbLevel> read_tcb_level(const Members& level, const TcbInfo& info) {
  TcbLevel parsed;
  ENSIGN_TRY(tcb, level.object("tcb"));
  if (info.version == 2) {
    ENSIGN_TRY(components, read_v2_components(tcb));
    parsed.sgx_components = components;
  } else {
    ENSIGN_TRY(components, read_components(tcb, "sgxtcbcomponents"));
    parsed.sgx_components = components;
  }
  if (info.id == "TDX") {
    ENSIGN_TRY(components, read_components(tcb, "tdxtcbcomponents"));
    parsed.tdx_components = components;
  }
  ENSIGN_TRY(pcesvn, tcb.number("pcesvn", kMaxIsvSvn));
  parsed.pcesvn = static_cast<std::uint16_t>(pcesvn);
  ENSIGN_CHECK(read_level_status(level, parsed));
  return parsed;
}

// read_signer reads mrsigner, attributes and attributesMask, which a TDX module and an enclave
// identity both have (of different sizes).
template <typename Item>
Status read_signer(const Members& body,
                   std::size_t mrsigner_size,
                   std::size_t attributes_size,
                   Item& item) {
  ENSIGN_TRY(mrsigner, body.hex("mrsigner", mrsigner_size));
  ENSIGN_TRY(attributes, body.hex("attributes", attributes_size));
  ENSIGN_TRY(mask, body.hex("attributesMask", attributes_size));
  item.mrsigner = std::move(mrsigner);
  item.attributes = std::move(attributes);
  item.attributes_mask = std::move(mask);
  return {};
}

// read_tdx_module reads "tdxModule" (with_levels false) or one "tdxModuleIdentities" element.
Result<TdxModule> read_tdx_module(const Members& module, bool with_levels) {
  TdxModule parsed;
  if (with_levels) {
    ENSIGN_TRY(id, module.text("id"));
    parsed.id = std::move(id);
    ENSIGN_TRY(levels, read_isv_levels(module));
    parsed.tcb_levels = std::move(levels);
  }
  ENSIGN_CHECK(read_signer(module, kTdxMrsignerSize, kTdxAttributesSize, parsed));
  return parsed;
}

Status read_tdx_parts(const Members& body, TcbInfo& info) {
  ENSIGN_TRY(module, body.object("tdxModule"));
  ENSIGN_TRY(parsed_module, read_tdx_module(module, false));
  info.tdx_module = std::move(parsed_module);
  if (!body.has("tdxModuleIdentities")) {
    return {};
  }
  ENSIGN_TRY(identities, body.objects("tdxModuleIdentities", kMaxTdxModuleIdentities));
  for (const auto& identity : identities) {
    ENSIGN_TRY(parsed_identity, read_tdx_module(identity, true));
    info.tdx_module_identities.push_back(std::move(parsed_identity));
  }
  return {};
}

// read_window reads issueDate and nextUpdate, which must be in order.
template <typename Item>
Status read_window(const Members& body, Item& item) {
  ENSIGN_TRY(issue_date, body.time("issueDate"));
  ENSIGN_TRY(next_update, body.time("nextUpdate"));
  if (next_update < issue_date) {
    return invalid_member(body.path(), "nextUpdate is before issueDate");
  }
  item.issue_date = issue_date;
  item.next_update = next_update;
  return {};
}

Result<TcbInfo> tcb_info_from(SignedDocument document) {
  TcbInfo info;
  ENSIGN_TRY(body, Members::of(document.inner, "tcbInfo"));
  ENSIGN_TRY(version, body.number("version", kMaxNumber));
  if (version != 2 && version != 3) {
    return invalid_member("tcbInfo.version",
                          std::to_string(version) + " is not supported (2 or 3)");
  }
  info.version = static_cast<unsigned>(version);
  if (version == 2) {
    info.id = "SGX";
  } else {
    ENSIGN_TRY(id, body.text("id"));
    if (id != "SGX" && id != "TDX") {
      // Appended, not operator+: g++ 12 at -O3 misreports that chain (-Wrestrict, PR105329).
      std::string why = "\"";
      why.append(id.substr(0, 16)).append("\" is neither SGX nor TDX");
      return invalid_member("tcbInfo.id", why);
    }
    info.id = std::move(id);
  }
  ENSIGN_CHECK(read_window(body, info));
  ENSIGN_TRY(fmspc, body.hex("fmspc", kFmspcSize));
  ENSIGN_TRY(pce_id, body.hex("pceId", kPceidSize));
  info.fmspc = std::move(fmspc);
  info.pce_id = std::move(pce_id);
  ENSIGN_TRY(tcb_type, body.number("tcbType", kMaxNumber));
  if (tcb_type != 0) {
    return invalid_member("tcbInfo.tcbType", std::to_string(tcb_type) + " is not supported (0)");
  }
  ENSIGN_TRY(evaluation, body.number("tcbEvaluationDataNumber", kMaxNumber));
  info.tcb_evaluation_data_number = static_cast<std::uint32_t>(evaluation);
  if (info.id == "TDX") {
    ENSIGN_CHECK(read_tdx_parts(body, info));
  }
  ENSIGN_TRY(levels, body.objects("tcbLevels", kMaxTcbLevels));
  for (const auto& level : levels) {
    ENSIGN_TRY(parsed, read_tcb_level(level, info));
    info.tcb_levels.push_back(std::move(parsed));
  }
  info.signed_body = std::move(document.body);
  return info;
}

Result<QeIdentity> qe_identity_from(SignedDocument document) {
  QeIdentity identity;
  ENSIGN_TRY(body, Members::of(document.inner, "enclaveIdentity"));
  ENSIGN_TRY(id, body.text("id"));
  if (id != "QE" && id != "QVE" && id != "TD_QE") {
    return invalid_member("enclaveIdentity.id",
                          "\"" + id.substr(0, 16) + "\" is not QE, QVE or TD_QE");
  }
  identity.id = std::move(id);
  ENSIGN_TRY(version, body.number("version", kMaxNumber));
  if (version != 2) {
    return invalid_member("enclaveIdentity.version",
                          std::to_string(version) + " is not supported (2)");
  }
  identity.version = static_cast<unsigned>(version);
  ENSIGN_CHECK(read_window(body, identity));
  ENSIGN_TRY(evaluation, body.number("tcbEvaluationDataNumber", kMaxNumber));
  identity.tcb_evaluation_data_number = static_cast<std::uint32_t>(evaluation);
  ENSIGN_TRY(miscselect, body.hex("miscselect", kMiscselectSize));
  ENSIGN_TRY(miscselect_mask, body.hex("miscselectMask", kMiscselectSize));
  auto little_endian = [](const Bytes& bytes) {
    return static_cast<std::uint32_t>(bytes[0]) | static_cast<std::uint32_t>(bytes[1]) << 8 |
           static_cast<std::uint32_t>(bytes[2]) << 16 | static_cast<std::uint32_t>(bytes[3]) << 24;
  };
  identity.miscselect = little_endian(miscselect);
  identity.miscselect_mask = little_endian(miscselect_mask);
  ENSIGN_CHECK(read_signer(body, kEnclaveMrsignerSize, kEnclaveAttributesSize, identity));
  ENSIGN_TRY(isvprodid, body.number("isvprodid", kMaxIsvSvn));
  identity.isvprodid = static_cast<std::uint16_t>(isvprodid);
  ENSIGN_TRY(levels, read_isv_levels(body));
  identity.tcb_levels = std::move(levels);
  identity.signed_body = std::move(document.body);
  return identity;
}

}  // namespace

Result<TcbInfo> parse_tcb_info(std::string_view json_text) {
  ENSIGN_TRY(document, read_signed_document(json_text, "tcbInfo"));
  return tcb_info_from(std::move(document));
}

Result<QeIdentity> parse_qe_identity(std::string_view json_text) {
  ENSIGN_TRY(document, read_signed_document(json_text, "enclaveIdentity"));
  return qe_identity_from(std::move(document));
}

}  // namespace ensign::attest::dcap
