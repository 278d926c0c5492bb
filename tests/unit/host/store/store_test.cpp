// Tests of the store's public API on each backend: opening, metadata, keys and their versions,
// and the audit table; then what only a SQLite file has (its header, modes and checks).
#include "host/store/store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "host/store/internal/schema.h"
#include "unit/host/store/store_backends.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store {
namespace {

using testing::contains;
using testing::expect_error;
using testing::raw_execute;
using testing::raw_text;
using testing::sample_version;
using testing::ScratchDirectory;

class StoreTest : public testing::BackendTest {
 protected:
  // add adds `version` as "alice" and fails the test when the store refuses it.
  void add(const KeyVersion& version) {
    auto status = store_->add_key_version(version, "alice");
    ASSERT_TRUE(status) << status.error().message();
  }
};

void expect_same_version(const KeyVersion& actual, const KeyVersion& expected) {
  EXPECT_EQ(actual.name, expected.name);
  EXPECT_EQ(actual.version, expected.version);
  EXPECT_EQ(actual.algorithm, expected.algorithm);
  EXPECT_EQ(actual.public_key, expected.public_key);
  EXPECT_EQ(actual.sealed_key, expected.sealed_key);
  EXPECT_EQ(actual.key_attestation, expected.key_attestation);
  EXPECT_EQ(actual.platform, expected.platform);
  EXPECT_EQ(actual.fingerprint, expected.fingerprint);
  EXPECT_EQ(actual.created_at, expected.created_at);
}

// --- opening -----------------------------------------------------------------------------------

TEST_P(StoreTest, NewDatabaseHasEveryMigration) {
  auto version = store_->schema_version();
  ASSERT_TRUE(version) << version.error().message();
  EXPECT_EQ(*version, static_cast<int>(internal::migrations().size()));
}

TEST_P(StoreTest, ReopenKeepsEverything) {
  add(sample_version("release", 1));
  ASSERT_TRUE(store_->set_meta("platform", "sim"));
  store_.reset();
  for (OpenMode mode : {OpenMode::kExisting, OpenMode::kCreate}) {
    auto reopened = open(mode);
    ASSERT_TRUE(reopened) << reopened.error().message();
    auto key = (*reopened)->get_key("release");
    ASSERT_TRUE(key) << key.error().message();
    EXPECT_EQ(key->current_version, 1U);
    auto platform = (*reopened)->get_meta("platform");
    ASSERT_TRUE(platform);
    EXPECT_EQ(platform->value_or(""), "sim");
  }
}

TEST_P(StoreTest, TwoStoresOnOneDatabaseSeeEachOthersWrites) {
  auto other = open(OpenMode::kExisting);
  ASSERT_TRUE(other) << other.error().message();
  add(sample_version("release", 1));
  ASSERT_TRUE((*other)->add_key_version(sample_version("release", 2), "bob"));
  auto key = store_->get_key("release");
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(key->current_version, 2U);
}

// --- metadata ----------------------------------------------------------------------------------

TEST_P(StoreTest, MetaRoundTripsAndOverwrites) {
  ASSERT_TRUE(store_->set_meta("measurement", "aa"));
  ASSERT_TRUE(store_->set_meta("measurement", "bb"));
  ASSERT_TRUE(store_->set_meta("empty", ""));
  auto measurement = store_->get_meta("measurement");
  ASSERT_TRUE(measurement);
  EXPECT_EQ(measurement->value_or(""), "bb");
  auto empty = store_->get_meta("empty");
  ASSERT_TRUE(empty);
  ASSERT_TRUE(empty->has_value());
  EXPECT_EQ(**empty, "");
}

TEST_P(StoreTest, MissingMetaIsEmptyNotAnError) {
  auto missing = store_->get_meta("platform key");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreTest, MetaNeedsAName) {
  auto status = store_->set_meta("", "value");
  expect_error(status, ErrorCode::kInvalidArgument);
}

// --- keys and versions -------------------------------------------------------------------------

TEST_P(StoreTest, AddedVersionReadsBackExactly) {
  KeyVersion version = sample_version("release", 1);
  add(version);
  auto versions = store_->key_versions("release");
  ASSERT_TRUE(versions) << versions.error().message();
  ASSERT_EQ(versions->size(), 1U);
  expect_same_version(versions->front(), version);
  auto one = store_->key_version("release", 1);
  ASSERT_TRUE(one) << one.error().message();
  expect_same_version(*one, version);
  auto info = store_->get_key("release");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->name, "release");
  EXPECT_EQ(info->algorithm, crypto::KeyAlgorithm::kEcdsaP256);
  EXPECT_EQ(info->current_version, 1U);
  EXPECT_EQ(info->created_at, version.created_at);
  EXPECT_EQ(info->updated_at, version.created_at);
}

