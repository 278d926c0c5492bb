// Tests of src/log/checkpoint.cpp, signed_note.cpp and entry.cpp: the checkpoints the enclave
// signs and the entries it writes, each read back only in the one form they are written in.
#include "log/checkpoint.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/keys.h"
#include "log/entry.h"
#include "log/signed_note.h"

namespace ensign::log {
namespace {

constexpr char kOrigin[] = "ensign.test/log-1";

struct LogKey {
  EvpPkeyPtr key;
  Bytes public_der;
};

LogKey make_key() {
  LogKey made{crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256).value(), {}};
  made.public_der = crypto::public_key_to_der(made.key.get()).value();
  return made;
}

Checkpoint sample() {
  return {kOrigin, 42, crypto::sha256(as_bytes("root")), {}};
}

TEST(CheckpointTest, TextIsTheC2spForm) {
  auto text = checkpoint_text(sample());
  ASSERT_TRUE(text.has_value()) << text.error().message();
  EXPECT_EQ(*text, std::string(kOrigin) + "\n42\n" + base64_encode(sample().root_hash) + "\n");
  auto parsed = parse_checkpoint_text(*text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(parsed->size, 42u);
  EXPECT_EQ(parsed->root_hash, sample().root_hash);
}

TEST(CheckpointTest, NonCanonicalTextIsRefused) {
  std::string root = base64_encode(sample().root_hash);
  for (const std::string& text :
       {std::string(kOrigin) + "\n042\n" + root + "\n", std::string(kOrigin) + "\n42\n" + root,
        std::string(kOrigin) + "\n-1\n" + root + "\n", std::string(kOrigin) + "\n42\nAAAA\n",
        "\n42\n" + root + "\n"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_checkpoint_text(text).has_value());
  }
}

TEST(CheckpointTest, SignedCheckpointVerifiesWithTheLogKeyOnly) {
  LogKey key = make_key();
  auto note = sign_checkpoint(sample(), kOrigin, key.key.get());
  ASSERT_TRUE(note.has_value()) << note.error().message();
  auto opened = verify_checkpoint(*note, kOrigin, key.public_der);
  ASSERT_TRUE(opened.has_value()) << opened.error().message();
  EXPECT_EQ(opened->size, 42u);
  // The signature line: an em dash, the key name, base64(key hint || signature).
  EXPECT_NE(note->find("\n\n\xe2\x80\x94 " + std::string(kOrigin) + " "), std::string::npos);
  auto parsed = parse_signed_note(*note);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  ASSERT_EQ(parsed->signatures.size(), 1u);
  Bytes spki_digest = crypto::sha256(key.public_der);
  EXPECT_TRUE(std::equal(parsed->signatures[0].key_id.begin(), parsed->signatures[0].key_id.end(),
                         spki_digest.begin()));  // Rekor's key hint: SHA-256(SPKI)[:4]
  EXPECT_EQ(note_key_id(key.public_der), parsed->signatures[0].key_id);

  LogKey other = make_key();
  EXPECT_FALSE(verify_checkpoint(*note, kOrigin, other.public_der).has_value());
  EXPECT_FALSE(verify_checkpoint(*note, "ensign.test/other", key.public_der).has_value());
  std::string grown = *note;
  grown.replace(grown.find("\n42\n"), 4, "\n43\n");
  EXPECT_FALSE(verify_checkpoint(grown, kOrigin, key.public_der).has_value());
}

Entry sample_entry() {
  LogKey key = make_key();
  Entry entry;
  entry.digest = crypto::sha256(as_bytes("artifact"));
  entry.signature = Bytes(70, 0x30);
  entry.public_key = key.public_der;
  entry.key_name = "release";
  entry.key_version = 3;
  entry.requester = "local:alice";
  entry.time = 1796601600;
  return entry;
}

TEST(EntryTest, EncodedEntryParsesBackToTheSameFields) {
  for (EntryKind kind : {EntryKind::kHashedRekord, EntryKind::kDsse}) {
    Entry entry = sample_entry();
    entry.kind = kind;
    auto body = encode_entry(entry);
    ASSERT_TRUE(body.has_value()) << body.error().message();
    EXPECT_NE(body->find(std::string(entry_kind_name(kind))), std::string::npos) << *body;
    auto parsed = parse_entry(*body);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
    EXPECT_EQ(parsed->kind, kind);
    EXPECT_EQ(parsed->digest, entry.digest);
    EXPECT_EQ(parsed->signature, entry.signature);
    EXPECT_EQ(parsed->public_key, entry.public_key);
    EXPECT_EQ(parsed->key_name, "release");
    EXPECT_EQ(parsed->key_version, 3u);
    EXPECT_EQ(parsed->requester, "local:alice");
    EXPECT_EQ(parsed->time, entry.time);
  }
}

TEST(EntryTest, OnlyTheCanonicalBytesParse) {
  auto body = encode_entry(sample_entry()).value();
  EXPECT_FALSE(parse_entry(body + " ").has_value());
  EXPECT_FALSE(parse_entry(" " + body).has_value());
  std::string spaced = body;
  spaced.replace(spaced.find("\":"), 2, "\": ");  // the same JSON, not the same bytes
  EXPECT_FALSE(parse_entry(spaced).has_value());
  EXPECT_FALSE(parse_entry(std::string(kMaxEntrySize + 1, ' ')).has_value());
}

TEST(EntryTest, UnprintableRequesterIsNotEncoded) {
  Entry entry = sample_entry();
  entry.requester = "alice\n";
  EXPECT_FALSE(encode_entry(entry).has_value());
  entry.requester = "";
  EXPECT_FALSE(encode_entry(entry).has_value());
}

}  // namespace
}  // namespace ensign::log
