// Tests of the row decoders on hand-made rows: stored values are outside input, so every wrong
// type, range, algorithm or fingerprint must be DataLoss naming the row.
#include "host/store/internal/rows.h"

#include <gtest/gtest.h>

#include "host/store/internal/statement.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store::internal {
namespace {

using testing::contains;
using testing::expect_error;

constexpr const char* kDatabaseName = "state.db";

class RowsTest : public ::testing::Test {
 protected:
  // row prepares `sql` with ?1 bound to the sample public key and steps to its single row.
  Statement row(const std::string& sql) {
    auto statement = Statement::prepare(connection_.get(), kDatabaseName, sql);
    EXPECT_TRUE(statement) << statement.error().message();
    EXPECT_TRUE(statement->bind_blob(1, public_key_));
    auto has_row = statement->step();
    EXPECT_TRUE(has_row && *has_row);
    return std::move(*statement);
  }

  // key_version_row returns a valid kKeyVersionColumns row with one expression replaced.
  std::string key_version_sql(const std::string& version = "2",
                              const std::string& algorithm = "'ed25519'",
                              const std::string& fingerprint = "") {
    return "SELECT 'release', " + version + ", " + algorithm + ", ?1, x'01', x'', 'sim', '" +
           (fingerprint.empty() ? crypto::key_fingerprint(public_key_) : fingerprint) +
           "', 1700000000";
  }

  ConnectionPtr connection_ = testing::memory_connection();
  Bytes public_key_ = to_bytes("spki bytes");
};

template <typename T>
void expect_data_loss(const Result<T>& result, const std::string& phrase) {
  expect_error(result, ErrorCode::kDataLoss, std::string(kDatabaseName) + ": ");
  expect_error(result, ErrorCode::kDataLoss, phrase);
}

TEST_F(RowsTest, ValidKeyVersionDecodes) {
  auto version = decode_key_version(row(key_version_sql()));
  ASSERT_TRUE(version) << version.error().message();
  EXPECT_EQ(version->name, "release");
  EXPECT_EQ(version->version, 2U);
  EXPECT_EQ(version->algorithm, crypto::KeyAlgorithm::kEd25519);
  EXPECT_EQ(version->public_key, public_key_);
  EXPECT_EQ(version->sealed_key, Bytes{0x01});
  EXPECT_TRUE(version->key_attestation.empty());
  EXPECT_EQ(version->platform, "sim");
  EXPECT_EQ(version->created_at, 1700000000);
}

TEST_F(RowsTest, HighestVersionDecodes) {
  auto version = decode_key_version(row(key_version_sql("4294967295")));
  ASSERT_TRUE(version) << version.error().message();
  EXPECT_EQ(version->version, 4294967295U);
}

TEST_F(RowsTest, VersionZeroIsDataLoss) {
  auto version = decode_key_version(row(key_version_sql("0")));
  expect_data_loss(version, "key 'release': version 0 is out of range");
}

TEST_F(RowsTest, VersionAboveThirtyTwoBitsIsDataLoss) {
  auto version = decode_key_version(row(key_version_sql("4294967296")));
  expect_data_loss(version, "out of range");
}

TEST_F(RowsTest, VersionAsTextIsDataLoss) {
  auto version = decode_key_version(row(key_version_sql("'2'")));
  expect_data_loss(version, "key 'release': column");
}

TEST_F(RowsTest, UnknownAlgorithmIsDataLossWithoutEchoingIt) {
  auto version = decode_key_version(row(key_version_sql("2", "'rsa-evil-payload'")));
  expect_data_loss(version, "key 'release' version 2: unknown key algorithm");
  EXPECT_FALSE(contains(version.error().message(), "evil"));
}

TEST_F(RowsTest, AlgorithmAsIntegerIsDataLoss) {
  auto version = decode_key_version(row(key_version_sql("2", "3")));
  expect_data_loss(version, "not text");
}

TEST_F(RowsTest, MismatchedFingerprintIsDataLoss) {
  auto version = decode_key_version(row(key_version_sql("2", "'ed25519'", std::string(64, '0'))));
  expect_data_loss(version, "fingerprint does not match");
}

TEST_F(RowsTest, NullKeyNameIsDataLoss) {
  auto version =
      decode_key_version(row("SELECT NULL, 1, 'ed25519', ?1, x'01', x'', 'sim', 'f', 1"));
  expect_data_loss(version, "holds NULL");
}

TEST_F(RowsTest, ValidKeyInfoDecodes) {
  auto info =
      decode_key_info(row("SELECT 'release', 'ecdsa-p384', 3, 10, 30 WHERE ?1 IS NOT NULL"));
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->name, "release");
  EXPECT_EQ(info->algorithm, crypto::KeyAlgorithm::kEcdsaP384);
  EXPECT_EQ(info->current_version, 3U);
  EXPECT_EQ(info->created_at, 10);
  EXPECT_EQ(info->updated_at, 30);
}

TEST_F(RowsTest, KeyInfoWithBadAlgorithmIsDataLoss) {
  auto info = decode_key_info(row("SELECT 'release', '', 3, 10, 30 WHERE ?1 IS NOT NULL"));
  expect_data_loss(info, "key 'release': unknown key algorithm");
}

TEST_F(RowsTest, KeyInfoWithNegativeVersionIsDataLoss) {
  auto info = decode_key_info(row("SELECT 'release', 'ed25519', -1, 10, 30 WHERE ?1 IS NOT NULL"));
  expect_data_loss(info, "out of range");
}

TEST_F(RowsTest, ValidAuditEventDecodes) {
  auto event = decode_audit_event(
      row("SELECT 9, 100, 'alice', 'sign', 'release', 0, 'abcd', 'dsse' WHERE ?1 IS NOT NULL"));
  ASSERT_TRUE(event) << event.error().message();
  EXPECT_EQ(event->id, 9);
  EXPECT_EQ(event->at, 100);
  EXPECT_EQ(event->actor, "alice");
  EXPECT_EQ(event->action, "sign");
  EXPECT_EQ(event->key_name, "release");
  EXPECT_EQ(event->key_version, 0U);
  EXPECT_EQ(event->digest, "abcd");
  EXPECT_EQ(event->detail, "dsse");
}

TEST_F(RowsTest, AuditEventWithBlobActorIsDataLoss) {
  auto event = decode_audit_event(
      row("SELECT 9, 100, x'00', 'sign', 'release', 0, '', '' WHERE ?1 IS NOT NULL"));
  expect_data_loss(event, "audit event 9: column");
}

TEST_F(RowsTest, AuditEventWithHugeKeyVersionIsDataLoss) {
  auto event = decode_audit_event(
      row("SELECT 9, 100, 'a', 'sign', 'release', 9999999999, '', '' WHERE ?1 IS NOT NULL"));
  expect_data_loss(event, "audit event 9: version 9999999999 is out of range");
}

TEST_F(RowsTest, AuditEventWithTextIdIsDataLoss) {
  auto event = decode_audit_event(
      row("SELECT 'nine', 100, 'a', 'sign', '', 0, '', '' WHERE ?1 IS NOT NULL"));
  expect_data_loss(event, "not an integer");
}

}  // namespace
}  // namespace ensign::host::store::internal
