// tls_identity.h: the certificate and key ensignd serves HTTPS with: the operator's files, or,
// with --self-signed, a P-256 key made at start that never touches the disk and a certificate
// for it (localhost and the listen address) that clients are given as their CA file.
#pragma once

#include <string>

#include "core/openssl_handles.h"
#include "core/result.h"

namespace ensign::host::server {

struct TlsIdentity {
  X509Ptr certificate;
  EvpPkeyPtr private_key;
};

// load_tls_identity reads a PEM certificate and a PEM private key (the key file must not be
// readable by group or others) and checks that they belong together.
Result<TlsIdentity> load_tls_identity(const std::string& certificate_path,
                                      const std::string& key_path);

// self_signed_identity makes a key and a certificate valid for a year, for "localhost",
// 127.0.0.1, ::1 and `host` when it is another name or address.
Result<TlsIdentity> self_signed_identity(const std::string& host);

// certificate_pem returns the certificate in PEM.
Result<std::string> certificate_pem(X509* certificate);

}  // namespace ensign::host::server
