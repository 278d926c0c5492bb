// sim_evidence.h: verifying ensign's simulated-platform reports through the same Verification
// as hardware evidence. A sim report is signed by a per-installation root key, not a vendor:
// it proves which installation and enclave build made it, never that a TEE did.
#pragma once

#include <optional>

#include "attest/verification.h"
#include "core/bytes.h"

namespace ensign::attest {

// verify_sim_evidence parses a sim report and checks its signature with the installation's sim
// root (DER SPKI). Claims: version, platform, flags, simulated, debug, measurement,
// report_data, root_key_id. A missing root is an error naming how to supply it.
Verification verify_sim_evidence(ByteView evidence, const std::optional<Bytes>& root_public_key);

}  // namespace ensign::attest
