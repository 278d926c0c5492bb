#include "cli/tpm_evidence_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "attest/tpm/evidence.h"
#include "attest/tpm/pcr_values.h"
#include "core/file.h"
#include "crypto/keys.h"

namespace ensign::cli {

Status write_tpm_evidence_files(ByteView evidence, const std::string& dir) {
  auto parsed = attest::tpm::parse_quote_evidence(evidence);
  if (!parsed || parsed->form != attest::tpm::EvidenceForm::kTrusteeJson || !parsed->ak_public ||
      !parsed->signature || !parsed->pcrs) {
    return fail(ErrorCode::kInvalidArgument,
                "--out-dir is for the tpm platform's evidence (an AK, a quote and its PCR "
                "values)" + (parsed ? std::string() : ": " + parsed.error().message()));
  }
  ENSIGN_TRY(attest, attest::tpm::parse_quote_attest(parsed->attest));
  ENSIGN_TRY(pcrs, attest::tpm::serialize_pcr_values(attest.pcr_select, *parsed->pcrs));
  ENSIGN_TRY(ak_pem, crypto::public_key_to_pem(*parsed->ak_public));
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return fail(ErrorCode::kUnavailable, dir + ": cannot create: " + std::strerror(errno));
  }
  ENSIGN_CHECK(write_file_atomic(dir + "/quote.msg", parsed->attest, 0644));
  ENSIGN_CHECK(write_file_atomic(dir + "/quote.sig", *parsed->signature, 0644));
  ENSIGN_CHECK(write_file_atomic(dir + "/quote.pcrs", pcrs, 0644));
  ENSIGN_CHECK(write_file_atomic(dir + "/ak.pub.pem", as_bytes(ak_pem), 0644));
  return {};
}

}  // namespace ensign::cli
