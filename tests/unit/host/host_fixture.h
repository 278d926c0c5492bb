// host_fixture.h: a temporary ENSIGN_HOME with a started ensign-enclave and an open store.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "host/enclave_client.h"
#include "host/state.h"
#include "host/store/store.h"
#include "support/scratch_directory.h"

namespace ensign::host {

inline std::string enclave_binary() {
  return std::string(ENSIGN_BIN_DIR) + "/ensign-enclave";
}

class HostFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = scratch_.root();
    auto started = EnclaveClient::start({enclave_binary(), home_, true, false, "sim", ""});
    ASSERT_TRUE(started) << started.error().message();
    enclave_ = std::move(started).value();
    auto opened = open_store(home_, store::OpenMode::kCreate);
    ASSERT_TRUE(opened) << opened.error().message();
    store_ = std::move(opened).value();
  }
  void TearDown() override {
    enclave_.reset();
    store_.reset();
  }

  test::ScratchDirectory scratch_;
  std::string home_;
  std::unique_ptr<EnclaveClient> enclave_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace ensign::host