TEST_P(StoreTest, RotationMovesTheCurrentVersionAndKeepsOldOnes) {
  add(sample_version("release", 1));
  add(sample_version("release", 2));
  add(sample_version("release", 3, "", crypto::KeyAlgorithm::kEd25519));
  auto info = store_->get_key("release");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->current_version, 3U);
  EXPECT_EQ(info->algorithm, crypto::KeyAlgorithm::kEd25519);
  EXPECT_EQ(info->created_at, sample_version("release", 1).created_at);
  EXPECT_EQ(info->updated_at, sample_version("release", 3).created_at);
  auto versions = store_->key_versions("release");
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 3U);
  for (std::uint32_t index = 0; index < 3; ++index) {
    EXPECT_EQ((*versions)[index].version, index + 1);
  }
  auto old = store_->key_version("release", 1);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->fingerprint, sample_version("release", 1).fingerprint);
}

TEST_P(StoreTest, ListKeysIsOrderedByName) {
  add(sample_version("zeta", 1));
  add(sample_version("alpha", 1));
  add(sample_version("alpha", 2));
  add(sample_version("mid", 1));
  auto keys = store_->list_keys();
  ASSERT_TRUE(keys) << keys.error().message();
  ASSERT_EQ(keys->size(), 3U);
  EXPECT_EQ((*keys)[0].name, "alpha");
  EXPECT_EQ((*keys)[0].current_version, 2U);
  EXPECT_EQ((*keys)[1].name, "mid");
  EXPECT_EQ((*keys)[2].name, "zeta");
}

TEST_P(StoreTest, EmptyStoreListsNoKeys) {
  auto keys = store_->list_keys();
  ASSERT_TRUE(keys);
  EXPECT_TRUE(keys->empty());
}

TEST_P(StoreTest, SecondVersionOneIsAlreadyExistsAndWritesNothing) {
  add(sample_version("release", 1));
  auto status = store_->add_key_version(sample_version("release", 1, "other"), "mallory");
  expect_error(status, ErrorCode::kAlreadyExists, "'release'");
  auto audit = store_->list_audit(std::nullopt, 100);
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->size(), 1U);
}

TEST_P(StoreTest, SkippingAVersionIsFailedPrecondition) {
  add(sample_version("release", 1));
  auto status = store_->add_key_version(sample_version("release", 3), "alice");
  expect_error(status, ErrorCode::kFailedPrecondition, "current is 1");
}

TEST_P(StoreTest, RepeatingTheCurrentVersionIsFailedPrecondition) {
  add(sample_version("release", 1));
  add(sample_version("release", 2));
  auto status = store_->add_key_version(sample_version("release", 2, "late"), "alice");
  expect_error(status, ErrorCode::kFailedPrecondition);
}

