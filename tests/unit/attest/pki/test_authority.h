// test_authority.h: a throwaway certificate authority made with OpenSSL for the tests that real
// vectors cannot cover (a revoked certificate, a CRL of our own).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attest/pki/certificates.h"
#include "core/openssl_handles.h"

namespace ensign::attest::pki::test {

// TestAuthority is a self-signed P-256 root that issues certificates and CRLs.
class TestAuthority {
 public:
  explicit TestAuthority(const std::string& common_name);

  const Certificate& root() const { return root_; }

  // issue returns a certificate for a fresh key, valid [not_before, not_after], CA or not.
  Certificate issue(const std::string& common_name, long serial, UnixTime not_before,
                    UnixTime not_after, bool is_ca) const;

  // crl returns a CRL of this authority listing `revoked_serials`, current [this_update,
  // next_update].
  Crl crl(const std::vector<long>& revoked_serials, UnixTime this_update,
          UnixTime next_update) const;

 private:
  EvpPkeyPtr key_;
  Certificate root_;
};

}  // namespace ensign::attest::pki::test
