// crypto_test_support.h: helpers shared by the crypto unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "crypto/keys.h"

namespace ensign::test {

// kEveryKeyAlgorithm lists the supported signing algorithms, for parameterised tests.
inline constexpr crypto::KeyAlgorithm kEveryKeyAlgorithm[] = {crypto::KeyAlgorithm::kEcdsaP256,
                                                              crypto::KeyAlgorithm::kEcdsaP384,
                                                              crypto::KeyAlgorithm::kEd25519};

// algorithm_test_name names a parameterised case after its algorithm, e.g. "ecdsap256".
inline std::string algorithm_test_name(
    const ::testing::TestParamInfo<crypto::KeyAlgorithm>& parameter) {
  std::string name(crypto::key_algorithm_name(parameter.param));
  std::erase(name, '-');
  return name;
}

}  // namespace ensign::test
