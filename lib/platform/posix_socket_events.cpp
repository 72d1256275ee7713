#include <poll.h>

#include "socket_events.h"

namespace pulse {

const short kSocketReadable = POLLIN;
const short kSocketWritable = POLLOUT;

}  // namespace pulse
