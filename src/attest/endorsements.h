// endorsements.h: what a caller supplies beside the evidence so it can be verified offline: the
// trusted roots, certificates completing the chain, CRLs and the verification time. Parsed once,
// reused for any number of verifications.
#pragma once

#include <vector>

#include "attest/pki/certificates.h"
#include "core/time.h"

namespace ensign::attest {

struct Endorsements {
  pki::TrustAnchors anchors;                  // roots from the trust directory, pin-checked
  std::vector<pki::Certificate> certificates;  // --cert: VCEK/VLEK, ASK/ASVK, Intel CAs, ...
  std::vector<pki::Crl> crls;                  // --collateral CRLs
  UnixTime at = 0;                             // certificates and collateral are checked at it
  pki::ChainCache* chain_cache = nullptr;      // optional memo of chain checks
};

}  // namespace ensign::attest
