// tokens_test.cpp: bearer tokens: issued once, stored only as a salted hash, and refused when
// malformed, unknown, wrong or revoked, without the presented text in any message.
#include "host/auth/tokens.h"

#include <gtest/gtest.h>

#include "host/auth/scopes.h"
#include "host/store/store.h"
#include "support/scratch_directory.h"

namespace ensign::host::auth {
namespace {

class TokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::open(scratch_.root() + "/ensign.db", store::OpenMode::kCreate);
    ASSERT_TRUE(opened) << opened.error().message();
    store_ = std::move(opened).value();
  }

  std::string issue(const std::vector<std::string>& scopes, std::int64_t now = 1'700'000'000) {
    auto issued = issue_token(*store_, "test", scopes, now);
    EXPECT_TRUE(issued) << issued.error().message();
    return issued ? as_string(issued->token.view()) : "";
  }

  test::ScratchDirectory scratch_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(TokensTest, AnIssuedTokenAuthenticatesWithItsScopes) {
  std::string token = issue({"sign:release", "read"});
  ASSERT_TRUE(token.starts_with("ens_"));
  auto record = authenticate(*store_, token);
  ASSERT_TRUE(record) << record.error().message();
  EXPECT_EQ(record->scopes, (std::vector<std::string>{"sign:release", "read"}));
  EXPECT_TRUE(allows(record->scopes, "sign:release"));
  EXPECT_TRUE(allows(record->scopes, "read"));
  EXPECT_FALSE(allows(record->scopes, "sign:other"));
  EXPECT_FALSE(allows(record->scopes, "admin"));
  EXPECT_TRUE(allows({"admin"}, "sign:anything"));
}

TEST_F(TokensTest, TheStoreKeepsNoSecret) {
  std::string token = issue({"read"});
  // "ens_" + 16 hex digits + "_": the secret itself may hold '_' (base64url).
  std::string secret = token.substr(21);
  auto record = authenticate(*store_, token);
  ASSERT_TRUE(record);
  auto decoded = base64_decode(secret);
  ASSERT_TRUE(decoded);
  EXPECT_NE(record->secret_hash, *decoded);
  EXPECT_EQ(record->salt.size(), 16u);
  EXPECT_EQ(record->secret_hash.size(), 32u);
}

TEST_F(TokensTest, RefusalsAreUnauthenticatedAndNeverQuoteTheToken) {
  std::string token = issue({"read"});
  std::string id = token.substr(4, 16);
  std::string wrong_secret = token;
  wrong_secret.back() = wrong_secret.back() == 'A' ? 'B' : 'A';
  std::string other_id = "ens_0123456789abcdef" + token.substr(20);
  for (const std::string& presented :
       {std::string(), std::string("Bearer"), std::string("ens_"), token.substr(0, 21),
        wrong_secret, other_id, token + "x", std::string(200, 'e'), "ens_" + id + "_!!!!"}) {
    auto refused = authenticate(*store_, presented);
    ASSERT_FALSE(refused) << presented;
    EXPECT_EQ(refused.error().code(), ErrorCode::kUnauthenticated) << presented;
    std::string secret_part = presented.size() > 21 ? presented.substr(21) : "";
    if (!secret_part.empty()) {
      EXPECT_EQ(refused.error().message().find(secret_part), std::string::npos)
          << refused.error().message();
    }
  }
}

TEST_F(TokensTest, ARevokedTokenIsRefused) {
  std::string token = issue({"admin"});
  std::string id = token.substr(4, 16);
  ASSERT_TRUE(store_->revoke_token(id, 1'700'000'100));
  auto refused = authenticate(*store_, token);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("revoked"), std::string::npos);
  auto again = store_->revoke_token(id, 1'700'000'200);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->revoke_token("0000000000000000", 1).error().code(), ErrorCode::kNotFound);
}

TEST_F(TokensTest, BadScopesAreRefusedBeforeAnythingIsStored) {
  for (const std::vector<std::string>& scopes :
       {std::vector<std::string>{}, std::vector<std::string>{"write"},
        std::vector<std::string>{"sign:"}, std::vector<std::string>{"sign:a b"},
        std::vector<std::string>{"read", "sign:/etc"}}) {
    auto issued = issue_token(*store_, "", scopes, 1);
    ASSERT_FALSE(issued);
    EXPECT_EQ(issued.error().code(), ErrorCode::kInvalidArgument);
  }
  auto tokens = store_->list_tokens();
  ASSERT_TRUE(tokens);
  EXPECT_TRUE(tokens->empty());
}

TEST_F(TokensTest, TokensListOldestFirstWithTheirRecords) {
  issue({"sign:a", "sign:b"}, 1'700'000'002);
  issue({"read"}, 1'700'000'001);
  auto tokens = store_->list_tokens();
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].scopes, (std::vector<std::string>{"read"}));
  EXPECT_EQ((*tokens)[1].scopes, (std::vector<std::string>{"sign:a", "sign:b"}));
  EXPECT_EQ((*tokens)[0].revoked_at, 0);
}

}  // namespace
}  // namespace ensign::host::auth
