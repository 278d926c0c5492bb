// pcrs.h: the PCRs of the tpm platform.
//
// The enclave's measurement (SHA-384 of ensign-enclave, as on sim) is recorded in PCR 16 of the
// SHA-256 bank with TPM2_PCR_Event, so PCR 16 = SHA-256(32 zero bytes || SHA-256(measurement))
// once the enclave has started. PCR 16 is the PC Client platform's debug PCR: resettable from
// locality 0, which is what lets each enclave start from a known value on swtpm and on a
// machine whose boot chain does not measure ensign. It is also its weakness: any process that
// can reach the TPM can reset it and replay a measurement. In production the measurement must
// come from the boot chain into a PCR no process can reset (e.g. IMA's PCR 10, or the UKI's
// PCR 11 with the binary in the signed image), and the sealing policy widened to PCRs 0-7; that
// is a deployment of this code with another kEnclavePcr, not another design.
//
// Evidence quotes kQuotedPcrs of the SHA-256 bank: the firmware and boot PCRs 0-7 and PCR 16.
#pragma once

#include <tss2/tss2_esys.h>

#include <array>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "tee/tpm/enclave_pcr.h"

namespace ensign::tee::tpm {

inline constexpr std::array<unsigned, 9> kQuotedPcrs = {0, 1, 2, 3, 4, 5, 6, 7, kEnclavePcr};

// sha256_selection selects `pcrs` of the SHA-256 bank.
TPML_PCR_SELECTION sha256_selection(const unsigned* pcrs, std::size_t count);
TPML_PCR_SELECTION enclave_pcr_selection();
TPML_PCR_SELECTION quoted_pcr_selection();

// read_pcrs returns the values of `selection`'s SHA-256 PCRs in ascending order. Fails with the
// TPM's error, or Internal when the TPM returns fewer values than selected.
Result<std::vector<Bytes>> read_pcrs(ESYS_CONTEXT* esys, const TPML_PCR_SELECTION& selection);

// record_measurement makes PCR 16 hold enclave_pcr_value(measurement): left as it is when it
// does already (another process of this build got there first), else reset and extended.
// Fails with the TPM's error, or FailedPrecondition when the PCR does not end at the value
// (another enclave extended it meanwhile).
Status record_measurement(ESYS_CONTEXT* esys, ByteView measurement);

}  // namespace ensign::tee::tpm
