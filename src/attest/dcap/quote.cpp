#include "attest/dcap/quote.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include "attest/claims.h"
#include "core/wire.h"

namespace ensign::attest::dcap {
namespace {

constexpr std::size_t kSgxReserved1Size = 12;
constexpr std::size_t kSgxReserved2Size = 32;
constexpr std::size_t kSgxReserved3Size = 32;
constexpr std::size_t kSgxReserved4Size = 42;
constexpr std::uint8_t kSgxAttributesDebug = 0x02;  // ATTRIBUTES.FLAGS bit 1
constexpr std::uint8_t kTdAttributesDebug = 0x01;   // TD_ATTRIBUTES bit 0

Unexpected malformed(std::string problem) {
  return fail(ErrorCode::kInvalidArgument, "DCAP quote: " + problem);
}

// Reader reads little-endian fields front to back from one part of the quote (over
// wire::Cursor, so no read passes the part's end). Errors give offsets from the quote's start
// and name the field within its part ("the TD report's mrtd"); the name is only put together
// when a read fails, so parsing a good quote builds no strings.
class Reader {
 public:
  Reader(ByteView input, std::size_t offset, std::string_view part = {},
         std::string_view fields_of = {})
      : input_(input), cursor_(input), offset_(offset), part_(part), fields_of_(fields_of) {}

  Result<ByteView> take(std::size_t size, std::string_view field) {
    std::size_t at = offset_ + cursor_.position();
    auto bytes = cursor_.take(size);
    if (!bytes) {
      return malformed("truncated in " + name(field) + " at offset " + std::to_string(at) +
                       " (needs " + std::to_string(size) + " bytes, " +
                       std::to_string(cursor_.remaining()) + " remain)");
    }
    return *bytes;
  }

  // read copies the next N bytes into `out`.
  template <std::size_t N>
  Status read(FixedBytes<N>& out, std::string_view field) {
    ENSIGN_TRY(bytes, take(N, field));
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return {};
  }

  // read reads an unsigned little-endian integer of out's size.
  template <typename Integer>
    requires std::is_unsigned_v<Integer>
  Status read(Integer& out, std::string_view field) {
    ENSIGN_TRY(bytes, take(sizeof(Integer), field));
    out = static_cast<Integer>(*wire::load_le(bytes, 0, sizeof(Integer)));
    return {};
  }

  // skip passes over `size` reserved bytes.
  Status skip(std::size_t size, std::string_view field) {
    auto bytes = take(size, field);
    if (!bytes) {
      return fail(bytes.error());
    }
    return {};
  }

  // take_bounded returns the `size` bytes that a length field announced, refusing more than
  // `limit`.
  Result<ByteView> take_bounded(std::size_t size, std::size_t limit, std::string_view what) {
    if (size > limit) {
      return malformed(std::string(what) + " of " + std::to_string(size) +
                       " bytes is over the limit of " + std::to_string(limit));
    }
    return take(size, what);
  }

  // section returns a reader over the next `size` bytes, which a length field gave; `part`
  // names it when its length and contents disagree (finish).
  Result<Reader> section(std::size_t size, std::string_view part) {
    std::size_t at = offset_ + cursor_.position();
    ENSIGN_TRY(bytes, take(size, part));
    return Reader(bytes, at, part);
  }

  // structure returns a reader over the next `size` bytes, a report whose fields its errors
  // name as "<part>'s <field>".
  Result<Reader> structure(std::size_t size, std::string_view part) {
    std::size_t at = offset_ + cursor_.position();
    ENSIGN_TRY(bytes, take(size, part));
    return Reader(bytes, at, part, part);
  }

  // finish fails when bytes of this part are left unread: its length field and its contents
  // disagree.
  Status finish() const {
    if (cursor_.remaining() != 0) {
      return malformed(std::string(part_) + " has " + std::to_string(cursor_.remaining()) +
                       " bytes more than its contents (from offset " +
                       std::to_string(offset_ + cursor_.position()) + ")");
    }
    return {};
  }

