#include "attest/dcap/quote.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

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
// wire::Cursor, so no read passes the part's end); errors give offsets from the quote's start.
class Reader {
 public:
  Reader(ByteView input, std::size_t offset) : input_(input), cursor_(input), offset_(offset) {}

  Result<ByteView> take(std::size_t size, std::string_view field) {
    std::size_t at = offset_ + cursor_.position();
    auto bytes = cursor_.take(size);
    if (!bytes) {
      return malformed("truncated in " + std::string(field) + " at offset " + std::to_string(at) +
                       " (needs " + std::to_string(size) + " bytes, " +
                       std::to_string(cursor_.remaining()) + " remain)");
    }
    return *bytes;
  }

  // read copies the next `size` bytes into `out`.
  Status read(Bytes& out, std::size_t size, std::string_view field) {
    ENSIGN_TRY(bytes, take(size, field));
    out.assign(bytes.begin(), bytes.end());
    return {};
  }

  // read reads an unsigned little-endian integer of out's size.
  template <typename Integer>
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

  // read_bounded reads `size` bytes that a length field announced, refusing more than `limit`.
  Status read_bounded(Bytes& out, std::size_t size, std::size_t limit, const std::string& what) {
    if (size > limit) {
      return malformed(what + " of " + std::to_string(size) + " bytes is over the limit of " +
                       std::to_string(limit));
    }
    return read(out, size, "the " + what);
  }

  // section returns a reader over the next `size` bytes, which a length field gave.
  Result<Reader> section(std::size_t size, std::string_view field) {
    std::size_t at = offset_ + cursor_.position();
    ENSIGN_TRY(bytes, take(size, field));
    return Reader(bytes, at);
  }

  // finish fails when bytes of this part are left unread: its length field and its contents
  // disagree.
  Status finish(std::string_view field) const {
    if (cursor_.remaining() != 0) {
      return malformed(std::string(field) + " has " + std::to_string(cursor_.remaining()) +
                       " bytes more than its contents (from offset " +
                       std::to_string(offset_ + cursor_.position()) + ")");
    }
    return {};
  }

  ByteView consumed() const { return input_.first(cursor_.position()); }
  std::size_t position() const { return cursor_.position(); }

 private:
  ByteView input_;
  wire::Cursor cursor_;
  std::size_t offset_;
};

