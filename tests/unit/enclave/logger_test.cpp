// Tests of src/enclave/logger.cpp: one line per entry, info only when verbose.
#include "enclave/logger.h"

#include <gtest/gtest.h>

#include <string>

#include "enclave_test_support.h"

namespace ensign::enclave {
namespace {

TEST(LoggerTest, InfoAppearsOnlyWhenVerbose) {
  CapturePipe pipe;
  Logger quiet(pipe.write_end(), false);
  quiet.info("hello");
  EXPECT_EQ(pipe.drain(), "");
  Logger verbose(pipe.write_end(), true);
  verbose.info("hello");
  EXPECT_EQ(pipe.drain(), "ensign-enclave: hello\n");
}

TEST(LoggerTest, ErrorsAppearAlways) {
  CapturePipe pipe;
  Logger quiet(pipe.write_end(), false);
  quiet.error("it broke");
  EXPECT_EQ(pipe.drain(), "ensign-enclave: error: it broke\n");
}

TEST(LoggerTest, ControlCharactersCannotStartANewLine) {
  CapturePipe pipe;
  Logger logger(pipe.write_end(), true);
  logger.error("first\nensign-enclave: forged\r\x01");
  EXPECT_EQ(pipe.drain(), "ensign-enclave: error: first?ensign-enclave: forged??\n");
}

TEST(LoggerTest, LongLinesAreCut) {
  CapturePipe pipe;
  Logger logger(pipe.write_end(), true);
  logger.info(std::string(kMaxLogLineSize * 2, 'x'));
  std::string text = pipe.drain();
  EXPECT_EQ(text.size(), std::string("ensign-enclave: ").size() + kMaxLogLineSize + 1);
  EXPECT_EQ(text.find('\n'), text.size() - 1);
}

}  // namespace
}  // namespace ensign::enclave
