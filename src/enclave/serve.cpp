#include "enclave/serve.h"

#include "enclave/protocol/channel.h"

namespace ensign::enclave {

int serve(int fd, Dispatcher& dispatcher, const Logger& logger) {
  protocol::FrameChannel channel(fd);
  for (;;) {
    auto body = channel.receive();
    Bytes reply;
    if (body) {
      reply = dispatcher.handle(std::move(*body));
    } else if (body.error().code() == ErrorCode::kUnavailable) {
      logger.info("host closed the channel; exiting");
      return 0;
    } else {
      reply = dispatcher.refuse(0, body.error());
    }
    if (!channel.send(reply)) {
      logger.info("host stopped reading replies; exiting");
      return 0;
    }
  }
}

}  // namespace ensign::enclave
