// pcr_values.h: PCR values beside a quote: reading them from the files tpm2-tools and JSON
// tooling write, placing them in a quote's PCR selection, and the digest TPM2_Quote signs.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

#include "attest/tpm/algorithms.h"
#include "attest/tpm/attest.h"
#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::tpm {

inline constexpr std::size_t kMaxPcrFileSize = 64 * 1024;

// parse_pcr_values reads PCR values, in the order they are listed, from one of:
//  - a JSON array of hex strings;
//  - the text tpm2_pcrread and tpm2_quote print ("  sha256:\n    0 : 0x3D45..."), where a
//    "pcrs:" line, when present, starts the listing and the next unindented line ends it;
//  - the file tpm2_quote -o writes by default, and tpm2_pcrread -F serialized -o (tpm2-tools'
//    "serialized" form: its TPML_PCR_SELECTION and TPML_DIGEST structures as little-endian memory
//    images), whose selection is checked against its values.
// (tpm2-tools' "values" form, the bare concatenated values, does not say where one ends.)
// Fails with InvalidArgument naming the line or entry when the input exceeds kMaxPcrFileSize,
// holds no value, a bank is unknown, indices within a bank do not ascend, or a value's length is
// not its bank's digest length.
Result<std::vector<Bytes>> parse_pcr_values(ByteView file_contents);

// serialize_pcr_values writes `values` of `selections` as tpm2-tools' serialized PCR file (what
// tpm2_quote -o writes and tpm2_checkquote -f reads), eight values per digest list as
// TPM2_PCR_Read returns them. Fails with InvalidArgument as assign_pcr_values does, or when there
// are more than 16 banks.
Result<Bytes> serialize_pcr_values(const std::vector<PcrSelection>& selections,
                                   const std::vector<Bytes>& values);

// PcrValue is one PCR value placed in a quote's selection.
struct PcrValue {
  const TpmHash* bank = nullptr;
  unsigned index = 0;
  Bytes value;
};

// assign_pcr_values pairs `values` with the PCRs `selections` selects, bank by bank in ascending
// PCR order. Fails with InvalidArgument when the counts differ, a bank's hash is not one ensign
// computes, or a value's length is not its bank's digest length.
Result<std::vector<PcrValue>> assign_pcr_values(const std::vector<PcrSelection>& selections,
                                                const std::vector<Bytes>& values);

// pcr_digest returns the digest TPM2_Quote puts in pcrDigest: `hash` (the signing scheme's hash,
// TPM 2.0 Part 3 TPM2_Quote) over the concatenated values in selection order. Returns an empty
// digest, which matches no pcrDigest, if OpenSSL fails.
Bytes pcr_digest(const std::vector<PcrValue>& values, const TpmHash& hash);

// pcr_claims returns the values as claims: {"<bank>": {"<index>": "<hex>"}}.
nlohmann::json pcr_claims(const std::vector<PcrValue>& values);

}  // namespace ensign::attest::tpm
