#include "host/server/http_transport.h"

namespace ensign::host::server {

void configure_transport(httplib::Server& http, std::size_t threads, std::size_t max_body_size) {
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Without TCP_NODELAY every keep-alive answer waits out the peer's delayed ACK (RECIPES f).
  http.set_tcp_nodelay(true);
  // httplib's default closes a connection after 5 requests.
  http.set_keep_alive_max_count(100000);
  http.set_payload_max_length(max_body_size);
}

}  // namespace ensign::host::server
