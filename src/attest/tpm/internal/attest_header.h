// attest_header.h: the fields every TPMS_ATTEST starts with, read and turned into claims by one
// piece of code (in attest.cpp) for quotes (attest.h) and certifications (certify.h). Private to
// src/attest/tpm.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "attest/tpm/attest.h"
#include "attest/tpm/internal/reader.h"
#include "core/result.h"

namespace ensign::attest::tpm::internal {

// read_attest_header reads magic through firmwareVersion from `reader`, which must be at the
// start of a TPMS_ATTEST, into `header`. Fails with InvalidArgument naming the field when the
// magic is not TPM_GENERATED_VALUE, the type is not `type` (a TPMI_ST_ATTEST), qualifiedSigner or
// extraData exceeds its maximum, safe is not 0 or 1, or the input ends early.
Status read_attest_header(Reader& reader, std::uint16_t type, AttestHeader& header);

// attest_header_claims returns the header's fields under their specification names in
// snake_case: magic, type, qualified_signer, extra_data, clock, reset_count, restart_count, safe
// and firmware_version.
nlohmann::json attest_header_claims(const AttestHeader& header);

}  // namespace ensign::attest::tpm::internal
