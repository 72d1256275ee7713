#include "waitable.h"

#include <poll.h>

#include <cerrno>
#include <system_error>
#include <vector>

namespace pulse {

void wait_for_any(std::initializer_list<Waitable> waitables) {
  std::vector<pollfd> fds;
  fds.reserve(waitables.size());
  for (Waitable fd : waitables) fds.push_back({fd, POLLIN, 0});
  if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
    throw std::system_error(errno, std::generic_category(), "poll");
  }
}

}  // namespace pulse