  ByteView consumed() const { return input_.first(cursor_.position()); }
  std::size_t position() const { return cursor_.position(); }

 private:
  std::string name(std::string_view field) const {
    if (fields_of_.empty()) {
      return std::string(field);
    }
    return std::string(fields_of_) + "'s " + std::string(field);
  }

  ByteView input_;
  wire::Cursor cursor_;
  std::size_t offset_;
  std::string_view part_;       // what finish() calls this part
  std::string_view fields_of_;  // what field names are prefixed with in errors, if anything
};

Status read_header(Reader& reader, QuoteHeader& header) {
  ENSIGN_CHECK(reader.read(header.version, "the header's version"));
  ENSIGN_CHECK(reader.read(header.att_key_type, "the header's attestation key type"));
  ENSIGN_CHECK(reader.read(header.tee_type, "the header's TEE type"));
  ENSIGN_CHECK(reader.read(header.qe_svn, "the header's QE SVN"));
  ENSIGN_CHECK(reader.read(header.pce_svn, "the header's PCE SVN"));
  ENSIGN_CHECK(reader.read(header.qe_vendor_id, "the header's QE vendor id"));
  return reader.read(header.user_data, "the header's user data");
}

Status check_header(const QuoteHeader& header) {
  if (header.version != 3 && header.version != 4 && header.version != 5) {
    return malformed("version " + std::to_string(header.version) +
                     " is not supported (3 = SGX, 4 and 5 = TDX)");
  }
  if (header.att_key_type != kAttestationKeyEcdsaP256) {
    return malformed("attestation key type " + std::to_string(header.att_key_type) +
                     " is not supported (only 2, ECDSA-256-with-P-256)");
  }
  std::uint32_t expected_tee = header.version == 3 ? kTeeTypeSgx : kTeeTypeTdx;
  if (header.tee_type != expected_tee) {
    return malformed("TEE type " + hex_code(header.tee_type) + " is not supported in a version " +
                     std::to_string(header.version) + " quote (expected " + hex_code(expected_tee) +
                     ")");
  }
  return {};
}

// read_enclave_report reads an SGX report body from a structure() of kEnclaveReportSize bytes.
Result<EnclaveReport> read_enclave_report(Reader& reader) {
  EnclaveReport report;
  ENSIGN_CHECK(reader.read(report.cpusvn, "cpusvn"));
  ENSIGN_CHECK(reader.read(report.miscselect, "miscselect"));
  ENSIGN_CHECK(reader.skip(kSgxReserved1Size, "reserved1"));
  ENSIGN_CHECK(reader.read(report.isvextprodid, "isvextprodid"));
  ENSIGN_CHECK(reader.read(report.attributes, "attributes"));
  ENSIGN_CHECK(reader.read(report.mrenclave, "mrenclave"));
  ENSIGN_CHECK(reader.skip(kSgxReserved2Size, "reserved2"));
  ENSIGN_CHECK(reader.read(report.mrsigner, "mrsigner"));
  ENSIGN_CHECK(reader.skip(kSgxReserved3Size, "reserved3"));
  ENSIGN_CHECK(reader.read(report.configid, "configid"));
  ENSIGN_CHECK(reader.read(report.isvprodid, "isvprodid"));
  ENSIGN_CHECK(reader.read(report.isvsvn, "isvsvn"));
  ENSIGN_CHECK(reader.read(report.configsvn, "configsvn"));
  ENSIGN_CHECK(reader.skip(kSgxReserved4Size, "reserved4"));
  ENSIGN_CHECK(reader.read(report.isvfamilyid, "isvfamilyid"));
  ENSIGN_CHECK(reader.read(report.report_data, "report_data"));
  ENSIGN_CHECK(reader.finish());
  return report;
}

// read_td_report reads a TD report body from a structure() of kTdReport10Size bytes (TDX 1.0)
// or kTdReport15Size bytes (TDX 1.5).
Result<TdReport> read_td_report(Reader& reader, bool tdx15) {
  static constexpr std::string_view kRtmrNames[] = {"rtmr0", "rtmr1", "rtmr2", "rtmr3"};
  TdReport report;
  ENSIGN_CHECK(reader.read(report.tee_tcb_svn, "tee_tcb_svn"));
  ENSIGN_CHECK(reader.read(report.mrseam, "mrseam"));
  ENSIGN_CHECK(reader.read(report.mrsignerseam, "mrsignerseam"));
  ENSIGN_CHECK(reader.read(report.seam_attributes, "seam_attributes"));
  ENSIGN_CHECK(reader.read(report.td_attributes, "td_attributes"));
  ENSIGN_CHECK(reader.read(report.xfam, "xfam"));
  ENSIGN_CHECK(reader.read(report.mrtd, "mrtd"));
  ENSIGN_CHECK(reader.read(report.mrconfigid, "mrconfigid"));
  ENSIGN_CHECK(reader.read(report.mrowner, "mrowner"));
  ENSIGN_CHECK(reader.read(report.mrownerconfig, "mrownerconfig"));
  for (std::size_t i = 0; i < report.rtmr.size(); ++i) {
    ENSIGN_CHECK(reader.read(report.rtmr[i], kRtmrNames[i]));
  }
  ENSIGN_CHECK(reader.read(report.report_data, "report_data"));
  if (tdx15) {
    ENSIGN_CHECK(reader.read(report.tee_tcb_svn_2.emplace(), "tee_tcb_svn_2"));
    ENSIGN_CHECK(reader.read(report.mr_servicetd.emplace(), "mr_servicetd"));
  }
  ENSIGN_CHECK(reader.finish());
  return report;
}

// read_body reads what follows the header up to the signature data length: the enclave report
// (v3), the TD report (v4), or the body descriptor and TD report (v5).
Status read_body(Reader& reader, Quote& quote) {
  if (quote.header.version == 3) {
    ENSIGN_TRY(body, reader.structure(kEnclaveReportSize, "the enclave report"));
    ENSIGN_TRY(report, read_enclave_report(body));
    quote.enclave_report = report;
    return {};
  }
  if (quote.header.version == 4) {
    ENSIGN_TRY(body, reader.structure(kTdReport10Size, "the TD report"));
    ENSIGN_TRY(report, read_td_report(body, false));
    quote.td_report = report;
    return {};
  }
  std::uint16_t body_type = 0;
  std::uint32_t body_size = 0;
  ENSIGN_CHECK(reader.read(body_type, "the body descriptor's type"));
  ENSIGN_CHECK(reader.read(body_size, "the body descriptor's size"));
  quote.body_type = body_type;
  quote.body_size = body_size;
  std::size_t expected_size = 0;
  if (body_type == kBodyTypeTdReport10) {
    expected_size = kTdReport10Size;
  } else if (body_type == kBodyTypeTdReport15) {
    expected_size = kTdReport15Size;
  } else {
    return malformed("body type " + std::to_string(body_type) +
                     " is not supported (2 = TDX 1.0 TD report, 3 = TDX 1.5 TD report)");
  }
  if (body_size != expected_size) {
    return malformed("body size " + std::to_string(body_size) + " does not match body type " +
                     std::to_string(body_type) + " (" + std::to_string(expected_size) + " bytes)");
  }
  ENSIGN_TRY(body, reader.structure(body_size, "the TD report"));
  ENSIGN_TRY(report, read_td_report(body, body_type == kBodyTypeTdReport15));
  quote.td_report = report;
  return {};
}

// read_qe_section reads the quoting enclave's part of the signature data: its report, the PCK
// key's signature over it, the QE authentication data and the PCK certification data. It must
// fill `reader` exactly.
Status read_qe_section(Reader& reader, Quote& quote) {
  ENSIGN_TRY(qe_report, reader.structure(kEnclaveReportSize, "the QE report"));
  ENSIGN_TRY(parsed, read_enclave_report(qe_report));
  quote.qe_report = parsed;
  ByteView signed_report = qe_report.consumed();
  std::copy(signed_report.begin(), signed_report.end(), quote.qe_report_bytes.begin());
  ENSIGN_CHECK(reader.read(quote.qe_report_signature, "the QE report signature"));
  std::uint16_t auth_size = 0;
  ENSIGN_CHECK(reader.read(auth_size, "the QE authentication data size"));
  ENSIGN_TRY(auth_data,
             reader.take_bounded(auth_size, kMaxQeAuthDataSize, "the QE authentication data"));
  quote.qe_auth_data = auth_data;
  ENSIGN_CHECK(reader.read(quote.certification_data_type, "the PCK certification data type"));
  if (quote.certification_data_type != kCertificationDataPckChain) {
    return malformed("certification data type " + std::to_string(quote.certification_data_type) +
                     " is not supported where the PCK chain belongs (only 5, PCK certificate "
                     "chain)");
  }
  std::uint32_t chain_size = 0;
  ENSIGN_CHECK(reader.read(chain_size, "the PCK certification data size"));
  ENSIGN_TRY(chain, reader.take_bounded(
                        chain_size, kMaxPckCertificationDataSize, "the PCK certification data"));
  quote.pck_chain = chain;
  return reader.finish();
}

// read_signature_data reads the signature data: the quote signature, the attestation key and
// the quoting enclave's part, directly (v3) or as certification data type 6 (v4, v5).
Status read_signature_data(Reader& reader, Quote& quote) {
  ENSIGN_CHECK(reader.read(quote.signature, "the quote signature"));
  ENSIGN_CHECK(reader.read(quote.attestation_key, "the attestation key"));
  if (quote.header.version == 3) {
    return read_qe_section(reader, quote);
  }
  std::uint16_t outer_type = 0;
  std::uint32_t outer_size = 0;
  ENSIGN_CHECK(reader.read(outer_type, "the certification data type"));
  if (outer_type != kCertificationDataQeReport) {
    return malformed("certification data type " + std::to_string(outer_type) +
                     " is not supported in a version " + std::to_string(quote.header.version) +
                     " quote (only 6, QE report certification data)");
  }
  ENSIGN_CHECK(reader.read(outer_size, "the certification data size"));
  ENSIGN_TRY(outer, reader.section(outer_size, "the QE report certification data"));
  ENSIGN_CHECK(read_qe_section(outer, quote));
  return reader.finish();
}

std::string fixed_hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", value);
  return text;
}

nlohmann::json enclave_report_claims(const EnclaveReport& report) {
  return ClaimsBuilder()
      .add_hex("cpusvn", report.cpusvn)
      .add("miscselect", fixed_hex32(report.miscselect))
      .add_hex("isvextprodid", report.isvextprodid)
      .add_hex("attributes", report.attributes)
      .add_hex("mrenclave", report.mrenclave)
      .add_hex("mrsigner", report.mrsigner)
      .add_hex("configid", report.configid)
      .add("isvprodid", report.isvprodid)
      .add("isvsvn", report.isvsvn)
      .add("configsvn", report.configsvn)
      .add_hex("isvfamilyid", report.isvfamilyid)
      .add_hex("report_data", report.report_data)
      .add("debug", report.debug())
      .build();
}

nlohmann::json td_report_claims(const TdReport& report) {
  ClaimsBuilder claims;
  claims.add_hex("tee_tcb_svn", report.tee_tcb_svn)
      .add_hex("mrseam", report.mrseam)
      .add_hex("mrsignerseam", report.mrsignerseam)
      .add_hex("seam_attributes", report.seam_attributes)
      .add_hex("td_attributes", report.td_attributes)
      .add("td_debug", report.debug())
      .add_hex("xfam", report.xfam)
      .add_hex("mrtd", report.mrtd)
      .add_hex("mrconfigid", report.mrconfigid)
      .add_hex("mrowner", report.mrowner)
      .add_hex("mrownerconfig", report.mrownerconfig)
      .add_hex("rtmr0", report.rtmr[0])
      .add_hex("rtmr1", report.rtmr[1])
      .add_hex("rtmr2", report.rtmr[2])
      .add_hex("rtmr3", report.rtmr[3])
      .add_hex("report_data", report.report_data);
  // TDX 1.5 names, as Intel's TDX DCAP documents spell them (TEE_TCB_SVN2, MRSERVICETD).
  if (report.tee_tcb_svn_2) {
    claims.add_hex("tee_tcb_svn2", *report.tee_tcb_svn_2);
  }
  if (report.mr_servicetd) {
    claims.add_hex("mrservicetd", *report.mr_servicetd);
  }
  return claims.build();
}

}  // namespace

