// serve.h: the enclave's serve loop: one request at a time, replies in order, until the host
// closes the channel.
#pragma once

#include "enclave/dispatcher.h"
#include "enclave/logger.h"

namespace ensign::enclave {

// serve reads frames from the socket `fd` (borrowed) and answers each through `dispatcher`. An
// empty or oversize frame gets an ErrorReply with request id 0 and the loop goes on. Returns 0
// when the host closes the channel (end of stream, or a reply it no longer takes).
int serve(int fd, Dispatcher& dispatcher, const Logger& logger);

}  // namespace ensign::enclave
