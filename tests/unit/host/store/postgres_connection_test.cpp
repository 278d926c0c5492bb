// Tests of the PostgreSQL connection: URL parsing with the password kept out of every name and
// message, refused connections and logins, and the mapping of SQLSTATEs to ensign's codes.
#include "host/store/internal/postgres_connection.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "host/store/internal/postgres_error.h"
#include "host/store/store.h"
#include "unit/host/store/store_backends.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store::internal {
namespace {

using testing::contains;
using testing::expect_error;

TEST(PostgresUrlTest, NameHasUserHostPortAndDatabaseButNotThePassword) {
  auto target =
      parse_postgres_url("postgresql://alice:s3cret@db.example:5433/ensign?sslmode=disable");
  ASSERT_TRUE(target) << target.error().message();
  EXPECT_EQ(target->name, "postgresql://alice@db.example:5433/ensign");
  EXPECT_EQ(target->password, "s3cret");
  EXPECT_TRUE(contains(target->conninfo, "sslmode='disable'")) << target->conninfo;
  EXPECT_TRUE(contains(target->conninfo, "password='s3cret'"));
}

TEST(PostgresUrlTest, PasswordAsAQueryParameterIsKeptOutOfTheNameToo) {
  auto target = parse_postgres_url("postgres://alice@db.example/ensign?password=s3cret");
  ASSERT_TRUE(target) << target.error().message();
  EXPECT_EQ(target->name, "postgresql://alice@db.example/ensign");
  EXPECT_EQ(target->password, "s3cret");
}

TEST(PostgresUrlTest, ConnectTimeoutDefaultsToTenSecondsUnlessGiven) {
  auto defaulted = parse_postgres_url("postgresql://db.example/ensign");
  ASSERT_TRUE(defaulted);
  EXPECT_TRUE(contains(defaulted->conninfo, "connect_timeout='10'")) << defaulted->conninfo;
  auto given = parse_postgres_url("postgresql://db.example/ensign?connect_timeout=3");
  ASSERT_TRUE(given);
  EXPECT_TRUE(contains(given->conninfo, "connect_timeout='3'")) << given->conninfo;
  EXPECT_FALSE(contains(given->conninfo, "connect_timeout='10'"));
}

TEST(PostgresUrlTest, QuotesAreEscapedInTheConninfo) {
  auto target = parse_postgres_url("postgresql://alice:it%27s%5Cme@db.example/ensign");
  ASSERT_TRUE(target) << target.error().message();
  EXPECT_EQ(target->password, "it's\\me");
  EXPECT_TRUE(contains(target->conninfo, "password='it\\'s\\\\me'")) << target->conninfo;
}

TEST(PostgresUrlTest, InvalidUrlIsInvalidArgumentWithoutThePassword) {
  for (std::string url : {"postgresql://alice:s3%zzcret@db.example/ensign",
                          "postgresql://alice:s3cret@db.example/ensign?bogus=1",
                          "postgresql://alice:s3cret@[::1/ensign"}) {
    auto target = parse_postgres_url(url);
    expect_error(target, ErrorCode::kInvalidArgument, "not a valid PostgreSQL URL");
    EXPECT_FALSE(contains(target.error().message(), "s3")) << target.error().message();
  }
}

TEST(PostgresConnectionTest, RefusedConnectionIsUnavailableNamingHostAndDatabase) {
  auto opened = PostgresConnection::open("postgresql://alice:s3cret@127.0.0.1:1/ensign");
  expect_error(opened, ErrorCode::kUnavailable, "postgresql://alice@127.0.0.1:1/ensign: ");
  EXPECT_FALSE(contains(opened.error().message(), "s3cret")) << opened.error().message();
  EXPECT_EQ(opened.error().message().find('\n'), std::string::npos);
}

TEST(PostgresConnectionTest, WrongPasswordIsUnavailableWithoutThePassword) {
  std::string url;
  testing::new_postgres_database(url);
  if (IsSkipped() || HasFatalFailure()) {
    return;
  }
  std::string role = "login_" + std::to_string(::getpid());
  test::PostgresCluster::execute(url, "CREATE ROLE " + role + " LOGIN PASSWORD 'right-pass'");
  // url is postgresql://ensign@127.0.0.1:PORT/DB: the same server and database, another login.
  std::string wrong = "postgresql://" + role + ":wr0ng-s3cret@" + url.substr(url.find('@') + 1);
  auto opened = Store::open_url(wrong, OpenMode::kCreate);
  expect_error(opened, ErrorCode::kUnavailable, "password authentication failed");
  EXPECT_TRUE(contains(opened.error().message(), url.substr(url.find('@') + 1)));
  EXPECT_FALSE(contains(opened.error().message(), "wr0ng-s3cret")) << opened.error().message();
  std::string right = "postgresql://" + role + ":right-pass@" + url.substr(url.find('@') + 1);
  EXPECT_TRUE(PostgresConnection::open(right));
  test::PostgresCluster::execute(url, "DROP ROLE " + role);
}

TEST(PostgresErrorTest, SqlStatesMapToCanonicalCodes) {
  struct Case {
    const char* sqlstate;
    ErrorCode code;
  };
  for (auto [sqlstate, code] : {Case{"23505", ErrorCode::kAlreadyExists},
                                Case{"23503", ErrorCode::kFailedPrecondition},
                                Case{"23514", ErrorCode::kInvalidArgument},
                                Case{"23502", ErrorCode::kInvalidArgument},
                                Case{"22021", ErrorCode::kInvalidArgument},
                                Case{"08006", ErrorCode::kUnavailable},
                                Case{"28P01", ErrorCode::kUnavailable},
                                Case{"55P03", ErrorCode::kUnavailable},
                                Case{"40001", ErrorCode::kUnavailable},
                                Case{"57P01", ErrorCode::kUnavailable},
                                Case{"53300", ErrorCode::kUnavailable},
                                Case{"53100", ErrorCode::kResourceExhausted},
                                Case{"54000", ErrorCode::kResourceExhausted},
                                Case{"42501", ErrorCode::kPermissionDenied},
                                Case{"25006", ErrorCode::kPermissionDenied},
                                Case{"XX001", ErrorCode::kDataLoss},
                                Case{"XX000", ErrorCode::kInternal},
                                Case{"42P01", ErrorCode::kInternal}}) {
    EXPECT_EQ(postgres_error_code(sqlstate), code) << sqlstate;
  }
}

}  // namespace
}  // namespace ensign::host::store::internal
