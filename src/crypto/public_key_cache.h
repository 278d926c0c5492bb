// public_key_cache.h: decoded public keys by their DER SubjectPublicKeyInfo, for the paths that
// check signatures with the same few keys again and again (every signature ensignd returns is
// checked with its key's public half; every batch's checkpoint with the log key). OpenSSL 3
// decodes a key through a decoder context and provider lookups under locks, which costs several
// times the verification itself.
#pragma once

#include "core/bytes.h"
#include "core/openssl_handles.h"
#include "core/result.h"

namespace ensign::crypto {

// cached_public_key returns the key `spki_der` decodes to, as public_key_from_der does, from a
// process-wide cache of the most recently used keys (at most 64). The key is shared: use it only
// for reading operations (verification, encoding). Thread-safe.
Result<EvpPkeyPtr> cached_public_key(ByteView spki_der);

}  // namespace ensign::crypto
