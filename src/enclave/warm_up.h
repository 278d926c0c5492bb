// warm_up.h: loading everything OpenSSL loads lazily before the seccomp filter goes on, so the
// serve loop never needs a file or a system call outside the allow-list.
#pragma once

#include "core/result.h"
#include "tee/platform.h"

namespace ensign::enclave {

// warm_up initialises OpenSSL (configuration, algorithms, the DRBGs), then runs every request
// path once, on a scratch keyring whose keys are dropped: generate, seal, evidence, unseal and
// sign for each key algorithm, then warm_up_time_zone. Fails with the first error, which then is a startup failure.
Status warm_up(tee::Platform& platform);

// warm_up_time_zone makes glibc load the time zone now, which it otherwise does on the first
// time conversion (an appraisal's), with an openat outside the allow-list. The appraisal paths
// themselves are not run here: their code would stay resident and count against the memory
// budget of the largest signing request; the end-to-end tests appraise every format inside the
// filtered enclave instead.
void warm_up_time_zone();

}  // namespace ensign::enclave