Status read_header(Reader& reader, QuoteHeader& header) {
  ENSIGN_CHECK(reader.read(header.version, "the header's version"));
  ENSIGN_CHECK(reader.read(header.att_key_type, "the header's attestation key type"));
  ENSIGN_CHECK(reader.read(header.tee_type, "the header's TEE type"));
  ENSIGN_CHECK(reader.read(header.qe_svn, "the header's QE SVN"));
  ENSIGN_CHECK(reader.read(header.pce_svn, "the header's PCE SVN"));
  ENSIGN_CHECK(reader.read(header.qe_vendor_id, 16, "the header's QE vendor id"));
  return reader.read(header.user_data, 20, "the header's user data");
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

// read_enclave_report reads the 384-byte SGX report body.
Result<EnclaveReport> read_enclave_report(Reader& reader, std::string_view what) {
  const std::string prefix = std::string(what) + "'s ";
  EnclaveReport report;
  ENSIGN_CHECK(reader.read(report.cpusvn, 16, prefix + "cpusvn"));
  ENSIGN_CHECK(reader.read(report.miscselect, prefix + "miscselect"));
  ENSIGN_CHECK(reader.skip(kSgxReserved1Size, prefix + "reserved1"));
  ENSIGN_CHECK(reader.read(report.isvextprodid, 16, prefix + "isvextprodid"));
  ENSIGN_CHECK(reader.read(report.attributes, 16, prefix + "attributes"));
  ENSIGN_CHECK(reader.read(report.mrenclave, 32, prefix + "mrenclave"));
  ENSIGN_CHECK(reader.skip(kSgxReserved2Size, prefix + "reserved2"));
  ENSIGN_CHECK(reader.read(report.mrsigner, 32, prefix + "mrsigner"));
  ENSIGN_CHECK(reader.skip(kSgxReserved3Size, prefix + "reserved3"));
  ENSIGN_CHECK(reader.read(report.configid, 64, prefix + "configid"));
  ENSIGN_CHECK(reader.read(report.isvprodid, prefix + "isvprodid"));
  ENSIGN_CHECK(reader.read(report.isvsvn, prefix + "isvsvn"));
  ENSIGN_CHECK(reader.read(report.configsvn, prefix + "configsvn"));
  ENSIGN_CHECK(reader.skip(kSgxReserved4Size, prefix + "reserved4"));
  ENSIGN_CHECK(reader.read(report.isvfamilyid, 16, prefix + "isvfamilyid"));
  ENSIGN_CHECK(reader.read(report.report_data, 64, prefix + "report_data"));
  return report;
}

// read_td_report reads a TD report body: TDX 1.0, or TDX 1.5 when `tdx15`.
Result<TdReport> read_td_report(Reader& reader, bool tdx15) {
  TdReport report;
  ENSIGN_CHECK(reader.read(report.tee_tcb_svn, 16, "the TD report's tee_tcb_svn"));
  ENSIGN_CHECK(reader.read(report.mrseam, 48, "the TD report's mrseam"));
  ENSIGN_CHECK(reader.read(report.mrsignerseam, 48, "the TD report's mrsignerseam"));
  ENSIGN_CHECK(reader.read(report.seam_attributes, 8, "the TD report's seam_attributes"));
  ENSIGN_CHECK(reader.read(report.td_attributes, 8, "the TD report's td_attributes"));
  ENSIGN_CHECK(reader.read(report.xfam, 8, "the TD report's xfam"));
  ENSIGN_CHECK(reader.read(report.mrtd, 48, "the TD report's mrtd"));
  ENSIGN_CHECK(reader.read(report.mrconfigid, 48, "the TD report's mrconfigid"));
  ENSIGN_CHECK(reader.read(report.mrowner, 48, "the TD report's mrowner"));
  ENSIGN_CHECK(reader.read(report.mrownerconfig, 48, "the TD report's mrownerconfig"));
  for (std::size_t i = 0; i < report.rtmr.size(); ++i) {
    ENSIGN_CHECK(reader.read(report.rtmr[i], 48, "the TD report's rtmr" + std::to_string(i)));
  }
  ENSIGN_CHECK(reader.read(report.report_data, 64, "the TD report's report_data"));
  if (tdx15) {
    report.tee_tcb_svn_2.emplace();
    report.mr_servicetd.emplace();
    ENSIGN_CHECK(reader.read(*report.tee_tcb_svn_2, 16, "the TD report's tee_tcb_svn_2"));
    ENSIGN_CHECK(reader.read(*report.mr_servicetd, 48, "the TD report's mr_servicetd"));
  }
  return report;
}

// read_body reads what follows the header up to the signature data length: the enclave report
// (v3), the TD report (v4), or the body descriptor and TD report (v5).
Status read_body(Reader& reader, Quote& quote) {
  if (quote.header.version == 3) {
    ENSIGN_TRY(report, read_enclave_report(reader, "the enclave report"));
    quote.enclave_report = std::move(report);
    return {};
  }
  if (quote.header.version == 4) {
    ENSIGN_TRY(report, read_td_report(reader, false));
    quote.td_report = std::move(report);
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
  ENSIGN_TRY(body, reader.section(body_size, "the TD report"));
  ENSIGN_TRY(report, read_td_report(body, body_type == kBodyTypeTdReport15));
  ENSIGN_CHECK(body.finish("the TD report"));
  quote.td_report = std::move(report);
  return {};
}

// read_qe_section reads the quoting enclave's part of the signature data: its report, the PCK
// key's signature over it, the QE authentication data and the PCK certification data. It must
// fill `reader` exactly.
Status read_qe_section(Reader& reader, Quote& quote, std::string_view what) {
  ENSIGN_CHECK(reader.read(quote.qe_report_bytes, kEnclaveReportSize, "the QE report"));
  Reader qe_reader(quote.qe_report_bytes, 0);
  ENSIGN_TRY(qe_report, read_enclave_report(qe_reader, "the QE report"));
  quote.qe_report = std::move(qe_report);
  ENSIGN_CHECK(
      reader.read(quote.qe_report_signature, kEcdsaP256SignatureSize, "the QE report signature"));
  std::uint16_t auth_size = 0;
  ENSIGN_CHECK(reader.read(auth_size, "the QE authentication data size"));
  ENSIGN_CHECK(reader.read_bounded(
      quote.qe_auth_data, auth_size, kMaxQeAuthDataSize, "QE authentication data"));
  ENSIGN_CHECK(reader.read(quote.certification_data_type, "the PCK certification data type"));
  if (quote.certification_data_type != kCertificationDataPckChain) {
    return malformed("certification data type " + std::to_string(quote.certification_data_type) +
                     " is not supported where the PCK chain belongs (only 5, PCK certificate "
                     "chain)");
  }
  std::uint32_t chain_size = 0;
  ENSIGN_CHECK(reader.read(chain_size, "the PCK certification data size"));
  ENSIGN_CHECK(reader.read_bounded(
      quote.pck_chain, chain_size, kMaxPckCertificationDataSize, "PCK certification data"));
  return reader.finish(what);
}

// read_signature_data reads the signature data: the quote signature, the attestation key and
// the quoting enclave's part, directly (v3) or as certification data type 6 (v4, v5).
Status read_signature_data(Reader& reader, Quote& quote) {
  ENSIGN_CHECK(reader.read(quote.signature, kEcdsaP256SignatureSize, "the quote signature"));
  ENSIGN_CHECK(reader.read(quote.attestation_key, kEcdsaP256PublicKeySize, "the attestation key"));
  if (quote.header.version == 3) {
    return read_qe_section(reader, quote, "the signature data");
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
  ENSIGN_CHECK(read_qe_section(outer, quote, "the QE report certification data"));
  return reader.finish("the signature data");
}

std::string fixed_hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", value);
  return text;
}

nlohmann::json enclave_report_claims(const EnclaveReport& report) {
  return {
      {"cpusvn", hex_encode(report.cpusvn)},
      {"miscselect", fixed_hex32(report.miscselect)},
      {"isvextprodid", hex_encode(report.isvextprodid)},
      {"attributes", hex_encode(report.attributes)},
      {"mrenclave", hex_encode(report.mrenclave)},
      {"mrsigner", hex_encode(report.mrsigner)},
      {"configid", hex_encode(report.configid)},
      {"isvprodid", report.isvprodid},
      {"isvsvn", report.isvsvn},
      {"configsvn", report.configsvn},
      {"isvfamilyid", hex_encode(report.isvfamilyid)},
      {"report_data", hex_encode(report.report_data)},
      {"debug", report.debug()},
  };
}

nlohmann::json td_report_claims(const TdReport& report) {
  nlohmann::json claims = {
      {"tee_tcb_svn", hex_encode(report.tee_tcb_svn)},
      {"mrseam", hex_encode(report.mrseam)},
      {"mrsignerseam", hex_encode(report.mrsignerseam)},
      {"seam_attributes", hex_encode(report.seam_attributes)},
      {"td_attributes", hex_encode(report.td_attributes)},
      {"td_debug", report.debug()},
      {"xfam", hex_encode(report.xfam)},
      {"mrtd", hex_encode(report.mrtd)},
      {"mrconfigid", hex_encode(report.mrconfigid)},
      {"mrowner", hex_encode(report.mrowner)},
      {"mrownerconfig", hex_encode(report.mrownerconfig)},
      {"rtmr0", hex_encode(report.rtmr[0])},
      {"rtmr1", hex_encode(report.rtmr[1])},
      {"rtmr2", hex_encode(report.rtmr[2])},
      {"rtmr3", hex_encode(report.rtmr[3])},
      {"report_data", hex_encode(report.report_data)},
  };
  // TDX 1.5 names, as Intel's TDX DCAP documents spell them (TEE_TCB_SVN2, MRSERVICETD).
  if (report.tee_tcb_svn_2) {
    claims["tee_tcb_svn2"] = hex_encode(*report.tee_tcb_svn_2);
  }
  if (report.mr_servicetd) {
    claims["mrservicetd"] = hex_encode(*report.mr_servicetd);
  }
  return claims;
}

}  // namespace

bool EnclaveReport::debug() const {
  return !attributes.empty() && (attributes[0] & kSgxAttributesDebug) != 0;
}

bool TdReport::debug() const {
  return !td_attributes.empty() && (td_attributes[0] & kTdAttributesDebug) != 0;
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
  ByteView signed_part = reader.consumed();
  quote.signed_bytes.assign(signed_part.begin(), signed_part.end());
  ENSIGN_CHECK(reader.read(quote.signature_data_size, "the signature data length"));
  ENSIGN_TRY(signature_data, reader.section(quote.signature_data_size, "the signature data"));
  ENSIGN_CHECK(read_signature_data(signature_data, quote));

  // Quotes come in buffers larger than themselves (configfs, /dev/attestation, test files that
  // append text); what follows the quote's own end is not signed, so it is counted, not read.
  quote.trailing = evidence.size() - reader.position();
  return quote;
}

nlohmann::json quote_claims(const Quote& quote) {
  nlohmann::json header = {
      {"version", quote.header.version},
      {"att_key_type", quote.header.att_key_type},
      {"tee_type", hex_code(quote.header.tee_type)},
      {"qe_svn", quote.header.qe_svn},
      {"pce_svn", quote.header.pce_svn},
      {"qe_vendor_id", hex_encode(quote.header.qe_vendor_id)},
      {"user_data", hex_encode(quote.header.user_data)},
  };
  if (quote.body_type) {
    header["body_type"] = *quote.body_type;
  }
  if (quote.body_size) {
    header["body_size"] = *quote.body_size;
  }
  nlohmann::json report = nlohmann::json::object();
  if (quote.td_report) {
    report = td_report_claims(*quote.td_report);
  } else if (quote.enclave_report) {
    report = enclave_report_claims(*quote.enclave_report);
  }
  return {
      {"header", std::move(header)},
      {"report", std::move(report)},
      {"signed_len", quote.signed_bytes.size()},
      {"sig_data_len", quote.signature_data_size},
      {"attestation_key", hex_encode(quote.attestation_key)},
      {"qe_report", enclave_report_claims(quote.qe_report)},
      {"qe_auth_len", quote.qe_auth_data.size()},
      {"qe_auth_data", hex_encode(quote.qe_auth_data)},
      {"cert_type", quote.certification_data_type},
      {"trailing", quote.trailing},
  };
}

}  // namespace ensign::attest::dcap
