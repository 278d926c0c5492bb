// http_transport.h: the transport settings ensignd serves with, in one place so that the
// benchmark's bare endpoint (bench/bare_https_server.cpp) measures exactly the same transport.
#pragma once

#include <httplib.h>

#include <cstddef>

namespace ensign::host::server {

// configure_transport gives `http` a pool of `threads` connection handlers, TCP_NODELAY,
// long keep-alive and a body limit of `max_body_size` bytes.
void configure_transport(httplib::Server& http, std::size_t threads, std::size_t max_body_size);

}  // namespace ensign::host::server
