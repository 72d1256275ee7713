// The reading of one POSIX clock, which Linux and macOS map to Clocks differently.
#pragma once

#include <time.h>

#include <chrono>

#include "duration.h"

namespace pulse {

inline Duration read_clock(clockid_t id) {
  timespec now{};
  clock_gettime(id, &now);
  return std::chrono::duration_cast<Duration>(std::chrono::seconds(now.tv_sec) +
                                              std::chrono::nanoseconds(now.tv_nsec));
}

}  // namespace pulse
