// entry.h: one signing event as the transparency log records it. The enclave writes the entry
// itself from what it signed, so the host cannot log one thing and release another.
//
// An entry is a Rekor v2 log entry (sigstore protobuf-specs rekor/v2, JSON in field order):
// "hashedrekord" 0.0.2 for a signed artifact or digest, "dsse" 0.0.2 for a DSSE envelope, so that
// a Sigstore bundle can carry it in verificationMaterial.tlogEntries and @sigstore/verify checks
// it. One member is added at the end, "ensign": the key's name and version, who asked (a token id
// or "local:<user>") and when (RFC 3339, the host's clock as the enclave kept it monotonic).
// Verifiers that read Rekor entries ignore it; the leaf hash covers it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/time.h"
#include "crypto/hash.h"
#include "crypto/keys.h"

namespace ensign::log {

inline constexpr std::size_t kMaxEntrySize = 4096;
inline constexpr std::size_t kMaxRequesterSize = 128;

enum class EntryKind : unsigned char {
  kHashedRekord = 1,  // `digest` is the artifact's (bundle messageDigest)
  kDsse = 2,          // `digest` is the DSSE payload's
};

struct Entry {
  EntryKind kind = EntryKind::kHashedRekord;
  crypto::HashAlgorithm digest_algorithm = crypto::HashAlgorithm::kSha256;
  Bytes digest;
  Bytes signature;   // as released: DER ECDSA, or the 64-byte Ed25519 signature
  Bytes public_key;  // DER SPKI of the key that signed
  crypto::KeyAlgorithm key_algorithm = crypto::KeyAlgorithm::kEcdsaP256;
  std::string key_name;
  std::uint32_t key_version = 0;
  std::string requester;  // printable ASCII, 1..kMaxRequesterSize
  UnixTime time = 0;
};

// entry_kind_name returns the Rekor kind: "hashedrekord" or "dsse".
std::string_view entry_kind_name(EntryKind kind);

// key_details_name returns the sigstore PublicKeyDetails name of an algorithm, e.g.
// "PKIX_ECDSA_P256_SHA_256".
std::string_view key_details_name(crypto::KeyAlgorithm algorithm);

// encode_entry returns the entry's bytes: the leaf the log hashes. Fails with InvalidArgument
// when a field is empty, the digest's size is not its algorithm's, the requester is not
// printable ASCII of 1..kMaxRequesterSize, or the whole is over kMaxEntrySize.
Result<std::string> encode_entry(const Entry& entry);

// parse_entry reads an entry back (entry_parse.cpp, host side). It accepts only the bytes
// encode_entry writes: anything else, however close, fails with InvalidArgument.
Result<Entry> parse_entry(std::string_view body);

}  // namespace ensign::log
