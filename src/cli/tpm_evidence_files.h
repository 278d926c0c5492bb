// tpm_evidence_files.h: `ensign attest evidence --out-dir`: the tpm platform's evidence document
// as the files TPM users and tpm2-tools expect.
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::cli {

// write_tpm_evidence_files writes into `dir` (made if absent): quote.msg (the TPMS_ATTEST),
// quote.sig (the TPMT_SIGNATURE), quote.pcrs (tpm2-tools' serialized PCR file) and ak.pub.pem,
// so that `tpm2_checkquote -u ak.pub.pem -m quote.msg -s quote.sig -f quote.pcrs -q NONCE`
// verifies them. Fails with InvalidArgument when `evidence` is not a tpm evidence document.
Status write_tpm_evidence_files(ByteView evidence, const std::string& dir);

}  // namespace ensign::cli
