// log_fixture.h: a HostFixture whose transparency log holds signed batches, for the tests of the
// log's read side (proofs, audit, an auditor's checks), and raw SQL on its database for
// tampering behind the store's back.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crypto/hash.h"
#include "host/key_service.h"
#include "host/log_proofs.h"
#include "host/log_service.h"
#include "host/state.h"
#include "host_fixture.h"
#include "log/merkle.h"
#include "store/store_test_support.h"

namespace ensign::host {

class LogFixture : public HostFixture {
 protected:
  void SetUp() override {
    HostFixture::SetUp();
    log_ = std::make_unique<LogService>(*store_, *enclave_);
    keys_ = std::make_unique<KeyService>(*store_, *enclave_, "local:test");
    auto key = keys_->create_key("release", crypto::KeyAlgorithm::kEcdsaP256);
    ASSERT_TRUE(key) << key.error().message();
    key_ = std::move(key).value();
  }
  void TearDown() override {
    keys_.reset();
    log_.reset();
    HostFixture::TearDown();
  }

  // item asks for a signature over a digest that depends on `n`.
  enclave::protocol::SignItem item(std::uint64_t n) const {
    return {key_.name,
            key_.version,
            key_.algorithm,
            key_.sealed_key,
            key_.public_key,
            "local:test",
            enclave::protocol::SignInput::kDigest,
            "",
            crypto::sha256(to_bytes("artifact " + std::to_string(n)))};
  }

  // sign_batches logs one batch of each size, and returns the tree sizes after each.
  std::vector<std::uint64_t> sign_batches(const std::vector<std::size_t>& sizes) {
    std::vector<std::uint64_t> tree_sizes;
    for (std::size_t count : sizes) {
      std::vector<enclave::protocol::SignItem> items;
      for (std::size_t i = 0; i < count; ++i) {
        items.push_back(item(next_item_++));
      }
      auto logged = log_->sign(std::move(items));
      EXPECT_TRUE(logged) << logged.error().message();
      tree_sizes.push_back(logged ? logged->back().tree_size : 0);
    }
    return tree_sizes;
  }

  // latest_note returns the log's newest checkpoint, as a user would keep it.
  std::string latest_note() {
    auto head = store_->log_head();
    EXPECT_TRUE(head && *head);
    return head && *head ? (*head)->checkpoint : "";
  }

  std::string database() const { return home_ + "/" + kDatabaseFileName; }

  // sql runs a statement on the database directly, as a tamperer would.
  void sql(const std::string& statement) {
    ASSERT_EQ(store::testing::raw_execute(database(), statement), 0) << statement;
  }

  // set_leaf_hash rewrites the stored leaf hash of entry `index`.
  void set_leaf_hash(std::uint64_t index, ByteView leaf_hash) {
    sql("UPDATE log_entries SET leaf_hash = X'" + hex_encode(leaf_hash) +
        "' WHERE idx = " + std::to_string(index));
  }

  // tamper_entry changes who entry `index` says asked for it, and with `leaf_hash_too` its
  // stored leaf hash to the new body's, so that the row is consistent in itself.
  void tamper_entry(std::uint64_t index, bool leaf_hash_too) {
    sql("UPDATE log_entries SET body = replace(body, 'local:test', 'local:evil') WHERE idx = " +
        std::to_string(index));
    auto rows = store_->log_entries(index, 1);
    ASSERT_TRUE(rows && rows->size() == 1);
    ASSERT_NE(rows->front().body.find("local:evil"), std::string::npos);
    if (leaf_hash_too) {
      set_leaf_hash(index, log::leaf_hash(as_bytes(rows->front().body)));
    }
  }

  std::unique_ptr<LogService> log_;
  std::unique_ptr<KeyService> keys_;
  store::KeyVersion key_;
  std::uint64_t next_item_ = 0;
};

using store::testing::expect_error;

}  // namespace ensign::host
