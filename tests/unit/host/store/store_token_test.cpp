// Tests of the API tokens' table through the store's API, on each backend: adding, reading,
// listing and revoking tokens, and every refusal.
#include <gtest/gtest.h>

#include <tuple>

#include "host/store/store.h"
#include "unit/host/store/store_backends.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store {
namespace {

using testing::expect_error;

TokenRecord sample_token(const std::string& id, std::int64_t created_at = 1'700'000'000) {
  TokenRecord token;
  token.id = id;
  token.description = "ci for " + id;
  token.scopes = {"read", "sign:release"};
  token.salt = to_bytes("salt of " + id);
  token.secret_hash = to_bytes("hash of " + id);
  token.created_at = created_at;
  return token;
}

// fields lists a token's fields, for comparing tokens whole.
auto fields(const TokenRecord& token) {
  return std::tie(token.id, token.description, token.scopes, token.salt, token.secret_hash,
                  token.created_at, token.revoked_at);
}

class StoreTokenTest : public testing::BackendTest {};

TEST_P(StoreTokenTest, AddedTokenReadsBackExactly) {
  TokenRecord token = sample_token("ci7");
  ASSERT_TRUE(store_->add_token(token));
  reopen(OpenMode::kExisting);
  auto read = store_->get_token("ci7");
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(fields(*read), fields(token));
}

TEST_P(StoreTokenTest, EmptyDescriptionAndNoScopesRoundTrip) {
  TokenRecord token = sample_token("bare");
  token.description.clear();
  token.scopes.clear();
  ASSERT_TRUE(store_->add_token(token));
  auto read = store_->get_token("bare");
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(fields(*read), fields(token));
}

TEST_P(StoreTokenTest, ListIsOldestFirstThenById) {
  ASSERT_TRUE(store_->add_token(sample_token("zed", 5)));
  ASSERT_TRUE(store_->add_token(sample_token("bob", 9)));
  ASSERT_TRUE(store_->add_token(sample_token("amy", 5)));
  auto tokens = store_->list_tokens();
  ASSERT_TRUE(tokens) << tokens.error().message();
  ASSERT_EQ(tokens->size(), 3U);
  EXPECT_EQ((*tokens)[0].id, "amy");
  EXPECT_EQ((*tokens)[1].id, "zed");
  EXPECT_EQ((*tokens)[2].id, "bob");
}

TEST_P(StoreTokenTest, EmptyStoreListsNoTokens) {
  auto tokens = store_->list_tokens();
  ASSERT_TRUE(tokens) << tokens.error().message();
  EXPECT_TRUE(tokens->empty());
}

TEST_P(StoreTokenTest, TakenIdIsAlreadyExistsAndKeepsTheFirst) {
  ASSERT_TRUE(store_->add_token(sample_token("ci7")));
  TokenRecord other = sample_token("ci7");
  other.secret_hash = to_bytes("another hash");
  expect_error(store_->add_token(other), ErrorCode::kAlreadyExists, "'ci7'");
  auto read = store_->get_token("ci7");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->secret_hash, sample_token("ci7").secret_hash);
}

TEST_P(StoreTokenTest, IdOutsideOneToThirtyTwoCharactersIsInvalidArgument) {
  expect_error(store_->add_token(sample_token("")), ErrorCode::kInvalidArgument);
  expect_error(store_->add_token(sample_token(std::string(33, 'a'))), ErrorCode::kInvalidArgument);
  auto tokens = store_->list_tokens();
  ASSERT_TRUE(tokens);
  EXPECT_TRUE(tokens->empty());
}

TEST_P(StoreTokenTest, MissingTokenIsNotFound) {
  expect_error(store_->get_token("ghost"), ErrorCode::kNotFound, "'ghost'");
  expect_error(store_->revoke_token("ghost", 1'700'000'100), ErrorCode::kNotFound, "'ghost'");
}

TEST_P(StoreTokenTest, RevokedTokenIsKeptWithItsTime) {
  ASSERT_TRUE(store_->add_token(sample_token("ci7")));
  ASSERT_TRUE(store_->add_token(sample_token("ci8")));
  ASSERT_TRUE(store_->revoke_token("ci7", 1'700'000'100));
  auto revoked = store_->get_token("ci7");
  ASSERT_TRUE(revoked) << revoked.error().message();
  EXPECT_EQ(revoked->revoked_at, 1'700'000'100);
  auto other = store_->get_token("ci8");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->revoked_at, 0);
  auto tokens = store_->list_tokens();
  ASSERT_TRUE(tokens);
  EXPECT_EQ(tokens->size(), 2U);
}

TEST_P(StoreTokenTest, RevokingTwiceIsFailedPreconditionAndKeepsTheFirstTime) {
  ASSERT_TRUE(store_->add_token(sample_token("ci7")));
  ASSERT_TRUE(store_->revoke_token("ci7", 1'700'000'100));
  expect_error(store_->revoke_token("ci7", 1'700'000'200),
               ErrorCode::kFailedPrecondition,
               "revoked already");
  auto revoked = store_->get_token("ci7");
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->revoked_at, 1'700'000'100);
}

TEST_P(StoreTokenTest, StoredTokenWithoutSaltIsDataLoss) {
  ASSERT_TRUE(store_->add_token(sample_token("ci7")));
  store_.reset();
  execute("UPDATE tokens SET salt = substr(salt, 1, 0)");
  reopen(OpenMode::kExisting);
  expect_error(store_->get_token("ci7"), ErrorCode::kDataLoss, name() + ": token 'ci7'");
  expect_error(store_->list_tokens(), ErrorCode::kDataLoss, "no salt or hash");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTokenTest, testing::kBackends, testing::backend_name);

}  // namespace
}  // namespace ensign::host::store