TEST_P(StoreTest, RotatingAMissingKeyIsFailedPrecondition) {
  auto status = store_->add_key_version(sample_version("ghost", 2), "alice");
  expect_error(status, ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(store_->get_key("ghost"));
}

TEST_P(StoreTest, ReusedFingerprintIsAlreadyExists) {
  add(sample_version("first", 1));
  KeyVersion copy = sample_version("second", 1);
  copy.public_key = sample_version("first", 1).public_key;
  copy.fingerprint = sample_version("first", 1).fingerprint;
  auto status = store_->add_key_version(copy, "alice");
  expect_error(status, ErrorCode::kAlreadyExists, copy.fingerprint);
  // The whole transaction rolled back: no half-made key "second".
  EXPECT_FALSE(store_->get_key("second"));
}

TEST_P(StoreTest, InconsistentVersionsAreInvalidArgument) {
  KeyVersion wrong_fingerprint = sample_version("release", 1);
  wrong_fingerprint.fingerprint = sample_version("other", 1).fingerprint;
  KeyVersion version_zero = sample_version("release", 0);
  KeyVersion no_name = sample_version("", 1);
  KeyVersion no_sealed_key = sample_version("release", 1);
  no_sealed_key.sealed_key.clear();
  for (const KeyVersion& version : {wrong_fingerprint, version_zero, no_name, no_sealed_key}) {
    auto status = store_->add_key_version(version, "alice");
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument) << status.error().message();
  }
  auto keys = store_->list_keys();
  ASSERT_TRUE(keys);
  EXPECT_TRUE(keys->empty());
}

TEST_P(StoreTest, OversizedKeyMaterialIsResourceExhausted) {
  KeyVersion huge = sample_version("huge", 1);
  huge.key_attestation.assign(std::size_t{17} * 1024 * 1024, 0x5a);
  auto status = store_->add_key_version(huge, "alice");
  expect_error(status, ErrorCode::kResourceExhausted, name());
  EXPECT_FALSE(store_->get_key("huge"));
}

TEST_P(StoreTest, MissingKeysAndVersionsAreNotFound) {
  add(sample_version("release", 1));
  auto key = store_->get_key("absent");
  expect_error(key, ErrorCode::kNotFound, "'absent'");
  auto versions = store_->key_versions("absent");
  expect_error(versions, ErrorCode::kNotFound);
  auto version = store_->key_version("release", 2);
  expect_error(version, ErrorCode::kNotFound, "version 2");
}

TEST_P(StoreTest, TamperedAlgorithmIsDataLossNamingTheKey) {
  add(sample_version("release", 1));
  store_.reset();
  execute("UPDATE key_versions SET algorithm = 'rsa-1024'");
  reopen(OpenMode::kExisting);
  auto keys = store_->list_keys();
  expect_error(keys, ErrorCode::kDataLoss, name() + ": key 'release'");
  auto version = store_->key_version("release", 1);
  expect_error(version, ErrorCode::kDataLoss);
}

TEST_P(StoreTest, SwappedPublicKeyIsDataLoss) {
  add(sample_version("release", 1));
  store_.reset();
  execute("UPDATE key_versions SET public_key = sealed_key");
  reopen(OpenMode::kExisting);
  auto versions = store_->key_versions("release");
  expect_error(versions, ErrorCode::kDataLoss, "fingerprint");
}

// --- audit -------------------------------------------------------------------------------------

TEST_P(StoreTest, KeyVersionsWriteTheirAuditEvents) {
  add(sample_version("release", 1));
  add(sample_version("release", 2));
  auto events = store_->list_audit(std::string("release"), 10);
  ASSERT_TRUE(events) << events.error().message();
  ASSERT_EQ(events->size(), 2U);
  EXPECT_EQ((*events)[0].action, "key.create");
  EXPECT_EQ((*events)[0].key_version, 1U);
  EXPECT_EQ((*events)[1].action, "key.rotate");
  EXPECT_EQ((*events)[1].key_version, 2U);
  for (const AuditEvent& event : *events) {
    EXPECT_EQ(event.actor, "alice");
    EXPECT_EQ(event.key_name, "release");
    EXPECT_GT(event.at, 0);
    EXPECT_TRUE(contains(event.detail, "ecdsa-p256")) << event.detail;
  }
  EXPECT_LT((*events)[0].id, (*events)[1].id);
}

