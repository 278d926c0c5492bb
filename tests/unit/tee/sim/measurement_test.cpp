// Tests of src/tee/sim/measurement.cpp.
#include "tee/sim/measurement.h"

#include <gtest/gtest.h>

#include "core/file.h"
#include "crypto/hash.h"
#include "support/enclave_process.h"
#include "support/scratch_directory.h"

namespace ensign::tee::sim {
namespace {

TEST(MeasureFileTest, IsTheSha384OfTheFile) {
  test::ScratchDirectory directory;
  Bytes content = to_bytes("an enclave binary");
  ASSERT_TRUE(create_file_exclusive(directory.path("enclave"), content, 0700).has_value());
  auto measurement = measure_file(directory.path("enclave"));
  ASSERT_TRUE(measurement.has_value());
  EXPECT_EQ(measurement->size(), 48u);
  EXPECT_EQ(*measurement, crypto::sha384(content));
}

TEST(MeasureFileTest, MissingFileIsNotFoundAndNamed) {
  auto measurement = measure_file("/nonexistent/ensign-enclave");
  ASSERT_FALSE(measurement.has_value());
  EXPECT_EQ(measurement.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(measurement.error().message().find("/nonexistent/ensign-enclave"), std::string::npos);
}

}  // namespace
}  // namespace ensign::tee::sim
