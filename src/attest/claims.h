// claims.h: building the claims object of a Verification. Evidence carries dozens of fields and
// a verifier service builds the claims of every piece it sees, so members are moved in one at a
// time: nlohmann's initializer lists copy every value once more.
#pragma once

#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/bytes.h"

namespace ensign::attest {

class ClaimsBuilder {
 public:
  ClaimsBuilder& add(std::string_view name, nlohmann::json value) {
    members_.emplace(name, std::move(value));
    return *this;
  }

  // add_hex adds a byte string as lowercase hex, as claims write them.
  ClaimsBuilder& add_hex(std::string_view name, ByteView bytes) {
    return add(name, hex_encode(bytes));
  }

  // build returns the object, leaving this builder empty.
  nlohmann::json build() { return nlohmann::json(std::move(members_)); }

 private:
  nlohmann::json::object_t members_;
};

}  // namespace ensign::attest
