// root.h: the per-installation sim root: an ECDSA P-384 private key kept as a PKCS#8 PEM file of
// mode 0600. It signs sim reports and is the input keying material of the sealing key.
#pragma once

#include <cstddef>
#include <string>

#include "core/openssl_handles.h"
#include "core/result.h"

namespace ensign::tee::sim {

// A sim root file is a few hundred bytes; anything much larger is not one.
inline constexpr std::size_t kMaxRootFileSize = 16 * 1024;

// load_sim_root reads the root at `path` without leaving its bytes on the ordinary heap. Fails
// with NotFound (telling the user to run `ensign init`) when it is missing, PermissionDenied
// when group or others have any access to it ("chmod 600"), InvalidArgument when it is not a
// regular file or is over kMaxRootFileSize, and DataLoss when it is not an unencrypted PEM
// ECDSA P-384 private key. Every message names the path.
Result<EvpPkeyPtr> load_sim_root(const std::string& path);

// create_sim_root generates a new root and writes it to `path` as PKCS#8 PEM, mode 0600: in full
// to a new file (O_CREAT|O_EXCL) beside it, then hard-linked into place. Fails with
// AlreadyExists when `path` is there, so of two racing creators exactly one wins and neither
// can overwrite the other, and with NotFound/Unavailable/PermissionDenied when the file cannot
// be written.
Result<EvpPkeyPtr> create_sim_root(const std::string& path);

}  // namespace ensign::tee::sim
