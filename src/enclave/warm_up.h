// warm_up.h: loading everything OpenSSL loads lazily before the seccomp filter goes on, so the
// serve loop never needs a file or a system call outside the allow-list.
#pragma once

#include "core/result.h"
#include "tee/platform.h"

namespace ensign::enclave {

// warm_up initialises OpenSSL (configuration, algorithms, the DRBGs), then runs every request
// path once, on a scratch keyring whose keys are dropped: generate, seal, evidence, unseal and
// sign for each key algorithm. Fails with the first error, which then is a startup failure.
Status warm_up(tee::Platform& platform);

}  // namespace ensign::enclave
