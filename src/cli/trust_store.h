// trust_store.h: the trust directory, where the vendor root certificates that hardware evidence
// must chain to are kept (default $ENSIGN_HOME/trust). Roots enter it only through
// `ensign trust add`, which checks them against the pinned fingerprints.
#pragma once

#include <string>
#include <vector>

#include "attest/pki/certificates.h"
#include "core/bytes.h"
#include "core/result.h"

namespace ensign::cli {

// trust_dir returns `chosen` when not empty, else $ENSIGN_HOME/trust.
Result<std::string> trust_dir(const std::string& chosen);

// read_trusted_roots returns the contents of every *.pem, *.crt and *.der file in `dir`, sorted
// by name; an absent directory holds none.
Result<std::vector<Bytes>> read_trusted_roots(const std::string& dir);

// add_trusted_root writes `root` (already accepted by a TrustAnchors) to `dir` as PEM, named
// after its pin (e.g. "amd-ark-milan.pem") or its fingerprint, and returns the path.
Result<std::string> add_trusted_root(const std::string& dir, const attest::pki::Certificate& root,
                                     std::string_view pin_name);

}  // namespace ensign::cli
