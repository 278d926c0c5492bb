#include "attest/dcap/pck.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "attest/dcap/quote.h"
#include "core/openssl_handles.h"

namespace ensign::attest::dcap {
namespace {

void free_type_stack(STACK_OF(ASN1_TYPE) * stack) {
  sk_ASN1_TYPE_pop_free(stack, ASN1_TYPE_free);
}
using AsnTypeStackPtr =
    std::unique_ptr<STACK_OF(ASN1_TYPE), OpenSslDeleter<STACK_OF(ASN1_TYPE), free_type_stack>>;

constexpr std::size_t kPpidSize = 16;
constexpr std::size_t kCpusvnSize = 16;
constexpr std::size_t kPlatformInstanceIdSize = 16;
constexpr int kTcbComponentCount = 16;
constexpr int kTcbPcesvnArc = 17;
constexpr int kTcbCpusvnArc = 18;

// The arcs under kSgxExtensionsOid.
enum Arc : int {
  kPpidArc = 1,
  kTcbArc = 2,
  kPceidArc = 3,
  kFmspcArc = 4,
  kSgxTypeArc = 5,
  kPlatformInstanceIdArc = 6,
  kConfigurationArc = 7,
};

// arc_under returns N when `oid` is `parent`.N, for N of at most three digits.
std::optional<int> arc_under(std::string_view oid, std::string_view parent) {
  if (oid.size() <= parent.size() + 1 || oid.size() > parent.size() + 4 ||
      oid.substr(0, parent.size()) != parent || oid[parent.size()] != '.') {
    return std::nullopt;
  }
  int arc = 0;
  for (char digit : oid.substr(parent.size() + 1)) {
    if (digit < '0' || digit > '9') {
      return std::nullopt;
    }
    arc = arc * 10 + (digit - '0');
  }
  return arc;
}

// A Visitor sees each SEQUENCE { OBJECT IDENTIFIER, value } entry of a decoded SEQUENCE.
using Visitor = std::function<Status(const std::string& oid, const ASN1_TYPE& value)>;

// for_each_entry decodes `der` (all of it) as a SEQUENCE of at most kMaxSgxExtensionEntries
// SEQUENCE { OBJECT IDENTIFIER, ANY } entries with distinct identifiers, and visits each.
Status for_each_entry(ByteView der, const std::string& what, const Visitor& visit) {
  const unsigned char* cursor = der.data();
  AsnTypeStackPtr entries(d2i_ASN1_SEQUENCE_ANY(nullptr, &cursor, static_cast<long>(der.size())));
  if (!entries || cursor != der.data() + der.size()) {
    ERR_clear_error();
    return fail(ErrorCode::kInvalidArgument, what + " is not one DER SEQUENCE");
  }
  int count = sk_ASN1_TYPE_num(entries.get());
  if (count < 0 || static_cast<std::size_t>(count) > kMaxSgxExtensionEntries) {
    return fail(ErrorCode::kInvalidArgument,
                what + " has " + std::to_string(count) + " entries, over the limit of " +
                    std::to_string(kMaxSgxExtensionEntries));
  }
  std::set<std::string> seen;
  for (int i = 0; i < count; ++i) {
    const ASN1_TYPE* entry = sk_ASN1_TYPE_value(entries.get(), i);
    std::string where = what + " entry " + std::to_string(i + 1);
    if (ASN1_TYPE_get(entry) != V_ASN1_SEQUENCE) {
      return fail(ErrorCode::kInvalidArgument, where + " is not a SEQUENCE");
    }
    const ASN1_STRING* sequence = entry->value.sequence;
    const unsigned char* inner_cursor = ASN1_STRING_get0_data(sequence);
    const unsigned char* inner_end = inner_cursor + ASN1_STRING_length(sequence);
    AsnTypeStackPtr pair(d2i_ASN1_SEQUENCE_ANY(
        nullptr, &inner_cursor, static_cast<long>(ASN1_STRING_length(sequence))));
    if (!pair || inner_cursor != inner_end || sk_ASN1_TYPE_num(pair.get()) != 2 ||
        ASN1_TYPE_get(sk_ASN1_TYPE_value(pair.get(), 0)) != V_ASN1_OBJECT) {
      ERR_clear_error();
      return fail(ErrorCode::kInvalidArgument,
                  where + " is not a SEQUENCE { OBJECT IDENTIFIER, value }");
    }
    char text[128];
    int length = OBJ_obj2txt(text, sizeof text, sk_ASN1_TYPE_value(pair.get(), 0)->value.object, 1);
    if (length <= 0 || static_cast<std::size_t>(length) >= sizeof text) {
      ERR_clear_error();
      return fail(ErrorCode::kInvalidArgument, where + " has an unreadable object identifier");
    }
    std::string oid(text, static_cast<std::size_t>(length));
    if (!seen.insert(oid).second) {
      return fail(ErrorCode::kInvalidArgument, what + " repeats " + oid);
    }
    ENSIGN_CHECK(visit(oid, *sk_ASN1_TYPE_value(pair.get(), 1)));
  }
  return {};
}

Result<Bytes> octet_string(const ASN1_TYPE& value, std::size_t size, const std::string& what) {
  if (ASN1_TYPE_get(&value) != V_ASN1_OCTET_STRING) {
    return fail(ErrorCode::kInvalidArgument, what + " is not an OCTET STRING");
  }
  const ASN1_STRING* string = value.value.octet_string;
  const unsigned char* data = ASN1_STRING_get0_data(string);
  auto length = static_cast<std::size_t>(ASN1_STRING_length(string));
  if (length != size) {
    return fail(
        ErrorCode::kInvalidArgument,
        what + " is " + std::to_string(length) + " bytes, expected " + std::to_string(size));
  }
  return Bytes(data, data + length);
}

// small_integer reads an INTEGER (or, when `enumerated`, an ENUMERATED) in 0..maximum.
Result<std::uint32_t> small_integer(const ASN1_TYPE& value,
                                    std::int64_t maximum,
                                    const std::string& what,
                                    bool enumerated = false) {
  std::int64_t number = -1;
  bool read = false;
  if (enumerated && ASN1_TYPE_get(&value) == V_ASN1_ENUMERATED) {
    read = ASN1_ENUMERATED_get_int64(&number, value.value.enumerated) == 1;
  } else if (!enumerated && ASN1_TYPE_get(&value) == V_ASN1_INTEGER) {
    read = ASN1_INTEGER_get_int64(&number, value.value.integer) == 1;
  } else {
    return fail(ErrorCode::kInvalidArgument,
                what + " is not an " + (enumerated ? "ENUMERATED" : "INTEGER"));
  }
  if (!read || number < 0 || number > maximum) {
    ERR_clear_error();
    return fail(ErrorCode::kInvalidArgument, what + " is outside 0.." + std::to_string(maximum));
  }
  return static_cast<std::uint32_t>(number);
}

Result<bool> boolean(const ASN1_TYPE& value, const std::string& what) {
  if (ASN1_TYPE_get(&value) != V_ASN1_BOOLEAN) {
    return fail(ErrorCode::kInvalidArgument, what + " is not a BOOLEAN");
  }
  return value.value.boolean != 0;
}

// sequence_der returns the DER of a SEQUENCE value, for for_each_entry.
Result<ByteView> sequence_der(const ASN1_TYPE& value, const std::string& what) {
  if (ASN1_TYPE_get(&value) != V_ASN1_SEQUENCE) {
    return fail(ErrorCode::kInvalidArgument, what + " is not a SEQUENCE");
  }
  const ASN1_STRING* sequence = value.value.sequence;
  return ByteView(ASN1_STRING_get0_data(sequence),
                  static_cast<std::size_t>(ASN1_STRING_length(sequence)));
}

// read_tcb reads the TCB entry: 16 SGX TCB component SVNs, the PCESVN and the CPUSVN.
Status read_tcb(const ASN1_TYPE& value, const std::string& tcb_oid, PckExtensions& extensions) {
  const std::string what = "TCB (" + tcb_oid + ")";
  ENSIGN_TRY(der, sequence_der(value, what));
  std::set<int> found;
  Status status =
      for_each_entry(der, what, [&](const std::string& oid, const ASN1_TYPE& component) -> Status {
        auto arc = arc_under(oid, tcb_oid);
        if (!arc || *arc < 1 || *arc > kTcbCpusvnArc) {
          return {};
        }
        found.insert(*arc);
        if (*arc <= kTcbComponentCount) {
          ENSIGN_TRY(svn, small_integer(component, 255, "SGX TCB component " + oid));
          extensions.sgx_tcb_components[static_cast<std::size_t>(*arc - 1)] =
              static_cast<std::uint8_t>(svn);
        } else if (*arc == kTcbPcesvnArc) {
          ENSIGN_TRY(pcesvn, small_integer(component, 65535, "PCESVN " + oid));
          extensions.pcesvn = static_cast<std::uint16_t>(pcesvn);
        } else {
          ENSIGN_TRY(cpusvn, octet_string(component, kCpusvnSize, "CPUSVN " + oid));
          extensions.cpusvn = std::move(cpusvn);
        }
        return {};
      });
  ENSIGN_CHECK(status);
  for (int arc = 1; arc <= kTcbCpusvnArc; ++arc) {
    if (!found.contains(arc)) {
      return fail(ErrorCode::kInvalidArgument,
                  what + " has no entry " + tcb_oid + "." + std::to_string(arc));
    }
  }
  return {};
}

Result<PckConfiguration> read_configuration(const ASN1_TYPE& value, const std::string& oid) {
  const std::string what = "Configuration (" + oid + ")";
  ENSIGN_TRY(der, sequence_der(value, what));
  PckConfiguration configuration;
  std::optional<bool>* const flags[] = {
      &configuration.dynamic_platform, &configuration.cached_keys, &configuration.smt_enabled};
  Status status =
      for_each_entry(der, what, [&](const std::string& flag_oid, const ASN1_TYPE& flag) -> Status {
        auto arc = arc_under(flag_oid, oid);
        if (!arc || *arc < 1 || *arc > static_cast<int>(std::size(flags))) {
          return {};
        }
        ENSIGN_TRY(set, boolean(flag, "Configuration flag " + flag_oid));
        *flags[*arc - 1] = set;
        return {};
      });
  ENSIGN_CHECK(status);
  return configuration;
}

// read_entry reads one top-level SGX extension entry into `extensions`.
Status read_entry(Arc arc,
                  const std::string& oid,
                  const ASN1_TYPE& entry,
                  PckExtensions& extensions) {
  switch (arc) {
    case kPpidArc: {
      ENSIGN_TRY(ppid, octet_string(entry, kPpidSize, "PPID " + oid));
      extensions.ppid = std::move(ppid);
      return {};
    }
    case kTcbArc:
      return read_tcb(entry, oid, extensions);
    case kPceidArc: {
      ENSIGN_TRY(pceid, octet_string(entry, kPceidSize, "PCE-ID " + oid));
      extensions.pceid = std::move(pceid);
      return {};
    }
    case kFmspcArc: {
      ENSIGN_TRY(fmspc, octet_string(entry, kFmspcSize, "FMSPC " + oid));
      extensions.fmspc = std::move(fmspc);
      return {};
    }
    case kSgxTypeArc: {
      ENSIGN_TRY(sgx_type, small_integer(entry, 255, "SGX Type " + oid, true));
      extensions.sgx_type = sgx_type;
      return {};
    }
    case kPlatformInstanceIdArc: {
      ENSIGN_TRY(instance,
                 octet_string(entry, kPlatformInstanceIdSize, "PlatformInstanceID " + oid));
      extensions.platform_instance_id = std::move(instance);
      return {};
    }
    case kConfigurationArc: {
      ENSIGN_TRY(configuration, read_configuration(entry, oid));
      extensions.configuration = configuration;
      return {};
    }
  }
  return {};
}

}  // namespace

Result<PckExtensions> parse_pck_extensions(const pki::Certificate& certificate) {
  const std::string context = "SGX extensions of certificate sha256 " + certificate.sha256();
  auto value = certificate.extension(kSgxExtensionsOid);
  if (!value) {
    return fail(ErrorCode::kInvalidArgument,
                context + ": absent (no extension " + std::string(kSgxExtensionsOid) + ")");
  }
  if (value->size() > kMaxSgxExtensionsSize) {
    return fail(ErrorCode::kInvalidArgument,
                context + ": " + std::to_string(value->size()) + " bytes is over the limit of " +
                    std::to_string(kMaxSgxExtensionsSize));
  }
  PckExtensions extensions;
  std::set<int> found;
  Status status = for_each_entry(
      *value, "the SGX extensions", [&](const std::string& oid, const ASN1_TYPE& entry) -> Status {
        auto arc = arc_under(oid, kSgxExtensionsOid);
        if (!arc || *arc < kPpidArc || *arc > kConfigurationArc) {
          return {};
        }
        found.insert(*arc);
        return read_entry(static_cast<Arc>(*arc), oid, entry, extensions);
      });
  if (!status) {
    return fail(status.error().with_context(context));
  }
  const std::pair<Arc, std::string_view> required[] = {{kPpidArc, "PPID"},
                                                       {kTcbArc, "TCB"},
                                                       {kPceidArc, "PCE-ID"},
                                                       {kFmspcArc, "FMSPC"},
                                                       {kSgxTypeArc, "SGX Type"}};
  for (const auto& [arc, name] : required) {
    if (!found.contains(arc)) {
      return fail(ErrorCode::kInvalidArgument,
                  context + ": no " + std::string(name) + " entry (" +
                      std::string(kSgxExtensionsOid) + "." + std::to_string(arc) + ")");
    }
  }
  return extensions;
}

nlohmann::json pck_claims(const PckExtensions& extensions) {
  nlohmann::json claims = {
      {"ppid", hex_encode(extensions.ppid)},
      {"fmspc", hex_encode(extensions.fmspc)},
      {"pceid", hex_encode(extensions.pceid)},
      {"pcesvn", extensions.pcesvn},
      {"cpusvn", hex_encode(extensions.cpusvn)},
      {"sgx_tcb_components", extensions.sgx_tcb_components},
      {"sgx_type", hex_code(extensions.sgx_type)},
  };
  if (extensions.platform_instance_id) {
    claims["platform_instance_id"] = hex_encode(*extensions.platform_instance_id);
  }
  if (extensions.configuration) {
    nlohmann::json configuration = nlohmann::json::object();
    const std::pair<const char*, const std::optional<bool>*> flags[] = {
        {"dynamic_platform", &extensions.configuration->dynamic_platform},
        {"cached_keys", &extensions.configuration->cached_keys},
        {"smt_enabled", &extensions.configuration->smt_enabled}};
    for (const auto& [name, flag] : flags) {
      if (flag->has_value()) {
        configuration[name] = **flag;
      }
    }
    claims["configuration"] = std::move(configuration);
  }
  return claims;
}

}  // namespace ensign::attest::dcap