TEST_P(StoreTest, AppendedEventsComeBackWithIdsAndTimes) {
  AuditEvent event;
  event.actor = "ci-token-7";
  event.action = "sign";
  event.key_name = "release";
  event.key_version = 4;
  event.digest = std::string(64, 'a');
  event.detail = "dsse application/vnd.in-toto+json";
  auto first = store_->append_audit(event);
  ASSERT_TRUE(first) << first.error().message();
  event.at = 1234;
  auto second = store_->append_audit(event);
  ASSERT_TRUE(second);
  EXPECT_GT(*second, *first);
  auto events = store_->list_audit(std::nullopt, 10);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2U);
  EXPECT_EQ((*events)[0].id, *first);
  EXPECT_GT((*events)[0].at, 1'600'000'000);
  EXPECT_EQ((*events)[1].at, 1234);
  EXPECT_EQ((*events)[1].actor, event.actor);
  EXPECT_EQ((*events)[1].digest, event.digest);
  EXPECT_EQ((*events)[1].detail, event.detail);
  EXPECT_EQ((*events)[1].key_version, 4U);
}

TEST_P(StoreTest, ListAuditFiltersByKeyAndStopsAtTheLimit) {
  add(sample_version("one", 1));
  add(sample_version("two", 1));
  add(sample_version("one", 2));
  add(sample_version("one", 3));
  auto limited = store_->list_audit(std::string("one"), 2);
  ASSERT_TRUE(limited);
  ASSERT_EQ(limited->size(), 2U);
  EXPECT_EQ((*limited)[0].key_version, 2U);  // the newest two, oldest first
  EXPECT_EQ((*limited)[1].key_version, 3U);
  auto all = store_->list_audit(std::nullopt, 100);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 4U);
  auto nothing = store_->list_audit(std::string("absent"), 100);
  ASSERT_TRUE(nothing);
  EXPECT_TRUE(nothing->empty());
  auto zero = store_->list_audit(std::nullopt, 0);
  ASSERT_TRUE(zero);
  EXPECT_TRUE(zero->empty());
}

TEST_P(StoreTest, AuditEventNeedsAnAction) {
  AuditEvent event;
  event.actor = "alice";
  auto id = store_->append_audit(event);
  expect_error(id, ErrorCode::kInvalidArgument);
  auto events = store_->list_audit(std::nullopt, 10);
  ASSERT_TRUE(events);
  EXPECT_TRUE(events->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, testing::kBackends, testing::backend_name);

// --- SQLite files ------------------------------------------------------------------------------

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = directory_.path("state.db");
    auto opened = Store::open(path_, OpenMode::kCreate);
    ASSERT_TRUE(opened) << opened.error().message();
    store_ = std::move(*opened);
  }

  ScratchDirectory directory_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, NewFileHasTheEnsignApplicationIdAndWriteAheadLog) {
  store_.reset();
  EXPECT_EQ(raw_text(path_, "PRAGMA application_id"), std::to_string(internal::kApplicationId));
  EXPECT_EQ(raw_text(path_, "PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteStoreTest, FilesAreOwnerOnlyWhateverTheUmask) {
  store_.reset();
  std::string path = directory_.path("private.db");
  mode_t saved = ::umask(0);
  auto opened = Store::open(path, OpenMode::kCreate);
  ::umask(saved);
  ASSERT_TRUE(opened) << opened.error().message();
  ASSERT_TRUE((*opened)->add_key_version(sample_version("modes", 1), "alice"));
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0) << file;
    EXPECT_EQ(info.st_mode & 0777, 0600U) << file;
  }
}

TEST_F(SqliteStoreTest, CreateInAMissingDirectoryFailsNamingThePath) {
  std::string path = directory_.path("absent/state.db");
  auto opened = Store::open(path, OpenMode::kCreate);
  expect_error(opened, ErrorCode::kNotFound, path);
}

TEST_F(SqliteStoreTest, AuditRowBreakingItsConstraintsIsRefusedAtOpen) {
  AuditEvent event;
  event.action = "sign";
  ASSERT_TRUE(store_->append_audit(event));
  store_.reset();
  ASSERT_EQ(raw_execute(path_, "UPDATE audit SET key_version = -1"), SQLITE_CONSTRAINT);
  ASSERT_EQ(raw_execute(path_,
                        "PRAGMA ignore_check_constraints = ON; "
                        "UPDATE audit SET key_version = -1"),
            SQLITE_OK);
  auto reopened = Store::open(path_, OpenMode::kExisting);
  expect_error(reopened, ErrorCode::kDataLoss, "CHECK constraint failed in audit");
}

}  // namespace
}  // namespace ensign::host::store