bool EnclaveReport::debug() const {
  return (attributes[0] & kSgxAttributesDebug) != 0;
}

bool TdReport::debug() const {
  return (td_attributes[0] & kTdAttributesDebug) != 0;
}

Result<Quote> parse_quote(ByteView evidence) {
  if (evidence.size() > kMaxQuoteSize) {
    return malformed(std::to_string(evidence.size()) + " bytes is over the limit of " +
                     std::to_string(kMaxQuoteSize));
  }
  Reader reader(evidence, 0);
  Quote quote;
  ENSIGN_CHECK(read_header(reader, quote.header));
  ENSIGN_CHECK(check_header(quote.header));
  ENSIGN_CHECK(read_body(reader, quote));
  quote.signed_bytes = reader.consumed();
  ENSIGN_CHECK(reader.read(quote.signature_data_size, "the signature data length"));
  ENSIGN_TRY(signature_data, reader.section(quote.signature_data_size, "the signature data"));
  ENSIGN_CHECK(read_signature_data(signature_data, quote));

  // Quotes come in buffers larger than themselves (configfs, /dev/attestation, test files that
  // append text); what follows the quote's own end is not signed, so it is counted, not read.
  quote.trailing = evidence.size() - reader.position();
  return quote;
}

nlohmann::json quote_claims(const Quote& quote) {
  ClaimsBuilder header;
  header.add("version", quote.header.version)
      .add("att_key_type", quote.header.att_key_type)
      .add("tee_type", hex_code(quote.header.tee_type))
      .add("qe_svn", quote.header.qe_svn)
      .add("pce_svn", quote.header.pce_svn)
      .add_hex("qe_vendor_id", quote.header.qe_vendor_id)
      .add_hex("user_data", quote.header.user_data);
  if (quote.body_type) {
    header.add("body_type", *quote.body_type);
  }
  if (quote.body_size) {
    header.add("body_size", *quote.body_size);
  }
  nlohmann::json report = nlohmann::json::object();
  if (quote.td_report) {
    report = td_report_claims(*quote.td_report);
  } else if (quote.enclave_report) {
    report = enclave_report_claims(*quote.enclave_report);
  }
  return ClaimsBuilder()
      .add("header", header.build())
      .add("report", std::move(report))
      .add("signed_len", quote.signed_bytes.size())
      .add("sig_data_len", quote.signature_data_size)
      .add_hex("attestation_key", quote.attestation_key)
      .add("qe_report", enclave_report_claims(quote.qe_report))
      .add("qe_auth_len", quote.qe_auth_data.size())
      .add_hex("qe_auth_data", quote.qe_auth_data)
      .add("cert_type", quote.certification_data_type)
      .add("trailing", quote.trailing)
      .build();
}

}  // namespace ensign::attest::dcap
